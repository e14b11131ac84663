package org.hostctl.server.doctor;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.hostctl.server.config.ConfigFile;
import org.hostctl.server.config.HostdConfig;
import org.hostctl.server.php.HandlerDirective;
import org.hostctl.server.php.HtaccessBlock;
import org.hostctl.server.php.PhpCatalog;
import org.hostctl.server.php.PhpCatalog.Entry;

/**
 * Checks a running set-up the way a provider would by hand: the data directory's modes, each PHP handler (there,
 * and answering with its version at a document root), Dovecot (sieve at LMTP, the LMTP listener, a userdb lookup),
 * Postfix (hostd's maps, LMTP to Dovecot, its log file) and hostd's send log. Each finding names the fix.
 */
public final class Doctor {
    /** One finding. */
    public record Finding(String check, String result, String detail) {
        public static final String OK = "ok";
        public static final String FAIL = "FAIL";
        public static final String SKIPPED = "skipped";

        public boolean failed() {
            return FAIL.equals(result);
        }
    }

    /**
     * What to check besides the data directory.
     *
     * @param phpDocroot a directory Apache serves, and its URL: each PHP version is tried in a temporary
     *     subdirectory; null to skip
     * @param mailbox an existing active mailbox Dovecot and Postfix must find; null to skip those lookups
     * @param dovecotConfig Dovecot's configuration file, for doveconf and doveadm
     * @param postfixConfig Postfix's configuration directory, for postconf and postmap
     */
    public record Options(Path phpDocroot, URI phpUrl, String mailbox, Path dovecotConfig, Path postfixConfig,
            Duration timeout) {}

    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(15);
    private static final String MARK = "hostd-doctor:";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dataDir;
    private final Options options;
    private final List<Finding> findings = new ArrayList<>();

    public Doctor(Path dataDir, Options options) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.options = options;
    }

    /** Runs every check; the findings in order. */
    public List<Finding> run() {
        dataDirectory();
        HostdConfig config;
        try {
            config = ConfigFile.read(dataDir.resolve(ConfigFile.NAME));
        } catch (IllegalArgumentException e) {
            fail("config", e.getMessage());
            return List.copyOf(findings);
        }
        php(config);
        dovecot(config);
        postfix(config);
        return List.copyOf(findings);
    }

    // ---------------------------------------------------------------- data directory

    private void dataDirectory() {
        Optional<Integer> dir = mode(dataDir);
        if (dir.isEmpty()) {
            fail("data directory", dataDir + " does not exist: run hostd serve --data " + dataDir + " once");
            return;
        }
        int d = dir.get();
        if ((d & 07776) != 02770) {
            fail("data directory", String.format("%s has mode %04o, not 2770 (hostd, its group and the set-group-ID"
                    + " bit; o+x at most): chmod 2770 %s", dataDir, d & 07777, dataDir));
        } else {
            ok("data directory", String.format("%s mode %04o", dataDir, d & 07777));
        }
        for (String name : List.of("hostd.db", "hostd.db-wal", "hostd.db-shm")) {
            Path file = dataDir.resolve(name);
            mode(file).ifPresent(m -> {
                if ((m & 0777) != 0660) {
                    fail("store " + name, String.format("%s has mode %04o, not 0660 (hostd and the group it shares"
                            + " with Dovecot and Postfix): chmod 0660 %s", file, m & 07777, file));
                }
            });
        }
        mode(dataDir.resolve(ConfigFile.NAME)).ifPresent(m -> {
            if ((m & 0007) != 0) {
                fail("hostd.yaml", String.format("%s is open to every user (mode %04o): chmod 0640 %s",
                        dataDir.resolve(ConfigFile.NAME), m & 07777, dataDir.resolve(ConfigFile.NAME)));
            }
        });
    }

    private static Optional<Integer> mode(Path p) {
        try {
            return Optional.of((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------- PHP

    private void php(HostdConfig config) {
        PhpCatalog catalog;
        try {
            catalog = new PhpCatalog(config.php(), Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            fail("php", e.getMessage());
            return;
        }
        if (catalog.entries().isEmpty()) {
            skip("php", "hostd.yaml offers no PHP version");
            return;
        }
        for (Entry e : catalog.entries()) {
            String check = "php " + e.version();
            if (!e.available()) {
                skip(check, "marked available: false");
            } else if (PhpCatalog.DEMO.equals(e.type())) {
                fail(check, "type demo is run by no web server: remove it, or give the php-cgi binary it stands for"
                        + " (type: cgi)");
            } else {
                Optional<String> missing = PhpCatalog.missing(e, null);
                if (missing.isPresent()) {
                    fail(check, missing.get() + ": install it, correct hostd.yaml, or mark it available: false");
                } else if (e.socket() != null && e.socket().contains("{account}")) {
                    pools(check, e);
                } else if (options.phpDocroot() == null) {
                    ok(check, "handler is there; give --php-docroot DIR=URL to see it answer");
                } else {
                    probe(check, e);
                }
            }
        }
    }

    /**
     * One pool per account: at least one pool must listen (a socket named like {@code socket:}), else php-fpm is
     * not running and no account's {@code .php} files run with this version.
     */
    private void pools(String check, Entry e) {
        Path pattern = Path.of(e.socket());
        String name = pattern.getFileName().toString();
        int at = name.indexOf("{account}");
        String prefix = name.substring(0, at);
        String suffix = name.substring(at + "{account}".length());
        List<String> accounts = new ArrayList<>();
        try (Stream<Path> entries = Files.list(pattern.getParent())) {
            entries.map(p -> p.getFileName().toString()).sorted()
                    .filter(n -> n.length() > prefix.length() + suffix.length() && n.startsWith(prefix)
                            && n.endsWith(suffix))
                    .filter(n -> PhpCatalog.isSocket(pattern.getParent().resolve(n)))
                    .forEach(n -> accounts.add(n.substring(prefix.length(), n.length() - suffix.length())));
        } catch (IOException ex) {
            // an unreadable directory: reported below as no pool
        }
        if (accounts.isEmpty()) {
            fail(check, "no php-fpm pool listens on " + e.socket() + ": start php-fpm, or add an account's pool"
                    + " (provider/php-fpm/hostd-pool.conf)");
        } else {
            ok(check, "php-fpm pools listen for " + String.join(", ", accounts) + "; 'hostctl php verify' checks an"
                    + " account's pool");
        }
    }

    /** Selects the version in a fresh subdirectory of the docroot and fetches a probe from it. */
    private void probe(String check, Entry e) {
        byte[] nonce = new byte[8];
        RANDOM.nextBytes(nonce);
        String token = HexFormat.of().formatHex(nonce);
        Path dir = options.phpDocroot().resolve(".hostd-doctor-" + token);
        String handler = e.handlerFor("");
        try {
            Files.createDirectory(dir);
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            HandlerDirective directive = PhpCatalog.FPM.equals(e.type()) ? HandlerDirective.setHandler(handler)
                    : HandlerDirective.addHandler(handler);
            writeReadable(dir.resolve(".htaccess"), HtaccessBlock.withBlock(new byte[0], directive));
            writeReadable(dir.resolve("probe.php"), ("<?php echo '" + MARK + "', ' ', PHP_VERSION, ' ',"
                    + " getenv('HOSTD_PHP_HANDLER') ?: '-';\n").getBytes(StandardCharsets.UTF_8));
            URI url = URI.create(options.phpUrl().toString().replaceAll("/*$", "/")).resolve(dir.getFileName()
                    + "/probe.php");
            Answer answer = get(url);
            String body = answer.body();
            String shown = PhpCatalog.CGI.equals(e.type()) ? "handler " + handler : "socket " + e.socket();
            if (answer.status() == 200 && body.contains("<?php")) {
                fail(check, "PHP source served: " + shown + " is not defined in Apache; add 'Action " + handler
                        + " /.hostd-php/" + handler + ".fcgi' and its wrapper (provider/apache/hostd-php.conf)");
            } else if (answer.status() == 403) {
                fail(check, "403 at " + url + ": the vhost's guard does not know " + shown + "; add it to the"
                        + " handler list of the RewriteCond (provider/apache/hostd-vhost.conf) and define it");
            } else if (answer.status() != 200 || !body.startsWith(MARK + " ")) {
                fail(check, "HTTP " + answer.status() + " at " + url + " instead of PHP's answer (" + shown + "):"
                        + " see Apache's error log" + (PhpCatalog.FPM.equals(e.type()) ? " and php-fpm's" : ""));
            } else {
                String[] parts = body.strip().split(" ");
                String version = parts.length > 1 ? parts[1] : "";
                String marker = parts.length > 2 ? parts[2] : "-";
                String expected = e.expectedMarker();
                if (!version.startsWith(e.branch() + ".") && (expected == null || !expected.equals(marker))) {
                    fail(check, "PHP " + version + " answered, not " + e.branch() + ": " + shown + " runs another"
                            + " PHP; correct its binary or wrapper");
                } else if (expected != null && !"-".equals(marker) && !expected.equals(marker)) {
                    fail(check, "handler " + marker + " answered instead of " + expected + "; correct the wrapper's"
                            + " HOSTD_PHP_HANDLER or hostd.yaml's marker");
                } else {
                    ok(check, "PHP " + version + " answered through " + shown);
                }
            }
        } catch (IOException | RuntimeException ex) {
            fail(check, "cannot try it in " + options.phpDocroot() + ": " + ex.getMessage());
        } finally {
            deleteTree(dir);
        }
    }

    private static void writeReadable(Path file, byte[] content) throws IOException {
        Files.write(file, content);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // reported by the next run: the directory stays visible
        }
    }

    private record Answer(int status, String body) {}

    private Answer get(URI url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection();
        try {
            c.setInstanceFollowRedirects(false);
            c.setConnectTimeout((int) options.timeout().toMillis());
            c.setReadTimeout((int) options.timeout().toMillis());
            c.setRequestProperty("User-Agent", "hostd-doctor");
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            String body = in == null ? "" : new String(in.readNBytes(16 * 1024), StandardCharsets.UTF_8);
            return new Answer(status, body);
        } finally {
            c.disconnect();
        }
    }

    // ---------------------------------------------------------------- Dovecot

    private void dovecot(HostdConfig config) {
        List<String> doveconf = tool("doveconf", options.dovecotConfig());
        if (doveconf == null) {
            skip("dovecot", "doveconf is not installed here (Dovecot runs elsewhere?)");
            return;
        }
        Run plugins = run(concat(doveconf, "-h", "-f", "protocol=lmtp", "mail_plugins"));
        if (!plugins.ok()) {
            fail("dovecot", "doveconf fails: " + plugins.oneLine());
            return;
        }
        if (!List.of(plugins.out().strip().split("\\s+")).contains("sieve")) {
            fail("dovecot sieve", "LMTP does not load the sieve plugin, so filters and autoreplies never run: add"
                    + " protocol lmtp { mail_plugins = $mail_plugins sieve } (provider/dovecot/90-hostd.conf)");
        } else {
            Run before = run(concat(doveconf, "-h", "plugin/sieve_before"));
            if (!before.out().contains(".hostd-vacation.sieve")) {
                fail("dovecot sieve", "sieve_before is not ~/.hostd-vacation.sieve, so autoreplies never run: see"
                        + " plugin { } in provider/dovecot/90-hostd.conf");
            } else {
                ok("dovecot sieve", "sieve at LMTP, autoreplies before the customer's script");
            }
        }
        Run all = run(concat(doveconf, "-n"));
        Optional<Integer> lmtp = lmtpPort(all.out());
        if (lmtp.isEmpty()) {
            fail("dovecot lmtp", "Dovecot has no LMTP inet listener, so Postfix cannot deliver: add service lmtp {"
                    + " inet_listener lmtp { address = 127.0.0.1 port = 24 } } (provider/dovecot/90-hostd.conf)");
        } else if (!lmtpGreets(lmtp.get())) {
            fail("dovecot lmtp", "nothing answers LMTP on 127.0.0.1:" + lmtp.get() + ": is Dovecot running with"
                    + " lmtp in protocols?");
        } else {
            ok("dovecot lmtp", "LMTP answers on 127.0.0.1:" + lmtp.get());
        }
        if (options.mailbox() == null) {
            skip("dovecot user", "give --mailbox ADDRESS (an active mailbox) for a userdb lookup");
            return;
        }
        List<String> doveadm = tool("doveadm", options.dovecotConfig());
        Run user = run(concat(doveadm == null ? List.of("doveadm") : doveadm, "user", "-f", "home",
                options.mailbox()));
        Path expected = dataDir.resolve(config.mail().root()).normalize();
        if (!user.ok() || user.out().isBlank()) {
            fail("dovecot user", "Dovecot does not find " + options.mailbox() + " (" + user.oneLine() + "): check the"
                    + " queries and connect of dovecot-sql.conf.ext (provider/dovecot) and that Dovecot's auth worker"
                    + " may read the store");
        } else if (!Path.of(user.out().strip()).startsWith(expected)) {
            fail("dovecot user", "Dovecot's home of " + options.mailbox() + " is " + user.out().strip() + ", outside"
                    + " hostd's mail.root " + expected + ": set @MAIL_ROOT@ of dovecot-sql.conf.ext to it");
        } else {
            ok("dovecot user", options.mailbox() + " found, home " + user.out().strip());
        }
    }

    static Optional<Integer> lmtpPort(String doveconfN) {
        int service = doveconfN.indexOf("service lmtp {");
        if (service < 0) {
            return Optional.empty();
        }
        String rest = doveconfN.substring(service);
        int listener = rest.indexOf("inet_listener ");
        int end = rest.indexOf("\n}");
        if (listener < 0 || (end >= 0 && listener > end)) {
            return Optional.empty();
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("port = (\\d+)").matcher(rest.substring(listener));
        return m.find() && Integer.parseInt(m.group(1)) > 0 ? Optional.of(Integer.parseInt(m.group(1)))
                : Optional.empty();
    }

    private boolean lmtpGreets(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), (int) options.timeout().toMillis());
            s.setSoTimeout((int) options.timeout().toMillis());
            byte[] greeting = s.getInputStream().readNBytes(4);
            return new String(greeting, StandardCharsets.US_ASCII).startsWith("220");
        } catch (IOException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- Postfix

    private void postfix(HostdConfig config) {
        List<String> postconf = tool("postconf", options.postfixConfig());
        if (postconf == null) {
            skip("postfix", "postconf is not installed here (Postfix runs elsewhere?)");
            return;
        }
        Run transport = run(concat(postconf, "-h", "virtual_transport"));
        if (!transport.ok()) {
            fail("postfix", "postconf fails: " + transport.oneLine());
            return;
        }
        if (!transport.out().strip().startsWith("lmtp:")) {
            fail("postfix lmtp", "virtual_transport is '" + transport.out().strip() + "', not LMTP to Dovecot: see"
                    + " provider/postfix/main.cf.hostd");
        } else {
            ok("postfix lmtp", "virtual_transport = " + transport.out().strip());
        }
        maillog(config, postconf);
        if (options.mailbox() == null) {
            skip("postfix maps", "give --mailbox ADDRESS (an active mailbox) to look it up in hostd's maps");
            return;
        }
        String domain = options.mailbox().substring(options.mailbox().indexOf('@') + 1);
        lookup(postconf, "virtual_mailbox_domains", domain);
        lookup(postconf, "virtual_mailbox_maps", options.mailbox());
    }

    private void lookup(List<String> postconf, String parameter, String key) {
        String check = "postfix " + parameter;
        String map = run(concat(postconf, "-h", parameter)).out().strip();
        if (map.isEmpty() || !map.contains(":")) {
            fail(check, parameter + " is not set to hostd's table: see provider/postfix/main.cf.hostd");
            return;
        }
        List<String> postmap = new ArrayList<>();
        if (isRoot() && Files.isExecutable(Path.of("/usr/bin/setpriv")) && userExists("postfix")) {
            // as Postfix's own user: its group must reach the store
            postmap.addAll(List.of("/usr/bin/setpriv", "--reuid", "postfix", "--regid", "postfix", "--init-groups"));
        }
        postmap.add("postmap");
        if (options.postfixConfig() != null) {
            postmap.addAll(List.of("-c", options.postfixConfig().toString()));
        }
        Run q = run(concat(postmap, "-q", key, map.split("[,\\s]+")[0]));
        if (q.ok() && !q.out().isBlank()) {
            ok(check, key + " found in " + map);
        } else {
            fail(check, "Postfix does not find " + key + " in " + map + (q.oneLine().isEmpty() ? ""
                    : " (" + q.oneLine() + ")") + ": check the table's dbpath and query (provider/postfix) and that"
                    + " user postfix is in the data directory's group");
        }
    }

    private void maillog(HostdConfig config, List<String> postconf) {
        String maillogFile = run(concat(postconf, "-h", "maillog_file")).out().strip();
        List<Path> followed = config.maillog().files().stream().map(f -> dataDir.resolve(f).normalize()).toList();
        if (followed.isEmpty()) {
            fail("send log", "hostd follows no Postfix log: set maillog.files in hostd.yaml"
                    + (maillogFile.isEmpty() ? "" : " to [" + maillogFile + "]"));
            return;
        }
        if (!maillogFile.isEmpty() && !followed.contains(Path.of(maillogFile).normalize())) {
            fail("send log", "Postfix writes " + maillogFile + " but hostd follows " + followed + ": make them the"
                    + " same (maillog.files, or maillog_file in main.cf)");
            return;
        }
        for (Path f : followed) {
            if (!Files.isRegularFile(f)) {
                fail("send log", f + " does not exist: is Postfix's postlog service in master.cf"
                        + " (provider/postfix/master.cf.hostd) and maillog_file set?");
                return;
            }
            if (!Files.isReadable(f)) {
                fail("send log", f + " is not readable by hostd: give hostd's user read access");
                return;
            }
        }
        ok("send log", "hostd follows " + followed);
    }

    // ---------------------------------------------------------------- tools

    /** The command with {@code -c config} when given; null when the tool is not on the PATH. */
    private static List<String> tool(String name, Path config) {
        if (onPath(name).isEmpty()) {
            return null;
        }
        List<String> cmd = new ArrayList<>(List.of(name));
        if (config != null) {
            cmd.addAll(List.of("-c", config.toString()));
        }
        return cmd;
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static boolean userExists(String user) {
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith(user + ":"));
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    record Run(int exit, String out, String err) {
        boolean ok() {
            return exit == 0;
        }

        String oneLine() {
            String text = (err.isBlank() ? out : err).strip();
            int nl = text.indexOf('\n');
            return nl < 0 ? text : text.substring(0, nl);
        }
    }

    private static Run run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File(
                    "/dev/null"))).start();
            var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
            var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
            if (!p.waitFor(TOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Run(-1, "", command.get(0) + " did not finish within " + TOOL_TIMEOUT.toSeconds() + " s");
            }
            return new Run(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            return new Run(-1, "", "cannot run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Run(-1, "", "interrupted");
        }
    }

    private static String drain(InputStream in) {
        try (in) {
            return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private void ok(String check, String detail) {
        findings.add(new Finding(check, Finding.OK, detail));
    }

    private void fail(String check, String detail) {
        findings.add(new Finding(check, Finding.FAIL, detail));
    }

    private void skip(String check, String detail) {
        findings.add(new Finding(check, Finding.SKIPPED, detail));
    }
}
