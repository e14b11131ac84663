package org.hostctl.server.service;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hostctl.api.PhpSetting;
import org.hostctl.server.config.HostdConfig.Release;
import org.hostctl.server.fs.SafeFiles;
import org.hostctl.server.fs.UnsafePathException;
import org.hostctl.server.fs.WebPath;
import org.hostctl.server.php.Directive;
import org.hostctl.server.php.HandlerResolver;
import org.hostctl.server.php.HtaccessParser;
import org.hostctl.server.php.HtaccessState;
import org.hostctl.server.php.ParsedHtaccess;
import org.hostctl.server.php.PhpCatalog;
import org.hostctl.server.php.PhpCatalog.Entry;
import org.hostctl.server.php.Resolution;

/** Reads the {@code .htaccess} chain of one account's directories (once per request) and resolves PHP settings. */
final class HtaccessResolver {
    private final String account;
    private final SafeFiles files;
    private final String defaultVersion;
    private final PhpCatalog catalog;
    private final Map<WebPath, HtaccessState> cache = new HashMap<>();

    HtaccessResolver(String account, SafeFiles files, String defaultVersion, PhpCatalog catalog) {
        this.account = account;
        this.files = files;
        this.defaultVersion = defaultVersion;
        this.catalog = catalog;
    }

    /** The setting of {@code dir}, reading its {@code .htaccess} as {@code replacement} when that is not null. */
    PhpSetting resolve(WebPath docroot, WebPath dir, byte[] replacement) {
        List<HtaccessState> chain = chain(docroot, dir);
        if (replacement != null) {
            chain.set(chain.size() - 1, HtaccessState.parsed(dir.toString(), HtaccessParser.parse(replacement)));
        }
        Optional<Entry> def = catalog.version(defaultVersion);
        String defaultHandler = def.map(e -> e.handlerFor(account)).orElse(null);
        Resolution r = HandlerResolver.resolve(chain, defaultHandler,
                value -> catalog.byHandler(account, value).isPresent());
        return toSetting(dir, r);
    }

    /** Whether a directory above {@code dir} (up to the document root) decides PHP with SetHandler. */
    boolean ancestorUsesSetHandler(WebPath docroot, WebPath dir) {
        if (dir.equals(docroot)) {
            return false;
        }
        Resolution r = HandlerResolver.resolve(chain(docroot, dir.parent()), null, v -> true);
        return r.directive() != null && r.directive().kind() == Directive.Kind.SET_HANDLER;
    }

    /** Whether {@code dir}'s own {@code .htaccess} has a line about PHP's handler. */
    boolean setsPhp(WebPath dir) {
        HtaccessState s = state(dir);
        if (s.status() == HtaccessState.Status.UNREADABLE) {
            return true;
        }
        ParsedHtaccess p = s.parsed();
        return p.setHandler().isPresent() || p.mimeHandler().isPresent() || p.addType().isPresent();
    }

    private List<HtaccessState> chain(WebPath docroot, WebPath dir) {
        List<HtaccessState> chain = new ArrayList<>();
        WebPath d = dir;
        while (true) {
            chain.add(0, state(d));
            if (d.equals(docroot) || d.isRoot()) {
                break;
            }
            d = d.parent();
        }
        return chain;
    }

    private HtaccessState state(WebPath dir) {
        return cache.computeIfAbsent(dir, d -> {
            try {
                Optional<byte[]> bytes = files.read(d, PhpService.HTACCESS, PhpService.MAX_HTACCESS);
                return bytes.map(b -> HtaccessState.parsed(d.toString(), HtaccessParser.parse(b)))
                        .orElseGet(() -> HtaccessState.absent(d.toString()));
            } catch (UnsafePathException | IOException e) {
                return HtaccessState.unreadable(d.toString(), e.getMessage());
            }
        });
    }

    private PhpSetting toSetting(WebPath dir, Resolution r) {
        Entry entry = r.handler() == null ? null : catalog.byHandler(account, r.handler()).orElse(null);
        String source;
        String from = null;
        switch (r.origin()) {
            case ACCOUNT_DEFAULT -> {
                source = PhpSetting.DEFAULT;
                if (entry == null) {
                    entry = catalog.version(defaultVersion).orElse(null);
                }
            }
            case INHERITED -> {
                source = PhpSetting.INHERITED;
                from = r.directory();
            }
            case THIS_DIRECTORY -> source = PhpSetting.DIRECTORY;
            default -> {
                boolean here = dir.toString().equals(r.directory());
                source = here ? PhpSetting.DIRECTORY : PhpSetting.INHERITED;
                from = here ? null : r.directory();
            }
        }
        List<String> problems = new ArrayList<>();
        for (Resolution.Problem p : r.problems()) {
            problems.add(where(p.directory()) + ": " + p.message());
        }
        for (Resolution.Shadowed s : r.shadowed()) {
            problems.add(where(s.directory()) + ": line " + s.directive().line() + ": AddHandler "
                    + PhpService.printable(s.directive().value()) + " has no effect below the SetHandler in "
                    + where(s.shadowedBy()));
        }
        boolean eol = entry != null && catalog.endOfLife(entry);
        Release release = entry == null ? null : catalog.release(entry).orElse(null);
        return new PhpSetting(dir.toString(), entry == null ? null : entry.version(),
                r.handler() == null ? null : PhpService.printable(r.handler()), source, from,
                r.directive() != null && r.directive().inHostdBlock(),
                r.directive() == null ? null : r.directive().line(), eol,
                release == null ? null : release.securitySupportUntil(), problems);
    }

    private static String where(String directory) {
        return (directory == null || directory.isEmpty() ? "" : directory + "/") + PhpService.HTACCESS;
    }
}
