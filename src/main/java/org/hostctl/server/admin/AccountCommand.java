package org.hostctl.server.admin;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hostctl.api.Docroot;
import org.hostctl.server.Hostd;
import org.hostctl.server.store.Account;
import org.hostctl.server.store.UnixUserRow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hostd account}: the provider's account administration. */
@Command(name = "account", description = "Add, list, show, update and remove hosting accounts.")
public final class AccountCommand {
    @ParentCommand
    HostdCommand root;

    @Spec
    CommandSpec spec;

    /**
     * The JSON shape of an account.
     *
     * @param unixUser the Unix user acting for the account on the local socket, absent when none
     * @param socketAccess {@code read-write} or {@code read-only}, absent when there is no Unix user
     */
    record AccountView(String name, String webspace, String phpDefault, String createdAt, List<Docroot> docroots,
            String unixUser, String socketAccess) {
        static AccountView of(Account a, UnixUserRow u) {
            return new AccountView(a.name(), a.webspace(), a.phpDefault(), a.createdAt().toString(),
                    a.docroots().stream().map(d -> new Docroot(d.path(), d.url())).toList(),
                    u == null ? null : u.name(), u == null ? null : access(u.readOnly()));
        }
    }

    /** How the Unix user of an account may use the local socket. */
    enum SocketAccess {
        READ_WRITE("read-write"), READ_ONLY("read-only");

        private final String label;

        SocketAccess(String label) {
            this.label = label;
        }

        static SocketAccess parse(String s) {
            for (SocketAccess a : values()) {
                if (a.label.equals(s)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("--socket-access must be read-write or read-only, not " + s);
        }
    }

    private static String access(boolean readOnly) {
        return readOnly ? "read-only" : "read-write";
    }

    @Command(name = "add", sortOptions = false, description = "Add an account with its webspace and document roots.",
            footer = {"", "Examples:",
                "  hostd account add alice --webspace /srv/www/alice \\",
                "      --docroot public_html=https://alice.example/",
                "  hostd account add bob --webspace /srv/www/bob \\",
                "      --docroot www=http://127.0.0.1:8080/ -o json",
                "  hostd account add shop --webspace /home/shop --unix-user shop \\",
                "      --docroot public_html=https://shop.example/"})
    int add(@Parameters(paramLabel = "NAME", description = "Account name: a-z, 0-9, '-', '_'.") String name,
            @Option(names = "--webspace", required = true, paramLabel = "DIR",
                    description = "Absolute path of the account's webspace root.") Path webspace,
            @Option(names = "--docroot", paramLabel = "SUBDIR=URL",
                    description = "A document root below the webspace and the URL that serves it (repeatable).")
            List<String> docroots,
            @Option(names = "--php-default", paramLabel = "VERSION",
                    description = "The account's default PHP version (default: php.default of hostd.yaml).")
            String phpDefault,
            @Option(names = "--unix-user", paramLabel = "USER",
                    description = "The Unix user who acts for this account on hostd's local socket, without a"
                            + " token (one account per user; not root).") String unixUser,
            @Option(names = "--socket-access", paramLabel = "ACCESS", defaultValue = "read-write",
                    description = "What the Unix user may do on the socket: read-write (default) or read-only.")
            String socketAccess) {
        boolean readOnly = SocketAccess.parse(socketAccess) == SocketAccess.READ_ONLY;
        List<Docroot> roots = new ArrayList<>();
        for (String d : docroots == null ? List.<String>of() : docroots) {
            int eq = d.indexOf('=');
            if (eq <= 0 || eq == d.length() - 1) {
                throw new IllegalArgumentException("--docroot must be SUBDIR=URL, e.g. public_html=https://example.net/");
            }
            roots.add(new Docroot(d.substring(0, eq), d.substring(eq + 1)));
        }
        try (Hostd hostd = root.open()) {
            if (unixUser != null) {
                hostd.unixUsers().check(unixUser);
            }
            Account a = hostd.accounts().add(name, webspace, roots, phpDefault);
            if (unixUser != null) {
                try {
                    hostd.unixUsers().map(name, unixUser, readOnly);
                } catch (RuntimeException e) {
                    hostd.accounts().remove(name);
                    throw e;
                }
            }
            print(hostd, List.of(a), true);
        }
        return 0;
    }

    @Command(name = "update", sortOptions = false,
            description = "Change which Unix user acts for an account on the local socket, and how.",
            footer = {"", "Examples:",
                "  hostd account update shop --unix-user shop",
                "  hostd account update shop --socket-access read-only",
                "  hostd account update shop --no-unix-user"})
    int update(@Parameters(paramLabel = "NAME", description = "The account.") String name,
            @Option(names = "--unix-user", paramLabel = "USER",
                    description = "The Unix user who acts for this account on the local socket (replaces the"
                            + " previous one).") String unixUser,
            @Option(names = "--no-unix-user",
                    description = "No Unix user acts for this account on the local socket any more.")
            boolean noUnixUser,
            @Option(names = "--socket-access", paramLabel = "ACCESS",
                    description = "read-write or read-only (default: unchanged; read-write for a new user).")
            String socketAccess) {
        if (noUnixUser && (unixUser != null || socketAccess != null)) {
            throw new IllegalArgumentException("--no-unix-user goes alone, without --unix-user or --socket-access");
        }
        if (!noUnixUser && unixUser == null && socketAccess == null) {
            throw new IllegalArgumentException("nothing to update: give --unix-user, --socket-access or"
                    + " --no-unix-user");
        }
        try (Hostd hostd = root.open()) {
            Account a = hostd.accounts().show(name);
            if (noUnixUser) {
                hostd.unixUsers().unmap(name);
            } else {
                java.util.Optional<UnixUserRow> now = hostd.unixUsers().forAccount(name);
                String user = unixUser != null ? unixUser : now.map(UnixUserRow::name).orElseThrow(() ->
                        new IllegalArgumentException("account " + name + " has no Unix user; give --unix-user"));
                boolean readOnly = socketAccess != null ? SocketAccess.parse(socketAccess) == SocketAccess.READ_ONLY
                        : now.map(UnixUserRow::readOnly).orElse(false);
                hostd.unixUsers().map(name, user, readOnly);
            }
            print(hostd, List.of(a), true);
        }
        return 0;
    }

    @Command(name = "list", description = "List the accounts.")
    int list() {
        try (Hostd hostd = root.open()) {
            print(hostd, hostd.accounts().list(), false);
        }
        return 0;
    }

    @Command(name = "show", description = "Show one account.")
    int show(@Parameters(paramLabel = "NAME") String name) {
        try (Hostd hostd = root.open()) {
            print(hostd, List.of(hostd.accounts().show(name)), true);
        }
        return 0;
    }

    @Command(name = "remove", description = "Remove an account and its tokens (its files stay).")
    int remove(@Parameters(paramLabel = "NAME") String name) {
        try (Hostd hostd = root.open()) {
            hostd.accounts().remove(name);
            spec.commandLine().getErr().println("Removed account " + name);
        }
        return 0;
    }

    private void print(Hostd hostd, List<Account> accounts, boolean single) {
        java.util.Map<String, UnixUserRow> users = new java.util.HashMap<>();
        hostd.unixUsers().list().forEach(u -> users.put(u.account(), u));
        if (root.json()) {
            List<AccountView> views = accounts.stream().map(a -> AccountView.of(a, users.get(a.name()))).toList();
            AdminOutput.json(spec.commandLine().getOut(), single ? views.get(0) : views);
            return;
        }
        AdminOutput.table(spec.commandLine().getOut(), accounts, List.of("NAME", "WEBSPACE", "PHP DEFAULT", "DOCROOTS",
                "UNIX USER"),
                Account::name, Account::webspace, a -> a.phpDefault() == null ? "" : a.phpDefault(),
                a -> String.join(", ", a.docroots().stream().map(d -> d.path() + "=" + d.url()).toList()),
                a -> {
                    UnixUserRow u = users.get(a.name());
                    return u == null ? "" : u.readOnly() ? u.name() + " (read-only)" : u.name();
                });
    }
}
