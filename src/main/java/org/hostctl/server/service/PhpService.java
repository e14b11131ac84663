package org.hostctl.server.service;

import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.hostctl.api.PhpChange;
import org.hostctl.api.PhpCheckJob;
import org.hostctl.api.PhpCheckReport;
import org.hostctl.api.PhpCheckRequest;
import org.hostctl.api.PhpFinding;
import org.hostctl.api.PhpSetRequest;
import org.hostctl.api.PhpSetting;
import org.hostctl.api.PhpVerification;
import org.hostctl.api.PhpVersion;
import org.hostctl.server.config.HostdConfig.Release;
import org.hostctl.server.fs.PathInfo;
import org.hostctl.server.fs.SafeFiles;
import org.hostctl.server.fs.UnsafePathException;
import org.hostctl.server.fs.WebPath;
import org.hostctl.server.php.HandlerDirective;
import org.hostctl.server.php.HtaccessBlock;
import org.hostctl.server.php.HtaccessException;
import org.hostctl.server.php.PhpCatalog;
import org.hostctl.server.php.PhpCatalog.Entry;
import org.hostctl.server.php.check.CompatChecker;
import org.hostctl.server.php.check.PhpBinaries;
import org.hostctl.server.php.check.PhpBranch;
import org.hostctl.server.php.check.PhpScanner;
import org.hostctl.server.php.check.RemovalRules;
import org.hostctl.server.store.Account;
import org.hostctl.server.store.Docroot;

/**
 * PHP per directory: resolves the effective version from the {@code .htaccess} files between a directory and its
 * document root, and writes or removes hostd's marker block.
 */
public final class PhpService {
    /** Largest {@code .htaccess} hostd reads or rewrites. */
    static final int MAX_HTACCESS = 1 << 20;
    static final String HTACCESS = ".htaccess";
    private static final int MAX_AUDIT_DEPTH = 64;
    private static final int MAX_AUDIT_DIRS = 20_000;
    /** Largest PHP file a check reads; bigger ones are listed as skipped. */
    static final int MAX_PHP_FILE = 4 << 20;
    /** Most PHP files one check reads. */
    static final int MAX_CHECK_FILES = 100_000;
    private static final Duration SCAN_TIMEOUT = Duration.ofMinutes(2);
    private static final java.util.regex.Pattern PHP_FILE =
            java.util.regex.Pattern.compile("(?i).+\\.(php[0-9]?|phtml|inc)");

    private final AccountService accounts;
    private final PhpCatalog catalog;
    private final PhpProbe probe;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    private final CompatChecker checker;
    private final PhpCheckJobs checks;

    public PhpService(AccountService accounts, PhpCatalog catalog, Duration verifyTimeout) {
        this(accounts, catalog, verifyTimeout, (String) null);
    }

    /**
     * @param connectHost where {@code verify} connects for plain-http URLs ({@code web.connectHost}); null: the URL's
     *     host
     */
    public PhpService(AccountService accounts, PhpCatalog catalog, Duration verifyTimeout, String connectHost) {
        this(accounts, catalog, verifyTimeout, connectHost, new CompatChecker(PhpBinaries.system(),
                PhpScanner.forThisProcess(SCAN_TIMEOUT), RemovalRules.builtIn(),
                Runtime.getRuntime().availableProcessors()));
    }

    PhpService(AccountService accounts, PhpCatalog catalog, Duration verifyTimeout, CompatChecker checker) {
        this(accounts, catalog, verifyTimeout, null, checker);
    }

    private PhpService(AccountService accounts, PhpCatalog catalog, Duration verifyTimeout, String connectHost,
            CompatChecker checker) {
        this.accounts = accounts;
        this.catalog = catalog;
        this.probe = new PhpProbe(verifyTimeout, connectHost);
        this.checker = checker;
        this.checks = new PhpCheckJobs(java.time.Clock.systemUTC());
    }

    /** The offered versions, the account default marked. */
    public List<PhpVersion> versions(Principal p) {
        Account a = accounts.account(p);
        return catalog.describeAll(a.name(), accounts.phpDefault(a));
    }

    /** Effective settings of {@code paths} (each document root when empty), with {@code recursive} the subtree audit. */
    public List<PhpSetting> show(Principal p, List<String> paths, boolean recursive) {
        Ctx ctx = context(p);
        List<WebPath> targets = new ArrayList<>();
        if (paths == null || paths.isEmpty()) {
            for (Docroot d : ctx.account.docroots()) {
                targets.add(WebPath.parse(d.path()));
            }
        } else {
            for (String s : paths) {
                targets.add(parse(s));
            }
        }
        Map<String, PhpSetting> out = new LinkedHashMap<>();
        for (WebPath target : targets) {
            Docroot root = ctx.docroot(target);
            ctx.requireDirectory(target);
            out.putIfAbsent(target.toString(), ctx.resolve(root, target, null));
            if (recursive) {
                for (WebPath dir : ctx.walk(target)) {
                    if (!dir.equals(target) && ctx.setsPhp(dir)) {
                        out.putIfAbsent(dir.toString(), ctx.resolve(root, dir, null));
                    }
                }
            }
        }
        return List.copyOf(out.values());
    }

    /** Sets {@code path} to a version by writing hostd's block; idempotent. */
    public PhpChange set(Principal p, String path, PhpSetRequest req) {
        if (req.version() == null || req.version().isBlank()) {
            throw ServiceException.invalid("give the PHP version to set");
        }
        Entry entry = catalog.version(req.version()).orElseThrow(() -> ServiceException.invalid(
                "PHP " + printable(req.version()) + " is not offered here; 'hostctl php versions' lists the"
                        + " versions"));
        Ctx ctx = context(p);
        requireRunnable(entry, ctx.account.name());
        WebPath dir = parse(path);
        Docroot root = ctx.docroot(dir);
        List<String> warnings = new ArrayList<>();
        if (catalog.endOfLife(entry)) {
            LocalDate end = catalog.release(entry).map(Release::securitySupportUntil).orElse(null);
            if (!req.allowEol()) {
                throw new ServiceException(ServiceException.Kind.POLICY, "end-of-life", "PHP " + entry.version()
                        + " reached end of life on " + end + " and gets no security fixes; allow it explicitly to"
                        + " set it anyway");
            }
            warnings.add("PHP " + entry.version() + " reached end of life on " + end
                    + " and gets no security fixes");
        }
        PhpCheckReport check = null;
        if (!req.skipCheck()) {
            ctx.requireDirectory(dir);
            PhpBranch branch = PhpBranch.parse(entry.branch());
            check = checks.reuse(ctx.account.name(), req.checkId(), scope(branch, List.of(dir), true))
                    .orElseGet(() -> runCheck(ctx, plan(ctx, entry.version(), branch, List.of(dir), true), n -> { }));
            if (check.breaking() > 0 && !req.dryRun()) {
                throw incompatible(check);
            }
        }
        PhpCheckReport checked = check;
        return locked(ctx, dir, () -> {
            ctx.requireDirectory(dir);
            PhpSetting before = ctx.resolve(root, dir, null);
            byte[] old = ctx.readForRewrite(dir);
            boolean underSetHandler = ctx.ancestorUsesSetHandler(root, dir);
            String handler = entry.handlerFor(ctx.account.name());
            HandlerDirective directive = entry.type().equals(PhpCatalog.FPM) || underSetHandler
                    ? HandlerDirective.setHandler(handler) : HandlerDirective.addHandler(handler);
            byte[] updated;
            try {
                updated = HtaccessBlock.withBlock(old == null ? new byte[0] : old, directive);
            } catch (HtaccessException e) {
                throw new ServiceException(ServiceException.Kind.CONFLICT, "htaccess-malformed",
                        dir.resolve(HTACCESS) + ": " + e.getMessage() + "; fix the file by hand first");
            }
            PhpSetting after = ctx.resolve(root, dir, updated);
            if (!entry.version().equals(after.version()) || !PhpSetting.DIRECTORY.equals(after.source())) {
                throw new ServiceException(ServiceException.Kind.CONFLICT, "htaccess-override",
                        dir.resolve(HTACCESS) + " line " + after.line() + " selects " + after.handler()
                                + " outside hostd's block, which Apache would use instead; remove that line first");
            }
            boolean changed = old == null || !Arrays.equals(old, updated);
            if (changed && !req.dryRun()) {
                ctx.write(dir, updated);
            }
            return new PhpChange(dir.toString(), changed, req.dryRun(), before, after, warnings, checked);
        });
    }

    /** The refusal of a switch that would break the site: one field error per breaking finding. */
    private static ServiceException incompatible(PhpCheckReport check) {
        List<org.hostctl.api.Problem.FieldError> errors = new ArrayList<>();
        for (PhpFinding f : check.findings()) {
            if (PhpFinding.BREAKS.equals(f.level()) && errors.size() < 200) {
                errors.add(new org.hostctl.api.Problem.FieldError(f.file() + ":" + f.line() + ": " + f.message()
                        + (f.replacement() != null ? "; use " + f.replacement() : ""), f.file() + ":" + f.line()));
            }
        }
        return new ServiceException(ServiceException.Kind.POLICY, "php-incompatible", check.summary()
                + "; fix the files or switch anyway with --skip-check", null, errors);
    }

    /** Removes hostd's block so the directory inherits again; idempotent. */
    public PhpChange unset(Principal p, String path, boolean dryRun) {
        Ctx ctx = context(p);
        WebPath dir = parse(path);
        Docroot root = ctx.docroot(dir);
        return locked(ctx, dir, () -> {
            ctx.requireDirectory(dir);
            PhpSetting before = ctx.resolve(root, dir, null);
            byte[] old = ctx.readForRewrite(dir);
            List<String> warnings = new ArrayList<>();
            if (old == null) {
                return new PhpChange(dir.toString(), false, dryRun, before, before, warnings);
            }
            byte[] updated;
            try {
                updated = HtaccessBlock.withoutBlock(old);
            } catch (HtaccessException e) {
                throw new ServiceException(ServiceException.Kind.CONFLICT, "htaccess-malformed",
                        dir.resolve(HTACCESS) + ": " + e.getMessage() + "; fix the file by hand first");
            }
            boolean changed = !Arrays.equals(old, updated);
            PhpSetting after = changed ? ctx.resolve(root, dir, updated) : before;
            if (PhpSetting.DIRECTORY.equals(after.source())) {
                warnings.add(dir.resolve(HTACCESS) + " line " + after.line() + " still selects " + after.handler()
                        + " outside hostd's block");
            }
            if (changed && !dryRun) {
                if (updated.length == 0) {
                    ctx.delete(dir);
                } else {
                    ctx.write(dir, updated);
                }
            }
            return new PhpChange(dir.toString(), changed, dryRun, before, after, warnings);
        });
    }

    /**
     * Starts checking the PHP files of {@code req.paths()} against a version: validates and lists the files now,
     * reads and scans them in the background.
     */
    public PhpCheckJob startCheck(Principal p, PhpCheckRequest req) {
        Ctx ctx = context(p);
        CheckPlan plan = plan(ctx, req);
        return checks.start(ctx.account.name(), plan.scope(), plan.files().size(),
                progress -> runCheck(ctx, plan, progress));
    }

    /** A check started by the same account. */
    public PhpCheckJob checkJob(Principal p, String id) {
        return checks.get(accounts.account(p).name(), id);
    }

    /** Checks the PHP files of {@code req.paths()} against a version and waits for the result. */
    public PhpCheckReport check(Principal p, PhpCheckRequest req) {
        Ctx ctx = context(p);
        return runCheck(ctx, plan(ctx, req), n -> { });
    }

    /** The files a check reads, and what it leaves out. */
    private record CheckPlan(String version, PhpBranch branch, List<WebPath[]> files,
            List<PhpCheckReport.Skipped> skipped, List<String> notes, String scope) {}

    /** What a check covers, to recognise a finished check that a switch may reuse. */
    private static String scope(PhpBranch branch, List<WebPath> starts, boolean recursive) {
        return branch + (recursive ? " -r " : " ") + starts;
    }

    private CheckPlan plan(Ctx ctx, PhpCheckRequest req) {
        if (req.version() == null || req.version().isBlank()) {
            throw ServiceException.invalid("give the PHP version to check against");
        }
        PhpBranch branch = catalog.version(req.version()).map(e -> PhpBranch.parse(e.branch()))
                .or(() -> req.version().matches("[5-9]\\.[0-9]{1,2}") ? Optional.of(PhpBranch.parse(req.version()))
                        : Optional.empty())
                .orElseThrow(() -> ServiceException.invalid("PHP " + printable(req.version()) + " is neither an"
                        + " offered version nor a PHP branch such as 8.2"));
        if (req.paths() == null || req.paths().isEmpty()) {
            throw ServiceException.invalid("give at least one directory to check");
        }
        List<WebPath> dirs = new ArrayList<>();
        for (String s : req.paths()) {
            dirs.add(parse(s));
        }
        return plan(ctx, req.version(), branch, dirs, req.recursive());
    }

    private CheckPlan plan(Ctx ctx, String version, PhpBranch branch, List<WebPath> starts, boolean recursive) {
        List<WebPath[]> files = new ArrayList<>();
        List<PhpCheckReport.Skipped> skipped = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        java.util.Set<WebPath> seen = new java.util.HashSet<>();
        for (WebPath start : starts) {
            ctx.docroot(start);
            ctx.requireDirectory(start);
            List<WebPath> dirs = recursive ? ctx.walk(start) : List.of(start);
            if (recursive && dirs.size() >= MAX_AUDIT_DIRS) {
                notes.add("only the first " + MAX_AUDIT_DIRS + " directories below " + start + " were checked");
            }
            List<WebPath> own = new ArrayList<>();
            for (WebPath dir : dirs) {
                if (own.stream().anyMatch(dir::startsWith)) {
                    continue;
                }
                if (!dir.equals(start) && ctx.setsPhp(dir)) {
                    own.add(dir);
                    skipped.add(new PhpCheckReport.Skipped(dir.toString(),
                            "sets its own PHP version, so a switch of " + start + " does not reach it"));
                    continue;
                }
                if (!seen.add(dir)) {
                    continue;
                }
                ctx.listPhpFiles(dir, files, skipped);
            }
        }
        if (files.size() > MAX_CHECK_FILES) {
            notes.add("only the first " + MAX_CHECK_FILES + " of " + files.size() + " PHP files were checked");
            files = new ArrayList<>(files.subList(0, MAX_CHECK_FILES));
        }
        return new CheckPlan(version, branch, files, skipped, notes, scope(branch, starts, recursive));
    }

    private PhpCheckReport runCheck(Ctx ctx, CheckPlan plan, java.util.function.IntConsumer progress) {
        List<PhpCheckReport.Skipped> skipped = java.util.Collections.synchronizedList(new ArrayList<>(plan.skipped()));
        java.util.Iterator<WebPath[]> names = plan.files().iterator();
        java.util.Iterator<CompatChecker.Source> sources = new java.util.Iterator<>() {
            CompatChecker.Source next;

            @Override
            public boolean hasNext() {
                while (next == null && names.hasNext()) {
                    WebPath[] f = names.next();
                    String path = f[1].toString();
                    try {
                        Optional<byte[]> content = ctx.files.read(f[0], f[1].name(), MAX_PHP_FILE);
                        if (content.isPresent()) {
                            next = new CompatChecker.Source(path, content.get());
                        }
                    } catch (UnsafePathException | IOException e) {
                        skipped.add(new PhpCheckReport.Skipped(path, e.getMessage()));
                    }
                }
                return next != null;
            }

            @Override
            public CompatChecker.Source next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                CompatChecker.Source s = next;
                next = null;
                return s;
            }
        };
        CompatChecker.Result r;
        try {
            r = checker.check(plan.branch(), sources, progress);
        } catch (PhpScanner.ScanException e) {
            throw new ServiceException(ServiceException.Kind.UNAVAILABLE, "php-check-failed", e.getMessage(), e);
        }
        List<String> notes = new ArrayList<>(plan.notes());
        if (r.syntaxBinary().isEmpty() && r.files() > 0) {
            notes.add(0, "syntax not checked: PHP " + plan.branch() + " is not installed on this node; the files were"
                    + " read with PHP " + r.tokenizer() + "'s tokenizer and checked against the removal list only");
        }
        int breaking = 0;
        int warnings = 0;
        int guarded = 0;
        for (PhpFinding f : r.findings()) {
            switch (f.level()) {
                case PhpFinding.BREAKS -> breaking++;
                case PhpFinding.WARNING -> warnings++;
                default -> guarded++;
            }
        }
        List<PhpCheckReport.Skipped> sortedSkipped = new ArrayList<>(skipped);
        sortedSkipped.sort(java.util.Comparator.comparing(PhpCheckReport.Skipped::path));
        return new PhpCheckReport(plan.version(), plan.branch().toString(), r.syntaxBinary().isPresent(),
                r.tokenizer().toString(), notes, r.files(), breaking, warnings, guarded, r.findings(), sortedSkipped);
    }

    /** Fetches a one-time probe from the site and reports which PHP ran it. */
    public PhpVerification verify(Principal p, String path) {
        Ctx ctx = context(p);
        WebPath dir = parse(path);
        Docroot root = ctx.docroot(dir);
        ctx.requireDirectory(dir);
        PhpSetting expected = ctx.resolve(root, dir, null);
        Optional<Entry> entry = catalog.version(expected.version());
        return probe.run(ctx.files, root, dir, expected, entry.orElse(null));
    }

    /** Refuses a version whose handler cannot run now: Apache would serve the PHP source, or answer 503. */
    private static void requireRunnable(Entry entry, String account) {
        if (!entry.available()) {
            throw new ServiceException(ServiceException.Kind.POLICY, "php-unavailable", "PHP " + entry.version()
                    + " is not available on this server; 'hostctl php versions' lists the versions");
        }
        PhpCatalog.missing(entry, account).ifPresent(why -> {
            throw new ServiceException(ServiceException.Kind.POLICY, "php-not-installed", "PHP " + entry.version()
                    + " is not installed on this server (" + why + "); nothing was changed");
        });
    }

    private PhpChange locked(Ctx ctx, WebPath dir, java.util.function.Supplier<PhpChange> work) {
        ReentrantLock lock = locks.computeIfAbsent(ctx.account.name() + "\0" + dir, k -> new ReentrantLock());
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    private Ctx context(Principal p) {
        Account a = accounts.account(p);
        return new Ctx(a, new SafeFiles(java.nio.file.Path.of(a.webspace())), accounts.phpDefault(a), catalog);
    }

    static WebPath parse(String path) {
        if (path == null) {
            throw ServiceException.invalid("give a path relative to the webspace root");
        }
        try {
            return WebPath.parse(path);
        } catch (UnsafePathException e) {
            throw new ServiceException(ServiceException.Kind.UNSAFE, "invalid-path", "path '" + printable(path)
                    + "' is refused: " + e.getMessage());
        }
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || (c >= 0x7f && c <= 0x9f) ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }

    /** One request's view of an account's webspace. */
    private static final class Ctx {
        final Account account;
        final SafeFiles files;
        final HtaccessResolver resolver;

        Ctx(Account account, SafeFiles files, String defaultVersion, PhpCatalog catalog) {
            this.account = account;
            this.files = files;
            this.resolver = new HtaccessResolver(account.name(), files, defaultVersion, catalog);
        }

        Docroot docroot(WebPath dir) {
            Docroot best = null;
            for (Docroot d : account.docroots()) {
                WebPath root = WebPath.parse(d.path());
                if (dir.startsWith(root) && (best == null || d.path().length() > best.path().length())) {
                    best = d;
                }
            }
            if (best == null) {
                String roots = String.join(", ", account.docroots().stream().map(Docroot::path).toList());
                throw ServiceException.invalid("'" + printable(dir.toString()) + "' is not inside a document root"
                        + (roots.isEmpty() ? " (the account has none)" : " (" + roots + ")"));
            }
            return best;
        }

        void requireDirectory(WebPath dir) {
            PathInfo info = io(() -> files.stat(dir), dir);
            if (info.kind() == PathInfo.Kind.MISSING) {
                throw ServiceException.notFound("no directory " + dir);
            }
            if (info.kind() != PathInfo.Kind.DIRECTORY) {
                throw ServiceException.invalid(dir + " is not a directory");
            }
        }

        PhpSetting resolve(Docroot root, WebPath dir, byte[] replacement) {
            return resolver.resolve(WebPath.parse(root.path()), dir, replacement);
        }

        boolean ancestorUsesSetHandler(Docroot root, WebPath dir) {
            return resolver.ancestorUsesSetHandler(WebPath.parse(root.path()), dir);
        }

        boolean setsPhp(WebPath dir) {
            return resolver.setsPhp(dir);
        }

        List<WebPath> walk(WebPath start) {
            return io(() -> files.walkDirectories(start, MAX_AUDIT_DEPTH, MAX_AUDIT_DIRS), start);
        }

        /**
         * Adds the PHP files of {@code dir} as {dir, file} to {@code out}; links, FIFOs and other non-regular
         * files, foreign files and oversized files go to {@code skipped} unread.
         */
        void listPhpFiles(WebPath dir, List<WebPath[]> out, List<PhpCheckReport.Skipped> skipped) {
            java.util.SortedMap<String, PathInfo> entries = io(() -> files.list(dir), dir);
            for (Map.Entry<String, PathInfo> e : entries.entrySet()) {
                if (!PHP_FILE.matcher(e.getKey()).matches()) {
                    continue;
                }
                WebPath file = dir.resolve(e.getKey());
                PathInfo info = e.getValue();
                String reason = switch (info.kind()) {
                    case REGULAR_FILE -> !info.ownedByAccount() ? "not owned by the account; not read"
                            : info.size() > MAX_PHP_FILE ? "larger than " + (MAX_PHP_FILE >> 20) + " MB; not read"
                            : null;
                    case SYMBOLIC_LINK -> "a symbolic link; not followed";
                    case DIRECTORY -> null;
                    default -> "not a regular file; not read";
                };
                if (reason != null) {
                    skipped.add(new PhpCheckReport.Skipped(file.toString(), reason));
                } else if (info.kind() == PathInfo.Kind.REGULAR_FILE) {
                    out.add(new WebPath[] {dir, file});
                }
            }
        }

        /** The current {@code .htaccess}, null when there is none; refuses one that cannot be rewritten safely. */
        byte[] readForRewrite(WebPath dir) {
            try {
                return files.read(dir, HTACCESS, MAX_HTACCESS).orElse(null);
            } catch (UnsafePathException | IOException e) {
                throw new ServiceException(ServiceException.Kind.UNSAFE, "unsafe-htaccess", dir.resolve(HTACCESS)
                        + " cannot be rewritten safely: " + e.getMessage());
            }
        }

        void write(WebPath dir, byte[] content) {
            io(() -> {
                files.writeAtomically(dir, HTACCESS, content);
                return null;
            }, dir);
        }

        void delete(WebPath dir) {
            io(() -> files.delete(dir, HTACCESS), dir);
        }

        private static <T> T io(IoCall<T> call, WebPath where) {
            try {
                return call.call();
            } catch (UnsafePathException e) {
                throw new ServiceException(ServiceException.Kind.UNSAFE, "unsafe-path", "'"
                        + printable(where.toString()) + "' is refused: " + e.getMessage());
            } catch (IOException e) {
                throw new ServiceException(ServiceException.Kind.UNSAFE, "io-error", "'"
                        + printable(where.toString()) + "': " + e.getMessage(), e);
            }
        }
    }

    @FunctionalInterface
    interface IoCall<T> {
        T call() throws IOException;
    }
}
