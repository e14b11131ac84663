package org.hostctl.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A hosting account.
 *
 * @param name       account name, also the key other rows refer to
 * @param webspace   absolute path of the account's webspace on the server
 * @param phpDefault PHP version used where no docroot sets one, or {@code null} for the server default
 * @param createdAt  creation time, second precision
 * @param docroots   the account's document roots, ordered by path
 */
public record Account(String name, String webspace, String phpDefault, Instant createdAt, List<Docroot> docroots) {
    public Account {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(webspace, "webspace");
        Objects.requireNonNull(createdAt, "createdAt");
        docroots = List.copyOf(docroots);
    }
}
