package org.hostctl.server.php;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Computes the effective PHP handler of a directory (php-handlers.md §2): walking from the target directory up to
 * the document root, the nearest SetHandler for .php wins; without one, the nearest AddHandler; otherwise the
 * account default. Further rules (not verified against Apache, modelled on the mod_mime documentation):
 * {@code SetHandler None} cancels SetHandlers above it; a nearest {@code RemoveHandler .php} removes the
 * handler including the account default, so Apache would serve PHP source; {@code AddType application/x-httpd-…}
 * never selects a handler on a node whose handlers are AddHandler/SetHandler names and is reported.
 */
public final class HandlerResolver {
    private static final String SOURCE_SERVED = "Apache would serve PHP source as plain text";

    private HandlerResolver() {}

    /**
     * Resolves the handler for the last directory of {@code chain}.
     *
     * @param chain          the directories from the document root (first) down to the target (last)
     * @param accountDefault the handler configured for the account (vhost)
     * @param known          handler names and proxy URLs configured on this node
     */
    public static Resolution resolve(List<HtaccessState> chain, String accountDefault, Predicate<String> known) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("the chain needs at least the document root");
        }
        List<Resolution.Problem> problems = new ArrayList<>();
        for (HtaccessState state : chain) {
            if (state.status() == HtaccessState.Status.UNREADABLE) {
                problems.add(new Resolution.Problem(Resolution.Problem.Kind.UNREADABLE, state.directory(),
                        ".htaccess could not be read safely: " + state.reason()));
            }
            state.parsed().addType().ifPresent(d -> problems.add(new Resolution.Problem(
                    Resolution.Problem.Kind.ADD_TYPE_IGNORED, state.directory(), "line " + d.line() + ": AddType "
                    + printable(d.value()) + " does not select a handler on this node")));
        }
        int target = chain.size() - 1;

        for (int i = target; i >= 0; i--) {
            Optional<Directive> set = chain.get(i).parsed().setHandler();
            if (set.isEmpty()) {
                continue;
            }
            if (set.get().isSetHandlerNone()) {
                break;
            }
            String by = chain.get(i).directory();
            List<Resolution.Shadowed> shadowed = new ArrayList<>();
            for (int j = i; j <= target; j++) {
                HtaccessState below = chain.get(j);
                below.parsed().mimeHandler()
                        .filter(d -> d.kind() == Directive.Kind.ADD_HANDLER)
                        .ifPresent(d -> shadowed.add(new Resolution.Shadowed(below.directory(), d, by)));
            }
            return decided(chain, i, set.get(), known, problems, shadowed);
        }

        for (int i = target; i >= 0; i--) {
            Optional<Directive> mime = chain.get(i).parsed().mimeHandler();
            if (mime.isEmpty()) {
                continue;
            }
            if (mime.get().kind() == Directive.Kind.REMOVE_HANDLER) {
                String dir = chain.get(i).directory();
                problems.add(new Resolution.Problem(Resolution.Problem.Kind.HANDLER_REMOVED, dir,
                        "line " + mime.get().line() + ": RemoveHandler " + printable(mime.get().value()) + " removes the handler: "
                        + SOURCE_SERVED));
                return new Resolution(null, Resolution.Origin.REMOVED, dir, mime.get(), problems, List.of());
            }
            return decided(chain, i, mime.get(), known, problems, List.of());
        }
        return new Resolution(accountDefault, Resolution.Origin.ACCOUNT_DEFAULT, null, null, problems, List.of());
    }

    private static Resolution decided(List<HtaccessState> chain, int index, Directive directive,
            Predicate<String> known, List<Resolution.Problem> problems, List<Resolution.Shadowed> shadowed) {
        String dir = chain.get(index).directory();
        if (!known.test(directive.value())) {
            problems.add(new Resolution.Problem(Resolution.Problem.Kind.UNKNOWN_HANDLER, dir, "line "
                    + directive.line() + ": handler " + printable(directive.value()) + " is not configured on this node: "
                    + SOURCE_SERVED));
        }
        Resolution.Origin origin = index == chain.size() - 1
                ? Resolution.Origin.THIS_DIRECTORY : Resolution.Origin.INHERITED;
        return new Resolution(directive.value(), origin, dir, directive, problems, shadowed);
    }

    /** Tenant-controlled text made safe for one-line messages: controls escaped, length capped. */
    static String printable(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length() && out.length() < 200; i++) {
            char c = value.charAt(i);
            boolean unsafe = c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029'
                    || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069') || c == '\u200E'
                    || c == '\u200F' || c == '\u061C';
            out.append(unsafe ? String.format("\\u%04X", (int) c) : String.valueOf(c));
        }
        return out.length() >= 200 ? out + "..." : out.toString();
    }
}
