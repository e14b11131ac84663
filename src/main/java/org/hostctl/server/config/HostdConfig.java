package org.hostctl.server.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.hostctl.server.auth.TokenExpiry;

/**
 * hostd's configuration, read from {@code hostd.yaml} in the data directory.
 *
 * @param listen address to listen on, {@code HOST:PORT}
 * @param database JDBC URL of the store; null for the SQLite file in the data directory
 * @param php PHP versions offered and their handlers
 * @param verifyTimeoutSeconds how long {@code php verify} waits for the site
 * @param mail mailbox settings
 * @param sieve where mailboxes' Sieve scripts live and what they may do
 * @param maillog send logs: which Postfix logs to read, how long to keep what they say
 * @param status health probes of the services customers use
 * @param auth API tokens
 * @param socket the local socket (relative paths are inside the data directory); null for {@code api.sock} in the
 *     data directory, {@value #SOCKET_OFF} for none
 * @param http limits of the HTTP server
 * @param web how hostd reaches the document roots' URLs ({@code php verify}, the web probes)
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record HostdConfig(String listen, String database, Php php, Integer verifyTimeoutSeconds, Mail mail,
        Sieve sieve, MailLog maillog, Status status, Auth auth, String socket, Http http, Web web) {

    /** The {@code socket} value that turns the local socket off. */
    public static final String SOCKET_OFF = "off";

    /** Default listen address. */
    public static final String DEFAULT_LISTEN = "127.0.0.1:8640";

    public HostdConfig {
        listen = listen == null || listen.isBlank() ? DEFAULT_LISTEN : listen;
        php = php == null ? new Php(null, List.of(), List.of()) : php;
        verifyTimeoutSeconds = verifyTimeoutSeconds == null ? 10 : verifyTimeoutSeconds;
        mail = mail == null ? new Mail(null, null, null, null, null, null) : mail;
        sieve = sieve == null ? new Sieve(null, null, null, null, null, null) : sieve;
        maillog = maillog == null ? new MailLog(null, null) : maillog;
        status = status == null ? new Status(null, null, null, null, null, null) : status;
        auth = auth == null ? new Auth(null) : auth;
        http = http == null ? new Http(null, null, null, null, null, null) : http;
        web = web == null ? new Web(null) : web;
    }

    /**
     * How hostd reaches the document roots' URLs.
     *
     * @param connectHost address hostd connects to for plain-http document root URLs (at the URL's port), naming
     *     the URL's host in the Host header: a name-based vhost answers although its name does not resolve to
     *     this web server where hostd runs; null: the URL's host as it resolves
     */
    public record Web(String connectHost) {
        public Web {
            connectHost = connectHost == null || connectHost.isBlank() ? null : connectHost.strip();
            if (connectHost != null && !connectHost.matches("[A-Za-z0-9.:\\[\\]-]{1,255}")) {
                throw new IllegalArgumentException("web.connectHost must be a host name or address, e.g. 127.0.0.1");
            }
        }
    }

    /**
     * Limits of the HTTP server, so that idle or slow connections cannot starve requests (the commented default
     * hostd.yaml and README explain each).
     *
     * @param limits false: the HTTP library's own defaults (no connection limit, up to 250 threads, 30 s idle
     *     timeout, no header timeout), for comparison in benchmarks only
     * @param maxConnections connections open at once; further ones wait in the accept queue
     * @param maxThreads threads handling requests
     * @param acceptQueue connections the kernel queues before hostd accepts them
     * @param idleTimeoutSeconds how long a connection may stay silent
     * @param headerTimeoutSeconds how long a client may take to send a request line and headers it has started
     */
    public record Http(Boolean limits, Integer maxConnections, Integer maxThreads, Integer acceptQueue,
            Integer idleTimeoutSeconds, Integer headerTimeoutSeconds) {
        public Http {
            limits = limits == null || limits;
            maxConnections = maxConnections == null ? 4096 : maxConnections;
            maxThreads = maxThreads == null ? 32 : maxThreads;
            acceptQueue = acceptQueue == null ? 1024 : acceptQueue;
            idleTimeoutSeconds = idleTimeoutSeconds == null ? 20 : idleTimeoutSeconds;
            headerTimeoutSeconds = headerTimeoutSeconds == null ? 10 : headerTimeoutSeconds;
            if (maxConnections < 16 || maxThreads < 8 || acceptQueue < 1 || idleTimeoutSeconds < 1
                    || headerTimeoutSeconds < 1) {
                throw new IllegalArgumentException("http: maxConnections must be at least 16, maxThreads at least 8;"
                        + " acceptQueue, idleTimeoutSeconds and headerTimeoutSeconds at least 1");
            }
        }
    }

    public Duration verifyTimeout() {
        return Duration.ofSeconds(verifyTimeoutSeconds);
    }

    /**
     * API token settings.
     *
     * @param tokenExpiry lifetime of a token {@code hostd token add} issues without {@code --expires}: days or
     *     hours ({@code 365d}, {@code 12h}) or {@code never}; {@value #DEFAULT_TOKEN_EXPIRY} by default
     */
    public record Auth(String tokenExpiry) {
        /** A year: scripts do not need a new token often, and a forgotten or leaked one does not work forever. */
        public static final String DEFAULT_TOKEN_EXPIRY = "365d";

        public Auth {
            tokenExpiry = tokenExpiry == null || tokenExpiry.isBlank() ? DEFAULT_TOKEN_EXPIRY : tokenExpiry.strip();
            try {
                TokenExpiry.parse(tokenExpiry, false);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("auth.tokenExpiry: " + e.getMessage(), e);
            }
        }

        /** The expiry of a token issued without its own. */
        public TokenExpiry defaultExpiry() {
            return TokenExpiry.parse(tokenExpiry, false);
        }
    }

    /**
     * Mail settings.
     *
     * @param root directory holding the maildirs ({@code <root>/<domain>/<local>}); relative to the data directory
     *     when not absolute
     * @param passwordScheme {@code BLF-CRYPT} (default), {@code ARGON2ID} or {@code SHA512-CRYPT}
     * @param retentionDays how long a deleted mailbox can be restored before it is purged
     * @param defaultQuota quota of a new mailbox when none is given, e.g. {@code 2G}; {@code 0} for unlimited
     * @param doveadm no longer used: usage comes from the maildir in every state of a mailbox (Dovecot's userdb does
     *     not know a disabled or deleted one); accepted so that older configurations load
     * @param backends the Dovecot servers holding the mailboxes, each with the domains it serves; hostd probes
     *     their IMAP and LMTP ports and refuses changes to the mailboxes of a backend that is down
     */
    public record Mail(String root, String passwordScheme, Integer retentionDays, String defaultQuota,
            List<String> doveadm, List<MailBackendConfig> backends) {
        public Mail {
            backends = backends == null ? List.of() : List.copyOf(backends);
            root = root == null || root.isBlank() ? "vmail" : root;
            passwordScheme = passwordScheme == null ? "BLF-CRYPT" : passwordScheme;
            retentionDays = retentionDays == null ? 30 : retentionDays;
            defaultQuota = defaultQuota == null ? "1G" : defaultQuota;
            doveadm = doveadm == null ? List.of() : List.copyOf(doveadm);
        }
    }

    /**
     * One mail backend: a Dovecot server (IMAP, LMTP) serving some domains. A {@code sieve.backends[]} entry of the
     * same name is its ManageSieve service; that entry may leave out {@code domains} to take these.
     *
     * @param name name shown to customers in {@code hostctl status} and in errors
     * @param host host name or address
     * @param imapPort IMAP port probed, 143 by default; 0 to not probe IMAP
     * @param lmtpPort LMTP port probed, 24 by default; 0 to not probe LMTP
     * @param domains the mail domains whose mailboxes live there
     * @param kind {@value #DOVECOT} (default: a Dovecot reading hostd's tables) or {@value #CYRUS} (a Cyrus IMAP
     *     server hostd administers over IMAP as {@code adminUser})
     * @param adminUser for {@value #CYRUS}: the Cyrus admin, {@code hostd-admin} by default
     * @param adminPasswordFile for {@value #CYRUS}: file holding the admin's password (one line)
     * @param pop3Port POP3 port an IMAP/POP3 proxy sends customers to (table {@code mail_route}), 110 by default
     * @param transport where Postfix delivers the backend's mail ({@code mail_route.transport}, read by the kit's
     *     {@code postfix/hostd-transport.cf}), e.g. {@code lmtp:unix:/var/lib/cyrus-hostd/run/lmtp}; by default
     *     {@code lmtp:inet:HOST:LMTPPORT} (none when {@code lmtpPort} is 0)
     */
    public record MailBackendConfig(String name, String host, Integer imapPort, Integer lmtpPort,
            List<String> domains, String kind, String adminUser, String adminPasswordFile, Integer pop3Port,
            String transport) {
        public static final String DOVECOT = "dovecot";
        public static final String CYRUS = "cyrus";

        public MailBackendConfig {
            imapPort = imapPort == null ? 143 : imapPort;
            lmtpPort = lmtpPort == null ? 24 : lmtpPort;
            domains = domains == null ? List.of() : List.copyOf(domains);
            kind = kind == null || kind.isBlank() ? DOVECOT : kind.strip();
            adminUser = adminUser == null || adminUser.isBlank() ? "hostd-admin" : adminUser.strip();
            pop3Port = pop3Port == null ? 110 : pop3Port;
            transport = transport == null || transport.isBlank() ? null : transport.strip();
        }

        /** Postfix's transport for the backend's domains: {@code transport}, else LMTP to its host, else null. */
        public String postfixTransport() {
            if (transport != null) {
                return transport;
            }
            if (lmtpPort == 0 || host == null) {
                return null;
            }
            String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
            return "lmtp:inet:" + h + ":" + lmtpPort;
        }
    }

    /**
     * Health probes.
     *
     * @param intervalSeconds time between two probes of a service, 30 by default
     * @param timeoutSeconds how long one probe may take before the service counts as down, 5 by default
     * @param slowMillis a probe answered slower than this makes the service degraded, 2000 by default
     * @param maillogLagSeconds the send log is degraded when the Postfix log has lines hostd has not read for
     *     longer than this, 120 by default
     * @param historyDays days state changes and resolved notices are kept, 30 by default
     * @param node name of this hostd among several sharing one store: each records what its own probes see, and
     *     answers customers with that; the host name by default
     */
    public record Status(Integer intervalSeconds, Integer timeoutSeconds, Integer slowMillis,
            Integer maillogLagSeconds, Integer historyDays, String node) {
        public Status {
            node = node == null || node.isBlank() ? defaultNode() : node.strip();
            intervalSeconds = intervalSeconds == null ? 30 : intervalSeconds;
            timeoutSeconds = timeoutSeconds == null ? 5 : timeoutSeconds;
            slowMillis = slowMillis == null ? 2000 : slowMillis;
            maillogLagSeconds = maillogLagSeconds == null ? 120 : maillogLagSeconds;
            historyDays = historyDays == null ? 30 : historyDays;
        }

        private static String defaultNode() {
            try {
                String h = java.net.InetAddress.getLocalHost().getHostName();
                return h == null || h.isBlank() ? "hostd" : h;
            } catch (java.io.IOException e) {
                return "hostd";
            }
        }
    }

    /**
     * Sieve settings.
     *
     * @param defaultBackend backend of domains no backend lists: a backend's name, or {@code embedded} (the default)
     *     for scripts in Dovecot's on-disk layout under {@code mail.root}
     * @param backends ManageSieve servers, each with the domains it serves
     * @param policy what customers' scripts may do
     * @param sievec path of {@code sievec}; null to look for it on the PATH, empty to validate without it
     * @param sieveTest path of {@code sieve-test}; null to look for it on the PATH, empty for no test runs
     * @param toolTimeoutSeconds how long {@code sievec} and {@code sieve-test} may run
     */
    public record Sieve(String defaultBackend, List<SieveBackendConfig> backends, SievePolicy policy, String sievec,
            String sieveTest, Integer toolTimeoutSeconds) {
        /** Name of the backend that keeps scripts in the mailbox homes under {@code mail.root}. */
        public static final String EMBEDDED = "embedded";

        public Sieve {
            defaultBackend = defaultBackend == null || defaultBackend.isBlank() ? EMBEDDED : defaultBackend;
            backends = backends == null ? List.of() : List.copyOf(backends);
            policy = policy == null ? new SievePolicy(null, null, null, null, null) : policy;
            toolTimeoutSeconds = toolTimeoutSeconds == null ? 10 : toolTimeoutSeconds;
        }
    }

    /**
     * One ManageSieve server (RFC 5804), reached with a master user that acts for each mailbox.
     *
     * @param name name used in {@code defaultBackend}, errors and logs
     * @param host host name or address
     * @param port port, 4190 by default
     * @param tls {@code starttls} (default) or {@code none} (only for a server on the same host)
     * @param caFile PEM file of the CA that signed the server's certificate; null for the system's trust store
     * @param masterUser Dovecot master user
     * @param masterPasswordFile file holding the master user's password (one line)
     * @param timeoutSeconds connect and read timeout, 10 by default
     * @param domains the mail domains whose scripts live there
     */
    public record SieveBackendConfig(String name, String host, Integer port, String tls, String caFile,
            String masterUser, String masterPasswordFile, Integer timeoutSeconds, List<String> domains) {
        public SieveBackendConfig {
            port = port == null ? 4190 : port;
            tls = tls == null || tls.isBlank() ? "starttls" : tls;
            timeoutSeconds = timeoutSeconds == null ? 10 : timeoutSeconds;
            domains = domains == null ? List.of() : List.copyOf(domains);
        }
    }

    /**
     * What customers' Sieve scripts may do.
     *
     * @param maxScriptBytes largest script, 64 KiB by default
     * @param maxScripts scripts per mailbox, 20 by default
     * @param redirectAllow addresses ({@code a@b.example}) and domains ({@code b.example}) outside the account's own
     *     domains that {@code redirect} may send to
     * @param vacationMinDays smallest {@code vacation :days}, 1 by default
     * @param maxTestMessageBytes largest message a test run accepts, 512 KiB by default
     */
    public record SievePolicy(Integer maxScriptBytes, Integer maxScripts, List<String> redirectAllow,
            Integer vacationMinDays, Integer maxTestMessageBytes) {
        public SievePolicy {
            maxScriptBytes = maxScriptBytes == null ? 64 * 1024 : maxScriptBytes;
            maxScripts = maxScripts == null ? 20 : maxScripts;
            redirectAllow = redirectAllow == null ? List.of() : List.copyOf(redirectAllow);
            vacationMinDays = vacationMinDays == null ? 1 : vacationMinDays;
            maxTestMessageBytes = maxTestMessageBytes == null ? 512 * 1024 : maxTestMessageBytes;
        }
    }

    /**
     * Send log settings.
     *
     * @param files Postfix log files to follow ({@code maillog_file} or syslog text files); relative to the data
     *     directory when not absolute
     * @param retentionDays days a message, a reject and an unparsed line are kept
     * @param host the mail host's name on every record read here, instead of the host each log line names
     *     (several hostd writing into one store tell their records apart by it); null: the logged one
     */
    public record MailLog(List<String> files, Integer retentionDays, String host) {
        public MailLog(List<String> files, Integer retentionDays) {
            this(files, retentionDays, null);
        }

        public MailLog {
            host = host == null || host.isBlank() ? null : host.strip();
            files = files == null ? List.of() : List.copyOf(files);
            retentionDays = retentionDays == null ? 30 : retentionDays;
        }
    }

    /**
     * PHP settings.
     *
     * @param defaultVersion version id where no {@code .htaccess} selects one
     * @param versions versions offered, each with its handler
     * @param releases branch dates added to or replacing the built-in table
     */
    public record Php(@JsonProperty("default") String defaultVersion, List<Handler> versions, List<Release> releases) {
        public Php {
            versions = versions == null ? List.of() : List.copyOf(versions);
            releases = releases == null ? List.of() : List.copyOf(releases);
        }
    }

    /**
     * One offered PHP version.
     *
     * @param version what customers type, e.g. {@code 7.4} or {@code 7.4-fpm}
     * @param branch PHP branch for the release table; derived from {@code version} when absent
     * @param type {@code cgi} (AddHandler NAME .php), {@code fpm} (SetHandler proxy:unix:SOCKET) or {@code demo}
     *     (AddHandler NAME .php, run by no web server: for trying hostctl on a machine without PHP)
     * @param handler Apache handler name, for {@code cgi}
     * @param socket FPM socket path, for {@code fpm}; {@code {account}} is replaced by the account name
     * @param marker value of {@code HOSTD_PHP_HANDLER} that the handler exposes to PHP, if any
     * @param binary for {@code cgi}: the php-cgi program the handler runs; hostd refuses to start when it is missing
     * @param available false: listed, but refused by {@code php set} (the provider withdrew it); true by default
     */
    public record Handler(String version, String branch, String type, String handler, String socket, String marker,
            String binary, Boolean available) {
        public Handler {
            available = available == null || available;
        }
    }

    /**
     * Dates of a PHP branch.
     *
     * @param branch e.g. {@code 8.2}
     * @param released first release
     * @param activeSupportUntil end of active support
     * @param securitySupportUntil end of security support
     * @param finalRelease last release, when the branch has ended
     */
    public record Release(String branch, LocalDate released, LocalDate activeSupportUntil,
            LocalDate securitySupportUntil, String finalRelease) {}
}
