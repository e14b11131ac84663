package org.hostctl.server.admin;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hostctl.api.Docroot;
import org.hostctl.server.Hostd;
import org.hostctl.server.store.Account;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hostd account}: the provider's account administration. */
@Command(name = "account", description = "Add, list, show and remove hosting accounts.")
public final class AccountCommand {
    @ParentCommand
    HostdCommand root;

    @Spec
    CommandSpec spec;

    /** The JSON shape of an account. */
    record AccountView(String name, String webspace, String phpDefault, String createdAt, List<Docroot> docroots) {
        static AccountView of(Account a) {
            return new AccountView(a.name(), a.webspace(), a.phpDefault(), a.createdAt().toString(),
                    a.docroots().stream().map(d -> new Docroot(d.path(), d.url())).toList());
        }
    }

    @Command(name = "add", sortOptions = false, description = "Add an account with its webspace and document roots.",
            footer = {"", "Examples:",
                "  hostd account add alice --webspace /srv/www/alice \\",
                "      --docroot public_html=https://alice.example/",
                "  hostd account add bob --webspace /srv/www/bob \\",
                "      --docroot www=http://127.0.0.1:8080/ -o json"})
    int add(@Parameters(paramLabel = "NAME", description = "Account name: a-z, 0-9, '-', '_'.") String name,
            @Option(names = "--webspace", required = true, paramLabel = "DIR",
                    description = "Absolute path of the account's webspace root.") Path webspace,
            @Option(names = "--docroot", paramLabel = "SUBDIR=URL",
                    description = "A document root below the webspace and the URL that serves it (repeatable).")
            List<String> docroots,
            @Option(names = "--php-default", paramLabel = "VERSION",
                    description = "The account's default PHP version (default: php.default of hostd.yaml).")
            String phpDefault) {
        List<Docroot> roots = new ArrayList<>();
        for (String d : docroots == null ? List.<String>of() : docroots) {
            int eq = d.indexOf('=');
            if (eq <= 0 || eq == d.length() - 1) {
                throw new IllegalArgumentException("--docroot must be SUBDIR=URL, e.g. public_html=https://example.net/");
            }
            roots.add(new Docroot(d.substring(0, eq), d.substring(eq + 1)));
        }
        try (Hostd hostd = root.open()) {
            print(List.of(hostd.accounts().add(name, webspace, roots, phpDefault)), true);
        }
        return 0;
    }

    @Command(name = "list", description = "List the accounts.")
    int list() {
        try (Hostd hostd = root.open()) {
            print(hostd.accounts().list(), false);
        }
        return 0;
    }

    @Command(name = "show", description = "Show one account.")
    int show(@Parameters(paramLabel = "NAME") String name) {
        try (Hostd hostd = root.open()) {
            print(List.of(hostd.accounts().show(name)), true);
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

    private void print(List<Account> accounts, boolean single) {
        if (root.json()) {
            List<AccountView> views = accounts.stream().map(AccountView::of).toList();
            AdminOutput.json(spec.commandLine().getOut(), single ? views.get(0) : views);
            return;
        }
        AdminOutput.table(spec.commandLine().getOut(), accounts, List.of("NAME", "WEBSPACE", "PHP DEFAULT", "DOCROOTS"),
                Account::name, Account::webspace, a -> a.phpDefault() == null ? "" : a.phpDefault(),
                a -> String.join(", ", a.docroots().stream().map(d -> d.path() + "=" + d.url()).toList()));
    }
}
