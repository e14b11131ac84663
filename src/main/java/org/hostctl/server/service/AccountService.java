package org.hostctl.server.service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.hostctl.api.Docroot;
import org.hostctl.api.Me;
import org.hostctl.server.fs.UnsafePathException;
import org.hostctl.server.fs.WebPath;
import org.hostctl.server.php.PhpCatalog;
import org.hostctl.server.store.Account;
import org.hostctl.server.store.AccountRepository;

/** Accounts: the provider adds them; a token's holder reads its own. */
public final class AccountService {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

    private final AccountRepository accounts;
    private final PhpCatalog php;
    private final Clock clock;

    public AccountService(AccountRepository accounts, PhpCatalog php, Clock clock) {
        this.accounts = accounts;
        this.php = php;
        this.clock = clock;
    }

    /** What {@code GET /v1/me} answers. */
    public Me me(Principal p) {
        Account a = account(p);
        return new Me(a.name(), p.tokenId(), p.readOnly(), a.webspace(), docroots(a), phpDefault(a),
                p.tokenExpiresAt(), p.unixUser());
    }

    /** The principal's account; it exists as long as its token does. */
    public Account account(Principal p) {
        return accounts.find(p.account()).orElseThrow(
                () -> new ServiceException(ServiceException.Kind.UNAUTHENTICATED, "the token's account is gone"));
    }

    /** The version an account runs where nothing else selects one. */
    public String phpDefault(Account a) {
        return a.phpDefault() != null ? a.phpDefault() : php.defaultVersion();
    }

    /** Adds an account with its webspace and document roots. */
    public Account add(String name, Path webspace, List<Docroot> docroots, String phpDefault) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ServiceException.invalid("account name must be 1-32 of a-z, 0-9, '-', '_', starting with a letter");
        }
        if (!webspace.isAbsolute()) {
            throw ServiceException.invalid("--webspace must be an absolute path: " + webspace);
        }
        if (!Files.isDirectory(webspace)) {
            throw ServiceException.invalid("webspace " + webspace + " is not a directory");
        }
        if (phpDefault != null && php.version(phpDefault).isEmpty()) {
            throw ServiceException.invalid("PHP version " + phpDefault + " is not configured");
        }
        List<org.hostctl.server.store.Docroot> roots = new ArrayList<>();
        for (Docroot d : docroots) {
            roots.add(new org.hostctl.server.store.Docroot(checkDocrootPath(d.path()), checkUrl(d.url())));
        }
        Account created = accounts.create(name, webspace.normalize().toString(), phpDefault, clock.instant());
        for (org.hostctl.server.store.Docroot d : roots) {
            accounts.addDocroot(name, d);
        }
        return accounts.find(created.name()).orElse(created);
    }

    public List<Account> list() {
        return accounts.list();
    }

    public Account show(String name) {
        return accounts.find(name).orElseThrow(() -> ServiceException.notFound("no account " + name));
    }

    public void remove(String name) {
        if (!accounts.delete(name)) {
            throw ServiceException.notFound("no account " + name);
        }
    }

    static List<Docroot> docroots(Account a) {
        return a.docroots().stream().map(d -> new Docroot(d.path(), d.url())).toList();
    }

    private static String checkDocrootPath(String path) {
        try {
            WebPath p = WebPath.parse(path);
            if (p.isRoot()) {
                throw ServiceException.invalid("a document root must be a directory below the webspace root");
            }
            return p.toString();
        } catch (UnsafePathException e) {
            throw ServiceException.invalid("document root " + path + ": " + e.getMessage());
        }
    }

    private static String checkUrl(String url) {
        if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
            throw ServiceException.invalid("document root URL must start with http:// or https://: " + url);
        }
        try {
            java.net.URI u = new java.net.URI(url);
            if (u.getHost() == null) {
                throw ServiceException.invalid("document root URL has no host: " + url);
            }
        } catch (java.net.URISyntaxException e) {
            throw ServiceException.invalid("malformed document root URL: " + url);
        }
        return url.endsWith("/") ? url : url + "/";
    }
}
