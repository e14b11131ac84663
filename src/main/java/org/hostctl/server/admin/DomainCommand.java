package org.hostctl.server.admin;

import java.util.List;
import org.hostctl.server.Hostd;
import org.hostctl.server.store.DomainRow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hostd domain}: mail domains of accounts. */
@Command(name = "domain", description = "Add, list and remove the mail domains of accounts.")
public final class DomainCommand {
    @ParentCommand
    HostdCommand root;

    @Spec
    CommandSpec spec;

    /** The JSON shape of a domain. */
    record DomainView(String name, String account, String createdAt) {
        static DomainView of(DomainRow d) {
            return new DomainView(d.name(), d.account(), d.createdAt().toString());
        }
    }

    @Command(name = "add", description = "Give an account a mail domain (canonicalised: lower case, IDN as A-labels).",
            footer = {"", "Examples:", "  hostd domain add alice example.com", "  hostd domain add alice bücher.example"})
    int add(@Parameters(paramLabel = "ACCOUNT") String account, @Parameters(paramLabel = "DOMAIN") String domain) {
        try (Hostd hostd = root.open()) {
            print(List.of(hostd.mailboxes().addDomain(account, domain)), true);
        }
        return 0;
    }

    @Command(name = "list", description = "List an account's mail domains.")
    int list(@Parameters(paramLabel = "ACCOUNT") String account) {
        try (Hostd hostd = root.open()) {
            hostd.accounts().show(account);
            print(hostd.mailboxes().domainsOf(account), false);
        }
        return 0;
    }

    @Command(name = "remove", description = "Remove a mail domain that has no mailboxes or aliases left.")
    int remove(@Parameters(paramLabel = "DOMAIN") String domain) {
        try (Hostd hostd = root.open()) {
            hostd.mailboxes().removeDomain(domain);
            spec.commandLine().getErr().println("Removed domain " + domain);
        }
        return 0;
    }

    private void print(List<DomainRow> rows, boolean single) {
        if (root.json()) {
            List<DomainView> views = rows.stream().map(DomainView::of).toList();
            AdminOutput.json(spec.commandLine().getOut(), single ? views.get(0) : views);
            return;
        }
        AdminOutput.table(spec.commandLine().getOut(), rows, List.of("DOMAIN", "ACCOUNT", "CREATED"), DomainRow::name,
                DomainRow::account, d -> d.createdAt().toString());
    }
}
