package org.hostctl.client;

import com.fasterxml.jackson.databind.JavaType;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.hostctl.api.Json;
import org.hostctl.api.Alias;
import org.hostctl.api.AliasChange;
import org.hostctl.api.Autoreply;
import org.hostctl.api.Domain;
import org.hostctl.api.MailLogPage;
import org.hostctl.api.MailLogStats;
import org.hostctl.api.StatusHistory;
import org.hostctl.api.StatusReport;
import org.hostctl.api.MailMessage;
import org.hostctl.api.Mailbox;
import org.hostctl.api.MailboxCreate;
import org.hostctl.api.MailboxCreated;
import org.hostctl.api.Me;
import org.hostctl.api.NameChange;
import org.hostctl.api.PasswordChange;
import org.hostctl.api.QuotaChange;
import org.hostctl.api.PhpChange;
import org.hostctl.api.PhpSetRequest;
import org.hostctl.api.PhpSetting;
import org.hostctl.api.PhpVerification;
import org.hostctl.api.PhpVersion;
import org.hostctl.api.Problem;
import org.hostctl.api.SieveCheck;
import org.hostctl.api.SieveCheckResult;
import org.hostctl.api.SievePut;
import org.hostctl.api.SieveRename;
import org.hostctl.api.SieveScript;
import org.hostctl.api.SieveTestRequest;
import org.hostctl.api.SieveTestResult;
import okhttp3.Call;
import okhttp3.ConnectionSpec;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;

/** {@link HostApi} over HTTP with OkHttp: the only code that speaks HTTP. */
public final class HttpHostApi implements HostApi {
    private static final MediaType JSON = MediaType.get("application/json");
    /** The most hostctl reads of one response unless {@code HOSTCTL_MAX_RESPONSE} says otherwise: 64 MiB. */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 64L << 20;

    /** Prefix of an API URL that names hostd's local socket, e.g. {@code unix:/run/hostd/api.sock}. */
    public static final String UNIX_PREFIX = "unix:";

    private final HttpUrl base;
    private final OkHttpClient http;
    private final long maxResponseBytes;
    private final String socket;

    /**
     * @param baseUrl API root, e.g. {@code http://127.0.0.1:8640}, or hostd's local socket, e.g. {@code
     *     unix:/run/hostd/api.sock}
     * @param token bearer token, or null for unauthenticated calls; never sent on the local socket, where hostd
     *     knows the caller from the kernel
     * @param userAgent e.g. {@code hostctl/0.1.0}
     * @param trace where {@code --verbose} writes the HTTP trace, or null
     */
    public HttpHostApi(String baseUrl, String token, String userAgent, PrintWriter trace) {
        this(baseUrl, token, userAgent, trace, DEFAULT_MAX_RESPONSE_BYTES);
    }

    /**
     * @param maxResponseBytes the most bytes read of one response body; a larger one fails with
     *     {@link ResponseTooLargeException} without being read to its end
     */
    public HttpHostApi(String baseUrl, String token, String userAgent, PrintWriter trace, long maxResponseBytes) {
        this(baseUrl, token, userAgent, trace, maxResponseBytes, null);
    }

    /**
     * @param caFile PEM file of the CA certificates trusted for an https URL instead of the JDK's, or null; not
     *     read for other URLs
     * @throws IllegalArgumentException for a URL that is not one, or a CA file that cannot be read or holds no
     *     certificate (one line naming it)
     */
    public HttpHostApi(String baseUrl, String token, String userAgent, PrintWriter trace, long maxResponseBytes,
            java.nio.file.Path caFile) {
        if (maxResponseBytes < 1) {
            throw new IllegalArgumentException("the response limit must be positive");
        }
        this.maxResponseBytes = maxResponseBytes;
        boolean unix = baseUrl.startsWith(UNIX_PREFIX);
        this.socket = unix ? baseUrl.substring(UNIX_PREFIX.length()) : null;
        if (unix && (socket.isEmpty() || !socket.startsWith("/"))) {
            throw new IllegalArgumentException("a local socket URL is unix:/absolute/path, not " + baseUrl);
        }
        HttpUrl parsed = unix ? HttpUrl.get("http://localhost") : HttpUrl.parse(baseUrl);
        if (parsed == null) {
            throw new IllegalArgumentException("not an http(s) or unix: URL: " + baseUrl);
        }
        this.base = parsed;
        String bearer = unix ? null : token;
        OkHttpClient.Builder b = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(10))
                .readTimeout(Duration.ofSeconds(60))
                .writeTimeout(Duration.ofSeconds(60))
                .callTimeout(Duration.ofSeconds(90))
                .retryOnConnectionFailure(false)
                .addInterceptor(chain -> {
                    Request.Builder r = chain.request().newBuilder().header("User-Agent", userAgent)
                            .header("Accept", "application/json, application/problem+json");
                    if (bearer != null) {
                        r.header("Authorization", "Bearer " + bearer);
                    }
                    return chain.proceed(r.build());
                });
        if (!parsed.isHttps()) {
            // plain HTTP (hostd on the same host): no TLS, so OkHttp does not load the JDK's trust store
            b.connectionSpecs(List.of(ConnectionSpec.CLEARTEXT));
        } else if (caFile != null) {
            CaFile ca = CaFile.load(caFile);
            b.sslSocketFactory(ca.context().getSocketFactory(), ca.trustManager());
        }
        if (unix) {
            org.hostctl.client.socket.LocalSocketTransport.configure(b, java.nio.file.Path.of(socket));
        }
        if (trace != null) {
            b.addNetworkInterceptor(new TraceInterceptor(trace));
        }
        this.http = b.build();
    }

    @Override
    public Me me() {
        return send(get(url("/v1/me").build()), Json.mapper().constructType(Me.class));
    }

    @Override
    public List<PhpVersion> phpVersions() {
        return send(get(url("/v1/php/versions").build()), listOf(PhpVersion.class));
    }

    @Override
    public List<PhpSetting> phpSettings(List<String> paths, boolean recursive) {
        HttpUrl.Builder u = url("/v1/php/settings");
        for (String p : paths) {
            u.addQueryParameter("path", p);
        }
        if (recursive) {
            u.addQueryParameter("recursive", "true");
        }
        return send(get(u.build()), listOf(PhpSetting.class));
    }

    @Override
    public PhpChange phpSet(String path, PhpSetRequest request) {
        HttpUrl u = url("/v1/php/settings").addQueryParameter("path", path).build();
        return send(new Request.Builder().url(u).put(json(request)).build(), type(PhpChange.class));
    }

    @Override
    public PhpChange phpUnset(String path, boolean dryRun) {
        HttpUrl.Builder u = url("/v1/php/settings").addQueryParameter("path", path);
        if (dryRun) {
            u.addQueryParameter("dryRun", "true");
        }
        return send(new Request.Builder().url(u.build()).delete().build(), type(PhpChange.class));
    }

    @Override
    public PhpVerification phpVerify(String path) {
        HttpUrl u = url("/v1/php/verify").addQueryParameter("path", path).build();
        return send(new Request.Builder().url(u).post(RequestBody.create(new byte[0], JSON)).build(),
                type(PhpVerification.class));
    }

    @Override
    public org.hostctl.api.PhpCheckJob phpCheckStart(org.hostctl.api.PhpCheckRequest request) {
        return send(new Request.Builder().url(url("/v1/php/checks").build()).post(json(request)).build(),
                type(org.hostctl.api.PhpCheckJob.class));
    }

    @Override
    public org.hostctl.api.PhpCheckJob phpCheck(String id) {
        return send(get(url("/v1/php/checks").addPathSegment(id).build()), type(org.hostctl.api.PhpCheckJob.class));
    }

    @Override
    public List<Domain> domains() {
        return send(get(url("/v1/domains").build()), listOf(Domain.class));
    }

    @Override
    public List<Mailbox> mailboxes(String domain) {
        HttpUrl.Builder u = url("/v1/mailboxes");
        if (domain != null) {
            u.addQueryParameter("domain", domain);
        }
        return send(get(u.build()), listOf(Mailbox.class));
    }

    @Override
    public MailboxCreated createMailbox(MailboxCreate request) {
        return send(new Request.Builder().url(url("/v1/mailboxes").build()).post(json(request)).build(),
                type(MailboxCreated.class));
    }

    @Override
    public Mailbox mailbox(String address) {
        return send(get(mailboxUrl(address).build()), type(Mailbox.class));
    }

    @Override
    public Mailbox deleteMailbox(String address) {
        return send(new Request.Builder().url(mailboxUrl(address).build()).delete().build(), type(Mailbox.class));
    }

    @Override
    public MailboxCreated setPassword(String address, PasswordChange request) {
        return send(new Request.Builder().url(mailboxUrl(address).addPathSegment("password").build())
                .put(json(request)).build(), type(MailboxCreated.class));
    }

    @Override
    public Mailbox setQuota(String address, long quotaBytes) {
        return send(new Request.Builder().url(mailboxUrl(address).addPathSegment("quota").build())
                .put(json(new QuotaChange(quotaBytes))).build(), type(Mailbox.class));
    }

    @Override
    public Mailbox setName(String address, String name) {
        return send(new Request.Builder().url(mailboxUrl(address).addPathSegment("name").build())
                .put(json(new NameChange(name))).build(), type(Mailbox.class));
    }

    @Override
    public Mailbox mailboxAction(String address, String action) {
        return send(new Request.Builder().url(mailboxUrl(address).addPathSegment(action).build())
                .post(RequestBody.create(new byte[0], JSON)).build(), type(Mailbox.class));
    }

    @Override
    public Autoreply autoreply(String address) {
        return send(get(mailboxUrl(address).addPathSegment("autoreply").build()), type(Autoreply.class));
    }

    @Override
    public Autoreply setAutoreply(String address, Autoreply autoreply) {
        return send(new Request.Builder().url(mailboxUrl(address).addPathSegment("autoreply").build())
                .put(json(autoreply)).build(), type(Autoreply.class));
    }

    @Override
    public Autoreply autoreplyOff(String address) {
        return send(new Request.Builder().url(mailboxUrl(address).addPathSegment("autoreply").build()).delete()
                .build(), type(Autoreply.class));
    }

    @Override
    public List<Alias> aliases(String domain) {
        HttpUrl.Builder u = url("/v1/aliases");
        if (domain != null) {
            u.addQueryParameter("domain", domain);
        }
        return send(get(u.build()), listOf(Alias.class));
    }

    @Override
    public Alias addAlias(String source, List<String> destinations) {
        return send(new Request.Builder().url(url("/v1/aliases").addPathSegment(source).build())
                .post(json(new AliasChange(destinations))).build(), type(Alias.class));
    }

    @Override
    public void removeAlias(String source, List<String> destinations) {
        HttpUrl.Builder u = url("/v1/aliases").addPathSegment(source);
        for (String d : destinations) {
            u.addQueryParameter("destination", d);
        }
        sendNoContent(new Request.Builder().url(u.build()).delete().build());
    }

    @Override
    public List<SieveScript> sieveScripts(String address) {
        return send(get(mailboxUrl(address).addPathSegment("sieve").build()), listOf(SieveScript.class));
    }

    @Override
    public SieveScript sieveScript(String address, String name) {
        return send(get(sieveUrl(address, name).build()), type(SieveScript.class));
    }

    @Override
    public SieveScript putSieveScript(String address, String name, SievePut request) {
        return send(new Request.Builder().url(sieveUrl(address, name).build()).put(json(request)).build(),
                type(SieveScript.class));
    }

    @Override
    public void deleteSieveScript(String address, String name, boolean deactivate) {
        HttpUrl.Builder u = sieveUrl(address, name);
        if (deactivate) {
            u.addQueryParameter("deactivate", "true");
        }
        sendNoContent(new Request.Builder().url(u.build()).delete().build());
    }

    @Override
    public SieveScript activateSieveScript(String address, String name) {
        return send(new Request.Builder().url(sieveUrl(address, name).addPathSegment("activate").build())
                .post(emptyJson()).build(), type(SieveScript.class));
    }

    @Override
    public SieveScript renameSieveScript(String address, String name, String newName) {
        return send(new Request.Builder().url(sieveUrl(address, name).addPathSegment("rename").build())
                .post(json(new SieveRename(newName))).build(), type(SieveScript.class));
    }

    @Override
    public void deactivateSieve(String address) {
        sendNoContent(new Request.Builder().url(mailboxUrl(address).addPathSegment("sieve-deactivate").build())
                .post(emptyJson()).build());
    }

    @Override
    public SieveCheckResult checkSieve(String address, String content) {
        return send(new Request.Builder().url(mailboxUrl(address).addPathSegment("sieve-check").build())
                .post(json(new SieveCheck(content))).build(), type(SieveCheckResult.class));
    }

    @Override
    public SieveTestResult testSieve(String address, SieveTestRequest request) {
        return send(new Request.Builder().url(mailboxUrl(address).addPathSegment("sieve-test").build())
                .post(json(request)).build(), type(SieveTestResult.class));
    }

    private HttpUrl.Builder sieveUrl(String address, String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            // OkHttp would drop or pop such a segment and send the request to another resource
            throw new IllegalArgumentException("not a script name: '" + name + "'");
        }
        return mailboxUrl(address).addPathSegment("sieve").addPathSegment(name);
    }

    private static RequestBody emptyJson() {
        return RequestBody.create(new byte[0], JSON);
    }

    @Override
    public MailLogPage mailLog(MailLogQuery q) {
        HttpUrl.Builder u = url("/v1/mail/log");
        query(u, "from", q.from());
        query(u, "to", q.to());
        query(u, "since", q.since() == null ? null : q.since().toString());
        query(u, "until", q.until() == null ? null : q.until().toString());
        query(u, "status", q.status());
        query(u, "messageId", q.messageId());
        query(u, "queueId", q.queueId());
        query(u, "direction", q.direction());
        query(u, "limit", q.limit() == null ? null : q.limit().toString());
        query(u, "cursor", q.cursor());
        return send(get(u.build()), type(MailLogPage.class));
    }

    @Override
    public MailMessage mailLogEntry(String id) {
        return send(get(url("/v1/mail/log").addPathSegment(id).build()), type(MailMessage.class));
    }

    @Override
    public MailLogStats mailLogStats(Instant since, Instant until, String by) {
        HttpUrl.Builder u = url("/v1/mail/log/stats");
        query(u, "since", since == null ? null : since.toString());
        query(u, "until", until == null ? null : until.toString());
        query(u, "by", by);
        return send(get(u.build()), type(MailLogStats.class));
    }

    @Override
    public StatusReport status() {
        return send(get(url("/v1/status").build()), type(StatusReport.class));
    }

    @Override
    public StatusHistory statusHistory(Integer days) {
        HttpUrl.Builder u = url("/v1/status/history");
        query(u, "days", days == null ? null : days.toString());
        return send(get(u.build()), type(StatusHistory.class));
    }

    private static void query(HttpUrl.Builder u, String name, String value) {
        if (value != null) {
            u.addQueryParameter(name, value);
        }
    }

    private HttpUrl.Builder mailboxUrl(String address) {
        return url("/v1/mailboxes").addPathSegment(address);
    }

    private void sendNoContent(Request req) {
        Call call = http.newCall(req);
        try (Response resp = call.execute()) {
            byte[] body = body(call, resp);
            if (!resp.isSuccessful()) {
                throw error(resp.code(), resp.header("Content-Type"), body);
            }
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    @Override
    public RawResponse call(String method, String pathAndQuery, byte[] body) {
        if (!pathAndQuery.startsWith("/") || pathAndQuery.startsWith("//")) {
            throw new IllegalArgumentException("not a path of the API: " + pathAndQuery);
        }
        HttpUrl u = base.resolve(pathAndQuery.startsWith("/") ? pathAndQuery.substring(1) : pathAndQuery);
        if (u == null || !u.host().equals(base.host()) || u.port() != base.port()) {
            throw new IllegalArgumentException("not a path of the API: " + pathAndQuery);
        }
        String m = method.toUpperCase(Locale.ROOT);
        RequestBody rb = body == null ? (requiresBody(m) ? RequestBody.create(new byte[0], JSON) : null)
                : RequestBody.create(body, JSON);
        Request req = new Request.Builder().url(u).method(m, rb).build();
        Call call = http.newCall(req);
        try (Response resp = call.execute()) {
            String ct = resp.header("Content-Type");
            return new RawResponse(resp.code(), ct, body(call, resp));
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    private static boolean requiresBody(String method) {
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }

    private HttpUrl.Builder url(String path) {
        HttpUrl.Builder b = base.newBuilder();
        String basePath = base.encodedPath();
        b.encodedPath((basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath) + path);
        return b;
    }

    private static Request get(HttpUrl url) {
        return new Request.Builder().url(url).get().build();
    }

    private static RequestBody json(Object body) {
        try {
            return RequestBody.create(Json.mapper().writeValueAsBytes(body), JSON);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JavaType type(Class<?> c) {
        return Json.mapper().constructType(c);
    }

    private static JavaType listOf(Class<?> c) {
        return Json.mapper().getTypeFactory().constructCollectionType(List.class, c);
    }

    private <T> T send(Request req, JavaType type) {
        Call call = http.newCall(req);
        try (Response resp = call.execute()) {
            byte[] body = body(call, resp);
            if (!resp.isSuccessful()) {
                throw error(resp.code(), resp.header("Content-Type"), body);
            }
            try {
                return Json.mapper().readValue(body, type);
            } catch (IOException e) {
                throw new ApiException(resp.code(), null, "the server sent a reply hostctl cannot read ("
                        + e.getClass().getSimpleName() + ")");
            }
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    /**
     * The body of {@code resp}, read as it streams in and never more than the limit: a larger body (by its
     * Content-Length, or once the limit is passed) fails without being read further.
     */
    private byte[] body(Call call, Response resp) throws IOException {
        ResponseBody b = resp.body();
        if (b.contentLength() > maxResponseBytes) {
            call.cancel(); // closes the connection instead of reading the rest to reuse it
            throw tooLarge(resp);
        }
        BufferedSource source = b.source();
        Buffer buffer = new Buffer();
        while (buffer.size() <= maxResponseBytes) {
            if (source.read(buffer, 64 * 1024) == -1) {
                return buffer.readByteArray();
            }
        }
        call.cancel();
        throw tooLarge(resp);
    }

    private ResponseTooLargeException tooLarge(Response resp) {
        return new ResponseTooLargeException("the answer to " + resp.request().method() + " "
                + resp.request().url().encodedPath() + " is larger than " + describeSize(maxResponseBytes)
                + ", the most hostctl reads (set HOSTCTL_MAX_RESPONSE to change it)");
    }

    /** {@code 64 MiB}, {@code 1500 KiB}, {@code 100 bytes}. */
    static String describeSize(long bytes) {
        if (bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB";
        }
        if (bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes % (1L << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " bytes";
    }

    /**
     * The response limit {@code HOSTCTL_MAX_RESPONSE} gives: bytes, or a number with {@code K}, {@code M} or
     * {@code G} (KiB, MiB, GiB); the default when null or blank.
     *
     * @throws IllegalArgumentException when it is something else
     */
    public static long maxResponseBytes(String setting) {
        if (setting == null || setting.isBlank()) {
            return DEFAULT_MAX_RESPONSE_BYTES;
        }
        long bytes;
        try {
            bytes = org.hostctl.api.Sizes.parse(setting);
        } catch (IllegalArgumentException e) {
            bytes = 0;
        }
        if (bytes == 0) {
            throw new IllegalArgumentException("HOSTCTL_MAX_RESPONSE must be a size such as 64M or 1G, not '"
                    + setting + "'");
        }
        return bytes;
    }

    /** Maps an error response to an exception carrying its problem detail. */
    static ApiException error(int status, String contentType, byte[] body) {
        Problem problem = null;
        if (contentType != null && (contentType.startsWith(Problem.MEDIA_TYPE) || contentType.startsWith("application/json"))) {
            try {
                problem = Json.mapper().readValue(body, Problem.class);
            } catch (IOException ignored) {
                problem = null;
            }
        }
        String message = problem != null && problem.detail() != null ? problem.detail()
                : problem != null && problem.title() != null ? problem.title() : "HTTP " + status;
        return new ApiException(status, problem, message);
    }

    private UnavailableException unavailable(IOException e) {
        String where = socket != null ? UNIX_PREFIX + socket : base.scheme() + "://" + base.host() + ":" + base.port();
        String why;
        if (e instanceof ConnectException) {
            why = "connection refused";
        } else if (e instanceof UnknownHostException) {
            why = "unknown host";
        } else if (e instanceof InterruptedIOException) {
            why = "timed out";
        } else if (e instanceof javax.net.ssl.SSLException) {
            return new UnavailableException("TLS with " + where + " failed: " + tlsProblem(e), e, true);
        } else {
            why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return new UnavailableException("cannot reach " + where + ": " + why, e);
    }

    /** What went wrong in a TLS handshake, in words, rather than the JDK's class names. */
    private String tlsProblem(IOException e) {
        if (e instanceof javax.net.ssl.SSLPeerUnverifiedException) {
            // OkHttp checks the host name itself (the JDK's check is not enabled), with this exception
            return "the server's certificate is not valid for " + base.host();
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.security.cert.CertificateExpiredException) {
                return "the server's certificate has expired";
            }
            if (t instanceof java.security.cert.CertificateNotYetValidException) {
                return "the server's certificate is not valid yet";
            }
            if (t instanceof java.security.cert.CertPathBuilderException
                    || t instanceof java.security.cert.CertPathValidatorException) {
                return "the server's certificate is not signed by a CA hostctl trusts";
            }
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    /** One line describing an error response: its problem detail, or its status. */
    public static String describe(RawResponse r) {
        return error(r.status(), r.contentType(), r.body()).getMessage();
    }
}
