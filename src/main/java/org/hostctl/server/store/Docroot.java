package org.hostctl.server.store;

import java.util.Objects;

/**
 * A document root of an account.
 *
 * @param path directory relative to the account's webspace, e.g. {@code public_html}
 * @param url  where the document root is served, e.g. {@code http://127.0.0.1:18080/}
 */
public record Docroot(String path, String url) {
    public Docroot {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(url, "url");
    }
}
