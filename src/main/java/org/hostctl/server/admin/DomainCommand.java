package org.hostctl.server.admin;

import java.util.List;
import org.hostctl.server.Hostd;
import org.hostctl.server.service.DomainMover;
import org.hostctl.server.store.DomainRow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hostd domain}: mail domains of accounts. */
@Command(name = "domain", description = "Add, list, move and remove the mail domains of accounts.")
public final class DomainCommand {
    @ParentCommand
    HostdCommand root;

    @Spec
    CommandSpec spec;

    /**
     * The JSON shape of a domain.
     *
     * @param backend the mail backend holding its mailboxes (moved there, else listing it in hostd.yaml), null when
     *     none does
     */
    record DomainView(String name, String account, String createdAt, String backend) {
        static DomainView of(DomainRow d, String backend) {
            return new DomainView(d.name(), d.account(), d.createdAt().toString(), backend);
        }
    }

    @Command(name = "add", description = "Give an account a mail domain (canonicalised: lower case, IDN as A-labels).",
            footer = {"", "Examples:", "  hostd domain add alice example.com", "  hostd domain add alice bücher.example"})
    int add(@Parameters(paramLabel = "ACCOUNT") String account, @Parameters(paramLabel = "DOMAIN") String domain) {
        try (Hostd hostd = root.open()) {
            print(hostd, List.of(hostd.mailboxes().addDomain(account, domain)), true);
        }
        return 0;
    }

    @Command(name = "list", description = "List an account's mail domains.")
    int list(@Parameters(paramLabel = "ACCOUNT") String account) {
        try (Hostd hostd = root.open()) {
            hostd.accounts().show(account);
            print(hostd, hostd.mailboxes().domainsOf(account), false);
        }
        return 0;
    }

    @Command(name = "move", sortOptions = false,
            description = {"Move a mail domain to another mail backend (mail.backends of hostd.yaml).", "",
                "Refuses, changing nothing, when the domain or backend is unknown (exit 3), the domain is already"
                        + " there (exit 5) or the target's IMAP, LMTP or ManageSieve does not answer (exit 6).", "",
                "Then, in this order: creates every mailbox of the domain on the target (Cyrus: CREATE, SETQUOTA,"
                        + " SETACL as mailbox create; disabled and deleted ones closed to their owner; a Dovecot"
                        + " reading hostd's tables needs nothing), copies each mailbox's Sieve scripts and which one"
                        + " is active through the target's ManageSieve, and only then switches the domain in the"
                        + " store (domain.backend and its mail_route row), so that the proxy sends logins and Postfix"
                        + " new mail to the target. If a step fails, the domain stays on the old backend and the"
                        + " message lists what was created on the target; running the move again goes on.", "",
                "NOT moved: the mail itself (messages and folders). The output gives the command per mailbox:"
                        + " imapsync (not packaged in Debian 12) with --passfile1/--passfile2 and admin or master"
                        + " user logins, or doveadm backup between two Dovecot backends. Deleted mailboxes keep"
                        + " their mail and Sieve scripts on the old backend."},
            footer = {"", "Examples:",
                "  hostd domain move example.com --backend cy-b --dry-run",
                "  hostd domain move example.com --backend cy-b",
                "  hostd domain move example.com --backend mx-a -o json"})
    int move(@Parameters(paramLabel = "DOMAIN", description = "The mail domain.") String domain,
            @Option(names = "--backend", required = true, paramLabel = "NAME",
                    description = "The mail backend to move it to (a name in mail.backends).") String backend,
            @Option(names = "--dry-run", description = "Print the plan (checks included) and change nothing.")
            boolean dryRun) {
        boolean json = root.json();
        try (Hostd hostd = root.open()) {
            DomainMover.Report r = hostd.domainMover().move(domain, backend, dryRun);
            if (json) {
                AdminOutput.json(spec.commandLine().getOut(), r);
            } else {
                printMove(r);
            }
        }
        return 0;
    }

    private void printMove(DomainMover.Report r) {
        java.io.PrintWriter out = spec.commandLine().getOut();
        String from = r.from() == null ? "hostd's default Dovecot" : r.from() + " (" + r.fromKind() + ")";
        out.println((r.dryRun() ? "Dry run, nothing changed: would move " : "Moved ") + r.domain() + " from " + from
                + " to " + r.to() + " (" + r.toKind() + ")");
        out.println();
        out.println("Mailboxes on " + r.to() + ":");
        if (r.mailboxes().isEmpty()) {
            out.println("  none");
        }
        for (DomainMover.MailboxMove m : r.mailboxes()) {
            out.println("  " + m.address() + " (" + m.state() + "): " + m.onTarget());
            String scripts = m.scripts().isEmpty() ? "" : ": " + String.join(", ", m.scripts().stream()
                    .map(n -> n.equals(m.activeScript()) ? n + " (active)" : n).toList());
            out.println("    Sieve: " + m.sieve() + scripts);
        }
        out.println();
        out.println("Routing: " + r.routing());
        out.println();
        out.println("NOT moved:");
        for (String n : r.notMoved()) {
            out.println("  - " + n);
        }
        out.println();
        out.println("Mail of each mailbox (run by the provider, not by hostd):");
        for (DomainMover.MailboxMove m : r.mailboxes()) {
            out.println("  " + m.mailCommand());
        }
        out.flush();
    }

    @Command(name = "remove", description = "Remove a mail domain that has no mailboxes or aliases left.")
    int remove(@Parameters(paramLabel = "DOMAIN") String domain) {
        try (Hostd hostd = root.open()) {
            hostd.mailboxes().removeDomain(domain);
            spec.commandLine().getErr().println("Removed domain " + domain);
        }
        return 0;
    }

    private void print(Hostd hostd, List<DomainRow> rows, boolean single) {
        java.util.function.Function<DomainRow, String> backend = d -> hostd.domainMover().backendOf(d.name());
        if (root.json()) {
            List<DomainView> views = rows.stream().map(d -> DomainView.of(d, backend.apply(d))).toList();
            AdminOutput.json(spec.commandLine().getOut(), single ? views.get(0) : views);
            return;
        }
        AdminOutput.table(spec.commandLine().getOut(), rows, List.of("DOMAIN", "ACCOUNT", "CREATED", "BACKEND"),
                DomainRow::name, DomainRow::account, d -> d.createdAt().toString(), backend);
    }
}
