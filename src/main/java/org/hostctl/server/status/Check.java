package org.hostctl.server.status;

/**
 * One health check hostd runs.
 *
 * @param id stable key, e.g. {@code mail/mx-a/imap}, {@code web/http://site.example/}, {@code sendlog}, {@code store}
 * @param service {@code imap}, {@code lmtp}, {@code managesieve}, {@code web}, {@code sendlog} or {@code store}
 * @param backend mail backend name, document root URL, {@code postfix} or {@code hostd}
 * @param probe what it runs
 */
public record Check(String id, String service, String backend, Probe probe) {
    public static String mailId(String backend, String service) {
        return "mail/" + backend + "/" + service;
    }

    public static String webId(String url) {
        return "web/" + url;
    }

    public static final String SENDLOG = "sendlog";
    public static final String STORE = "store";
}
