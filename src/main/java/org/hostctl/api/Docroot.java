package org.hostctl.api;

/**
 * A document root of an account.
 *
 * @param path directory relative to the webspace root, e.g. {@code public_html}
 * @param url the site URL that serves it
 */
public record Docroot(String path, String url) {}
