package org.hostctl.server.php;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A validated handler selection that hostd writes into its marker block.
 *
 * <p>{@link #addHandler} writes {@code AddHandler <name> .php}; {@link #setHandler} writes a
 * {@code <FilesMatch "\.php$"> SetHandler …} section, needed for FPM sockets and to leave a subtree whose
 * ancestor uses SetHandler (an AddHandler below a SetHandler directory has no effect).
 */
public record HandlerDirective(Form form, String value) {
    /** Which directive is written. */
    public enum Form { ADD_HANDLER, SET_HANDLER }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern SOCKET = Pattern.compile("(/[A-Za-z0-9._+@-]+)+");
    private static final String PROXY_PREFIX = "proxy:unix:";
    private static final String PROXY_SUFFIX = "|fcgi://localhost";

    /** Refuses anything but a handler name (or, for SET_HANDLER, an FPM proxy URL). */
    public HandlerDirective {
        if (form == null || value == null) {
            throw new IllegalArgumentException("form and value are required");
        }
        boolean valid = isHandlerName(value) || (form == Form.SET_HANDLER && isProxyUrl(value));
        if (!valid) {
            throw new IllegalArgumentException(form == Form.ADD_HANDLER
                    ? "invalid handler name (allowed: letters, digits, '.', '_', '-', at most 64)"
                    : "invalid handler: expected a handler name or proxy:unix:/path.sock|fcgi://localhost");
        }
    }

    /** {@code AddHandler <name> .php}. */
    public static HandlerDirective addHandler(String name) {
        return new HandlerDirective(Form.ADD_HANDLER, name);
    }

    /** {@code SetHandler <name>} or {@code SetHandler "proxy:unix:…|fcgi://localhost"} for .php files. */
    public static HandlerDirective setHandler(String nameOrProxyUrl) {
        return new HandlerDirective(Form.SET_HANDLER, nameOrProxyUrl);
    }

    /** {@code proxy:unix:<socket>|fcgi://localhost} for an FPM socket path (validated). */
    public static String proxyUrl(String socketPath) {
        String url = PROXY_PREFIX + socketPath + PROXY_SUFFIX;
        if (!isProxyUrl(url)) {
            throw new IllegalArgumentException("invalid socket path");
        }
        return url;
    }

    /** True for {@code [A-Za-z0-9][A-Za-z0-9._-]{0,63}}. */
    public static boolean isHandlerName(String value) {
        return value != null && NAME.matcher(value).matches();
    }

    /** True for {@code proxy:unix:/abs/path|fcgi://localhost} with a plain absolute path (no {@code ..}). */
    public static boolean isProxyUrl(String value) {
        if (value == null || !value.startsWith(PROXY_PREFIX) || !value.endsWith(PROXY_SUFFIX)) {
            return false;
        }
        String path = value.substring(PROXY_PREFIX.length(), value.length() - PROXY_SUFFIX.length());
        return path.length() <= 256 && SOCKET.matcher(path).matches()
                && !path.contains("/../") && !path.endsWith("/..") && !path.contains("/./") && !path.endsWith("/.");
    }

    /** The lines inside the marker block, without line endings. */
    public List<String> lines() {
        if (form == Form.ADD_HANDLER) {
            return List.of("AddHandler " + value + " .php");
        }
        String handler = isProxyUrl(value) ? "\"" + value + "\"" : value;
        return List.of("<FilesMatch \"\\.php$\">", "    SetHandler " + handler, "</FilesMatch>");
    }
}
