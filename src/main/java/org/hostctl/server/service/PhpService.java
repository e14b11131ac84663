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

    private final AccountService accounts;
    private final PhpCatalog catalog;
    private final PhpProbe probe;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    public PhpService(AccountService accounts, PhpCatalog catalog, Duration verifyTimeout) {
        this(accounts, catalog, verifyTimeout, null);
    }

    /**
     * @param connectHost where {@code verify} connects for plain-http URLs ({@code web.connectHost}); null: the URL's
     *     host
     */
    public PhpService(AccountService accounts, PhpCatalog catalog, Duration verifyTimeout, String connectHost) {
        this.accounts = accounts;
        this.catalog = catalog;
        this.probe = new PhpProbe(verifyTimeout, connectHost);
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
            return new PhpChange(dir.toString(), changed, req.dryRun(), before, after, warnings);
        });
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
