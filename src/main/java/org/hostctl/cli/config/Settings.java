package org.hostctl.cli.config;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * The effective connection settings, by precedence: flag, then environment ({@code HOSTCTL_*}), then profile,
 * then hostd's local socket (when no token and no URL is set anywhere and the socket exists), then default.
 *
 * @param profileName the profile in use
 * @param apiUrl API root URL, or {@code unix:PATH} for hostd's local socket
 * @param apiUrlSource where {@code apiUrl} came from ({@code flag}, {@code env}, {@code profile}, {@code socket},
 *     {@code default})
 * @param token bearer token, null when none
 * @param tokenSource where the token came from ({@code env}, {@code profile}), null when none
 */
public record Settings(String profileName, String apiUrl, String apiUrlSource, String token, String tokenSource) {
    /** API URL used when nothing else names one. */
    public static final String DEFAULT_API_URL = "http://127.0.0.1:8640";

    /** hostd's local socket on a hosting server, used when nothing names an API and no token is set. */
    public static final Path LOCAL_SOCKET = Path.of("/run/hostd/api.sock");

    /** Prefix of an API URL naming a local socket. */
    public static final String UNIX_PREFIX = "unix:";

    /** Resolves the settings from flags (may be null), environment and the stored configuration. */
    public static Settings resolve(String profileFlag, String apiUrlFlag, Map<String, String> env, Config config) {
        return resolve(profileFlag, apiUrlFlag, env, config, null);
    }

    /**
     * Like {@link #resolve(String, String, Map, Config)}, using {@code localSocket} (may be null) when no URL and no
     * token is set anywhere and the socket exists.
     */
    public static Settings resolve(String profileFlag, String apiUrlFlag, Map<String, String> env, Config config,
            Path localSocket) {
        String profileName = firstNonBlank(profileFlag, env.get("HOSTCTL_PROFILE"), config.currentProfile());
        Profile profile = config.profiles().get(profileName);
        String url;
        String urlSource;
        if (notBlank(apiUrlFlag)) {
            url = apiUrlFlag;
            urlSource = "flag";
        } else if (notBlank(env.get("HOSTCTL_API_URL"))) {
            url = env.get("HOSTCTL_API_URL");
            urlSource = "env";
        } else if (profile != null && notBlank(profile.apiUrl())) {
            url = profile.apiUrl();
            urlSource = "profile";
        } else {
            url = null;
            urlSource = null;
        }
        String token = null;
        String tokenSource = null;
        if (notBlank(env.get("HOSTCTL_TOKEN"))) {
            token = env.get("HOSTCTL_TOKEN").trim();
            tokenSource = "env";
        } else if (profile != null && notBlank(profile.token())) {
            token = profile.token();
            tokenSource = "profile";
        }
        if (url == null && token == null && localSocket != null
                && Files.exists(localSocket, LinkOption.NOFOLLOW_LINKS)) {
            url = UNIX_PREFIX + localSocket;
            urlSource = "socket";
        } else if (url == null) {
            url = DEFAULT_API_URL;
            urlSource = "default";
        }
        return new Settings(profileName, stripSlash(url), urlSource, token, tokenSource);
    }

    /** Whether the API is hostd's local socket, where the caller's Unix user is the account and no token is used. */
    public boolean localSocket() {
        return apiUrl.startsWith(UNIX_PREFIX);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (notBlank(v)) {
                return v;
            }
        }
        return Config.DEFAULT_PROFILE;
    }
}
