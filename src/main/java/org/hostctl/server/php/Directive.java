package org.hostctl.server.php;

/**
 * One PHP-relevant directive found in a .htaccess.
 *
 * @param kind         which directive
 * @param value        handler name or proxy URL (ADD_HANDLER, SET_HANDLER), MIME type (ADD_TYPE), the extension
 *                     as written (REMOVE_HANDLER)
 * @param line         1-based number of the (first physical) line
 * @param inHostdBlock true if it sits inside hostd's marker block
 */
public record Directive(Kind kind, String value, int line, boolean inHostdBlock) {
    /** The directive kinds that decide or affect the handler of .php files. */
    public enum Kind { ADD_HANDLER, SET_HANDLER, ADD_TYPE, REMOVE_HANDLER }

    /** True for {@code SetHandler None}, which cancels an inherited SetHandler. */
    public boolean isSetHandlerNone() {
        return kind == Kind.SET_HANDLER && value.equalsIgnoreCase("none");
    }
}
