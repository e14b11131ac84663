package org.hostctl.server.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import org.hostctl.api.Json;
import org.hostctl.api.PhpSetting;
import org.hostctl.api.PhpVerification;
import org.hostctl.server.fs.SafeFiles;
import org.hostctl.server.fs.UnsafePathException;
import org.hostctl.server.fs.WebPath;
import org.hostctl.server.php.PhpCatalog.Entry;
import org.hostctl.server.store.Docroot;
import org.hostctl.server.web.SiteGet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes a one-time PHP probe into a directory, fetches it from the site and always deletes it again. */
final class PhpProbe {
    private static final Logger LOG = LoggerFactory.getLogger(PhpProbe.class);
    private static final int MAX_BODY = 64 * 1024;
    private static final String MARK = "hostd-probe:";
    /** Why a probe that came back as its own source failed. */
    static final String SOURCE_SERVED = "PHP source served: handler not defined in the web server";

    private final Duration timeout;
    private final String connectHost;
    private final SecureRandom random = new SecureRandom();

    PhpProbe(Duration timeout, String connectHost) {
        this.timeout = timeout;
        this.connectHost = connectHost;
    }

    PhpVerification run(SafeFiles files, Docroot root, WebPath dir, PhpSetting expected, Entry entry) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        String token = HexFormat.of().formatHex(nonce);
        String name = "hostd-probe-" + token + ".php";
        String script = "<?php\nheader('Content-Type: text/plain');\nheader('Cache-Control: no-store');\n"
                // the mark is echoed in two parts, so that the source served as text never contains it
                + "echo '" + MARK + "', '" + token + "',"
                + " json_encode(['version' => PHP_VERSION, 'sapi' => php_sapi_name(),"
                + " 'handler' => getenv('HOSTD_PHP_HANDLER') ?: null]);\n";
        String url = url(root, dir, name);
        try {
            files.createNew(dir, name, script.getBytes(StandardCharsets.UTF_8));
        } catch (UnsafePathException | IOException e) {
            throw new ServiceException(ServiceException.Kind.UNSAFE, "probe-write",
                    "cannot write the probe into " + dir + ": " + e.getMessage());
        }
        try {
            return fetch(url, token, dir, expected, entry);
        } finally {
            try {
                files.delete(dir, name);
            } catch (UnsafePathException | IOException e) {
                LOG.error("could not delete probe {}/{}: {}", dir, name, e.toString());
            }
        }
    }

    private PhpVerification fetch(String url, String token, WebPath dir, PhpSetting expected, Entry entry) {
        String path = dir.toString();
        HttpURLConnection c = null;
        try {
            int status;
            String body;
            if (SiteGet.applies(URI.create(url), connectHost)) {
                SiteGet.Answer answer = SiteGet.get(URI.create(url), connectHost, timeout, MAX_BODY, "hostd-probe");
                status = answer.status();
                body = answer.body();
            } else {
                c = (HttpURLConnection) new URL(url).openConnection();
                c.setInstanceFollowRedirects(false);
                c.setConnectTimeout((int) timeout.toMillis());
                c.setReadTimeout((int) timeout.toMillis());
                c.setRequestProperty("User-Agent", "hostd-probe");
                status = c.getResponseCode();
                body = read(status >= 400 ? c.getErrorStream() : c.getInputStream());
            }
            int at = body.indexOf(MARK + token);
            if (status != 200 || at < 0) {
                String why = body.contains("<?php") ? SOURCE_SERVED : "the probe answered HTTP " + status
                        + (status == 200 ? " without running PHP" : "");
                return new PhpVerification(path, url, expected.version(), expected.handler(), status, null, null, null,
                        false, why);
            }
            JsonNode report = Json.mapper().readTree(body.substring(at + MARK.length() + token.length()));
            String version = text(report, "version");
            String sapi = text(report, "sapi");
            String handler = text(report, "handler");
            return compare(path, url, status, version, sapi, handler, expected, entry);
        } catch (IOException e) {
            return new PhpVerification(path, url, expected.version(), expected.handler(), 0, null, null, null, false,
                    "cannot fetch " + url + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? ""
                            : " " + e.getMessage()));
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }

    private static PhpVerification compare(String path, String url, int status, String version, String sapi,
            String handler, PhpSetting expected, Entry entry) {
        String marker = entry == null ? null : entry.expectedMarker();
        boolean matches;
        String detail;
        if (entry == null) {
            matches = false;
            detail = "hostd cannot tell which version to expect (" + String.join("; ", expected.problems()) + ")";
        } else if (handler != null && marker != null) {
            matches = handler.equals(marker);
            detail = matches ? "handler " + handler + " ran PHP " + version + " (" + sapi + ")"
                    : "expected handler " + marker + " (PHP " + entry.version() + ") but " + handler + " ran";
        } else {
            matches = version != null && (version.equals(entry.branch()) || version.startsWith(entry.branch() + "."));
            detail = matches ? "PHP " + version + " (" + sapi + ") ran, as expected"
                    : "expected PHP " + entry.branch() + " but PHP " + version + " ran";
        }
        return new PhpVerification(path, url, expected.version(), expected.handler(), status, version, sapi, handler,
                matches, detail);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String read(InputStream in) throws IOException {
        if (in == null) {
            return "";
        }
        try (in) {
            return new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
        }
    }

    static String url(Docroot root, WebPath dir, String name) {
        WebPath rootPath = WebPath.parse(root.path());
        StringBuilder rel = new StringBuilder();
        for (String seg : dir.segments().subList(rootPath.segments().size(), dir.segments().size())) {
            rel.append(encode(seg)).append('/');
        }
        String base = root.url().endsWith("/") ? root.url() : root.url() + "/";
        try {
            return new URI(base).resolve(rel + name).toString();
        } catch (URISyntaxException e) {
            throw ServiceException.invalid("document root URL " + root.url() + " is malformed");
        }
    }

    private static String encode(String segment) {
        return java.net.URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
