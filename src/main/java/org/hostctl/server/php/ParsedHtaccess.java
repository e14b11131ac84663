package org.hostctl.server.php;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** The PHP-relevant directives of one .htaccess, in file order. */
public record ParsedHtaccess(List<Directive> directives) {
    /** An empty file. */
    public static final ParsedHtaccess EMPTY = new ParsedHtaccess(List.of());

    /** Copies the list. */
    public ParsedHtaccess {
        directives = List.copyOf(directives);
    }

    /** The SetHandler that applies to .php (the last one wins). */
    public Optional<Directive> setHandler() {
        return last(d -> d.kind() == Directive.Kind.SET_HANDLER);
    }

    /** The mod_mime handler mapping for .php: the last AddHandler or RemoveHandler (a RemoveHandler cancels). */
    public Optional<Directive> mimeHandler() {
        return last(d -> d.kind() == Directive.Kind.ADD_HANDLER || d.kind() == Directive.Kind.REMOVE_HANDLER);
    }

    /** The last {@code AddType application/x-httpd-… .php}. */
    public Optional<Directive> addType() {
        return last(d -> d.kind() == Directive.Kind.ADD_TYPE);
    }

    private Optional<Directive> last(Predicate<Directive> filter) {
        for (int i = directives.size() - 1; i >= 0; i--) {
            if (filter.test(directives.get(i))) {
                return Optional.of(directives.get(i));
            }
        }
        return Optional.empty();
    }
}
