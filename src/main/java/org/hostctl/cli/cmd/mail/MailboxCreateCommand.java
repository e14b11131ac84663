package org.hostctl.cli.cmd.mail;

import org.hostctl.api.MailboxCreate;
import org.hostctl.api.MailboxCreated;
import org.hostctl.api.Sizes;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;
import org.hostctl.cli.cmd.BaseCommand;
import org.hostctl.cli.output.Format;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hostctl mailbox create}. */
@Command(name = "create", sortOptions = false, description = "Create a mailbox in one of your domains.",
        footer = {"",
            "On a terminal hostctl asks for the password twice; in scripts pipe it or let the server generate one. "
                    + "With --generate the password is printed once on stdout (in -o json as generatedPassword) and "
                    + "never again.",
            "",
            "Examples:",
            "  hostctl mailbox create alice@example.com --quota 2G --name 'Alice Example'",
            "  printf '%%s\\n' \"$PW\" | \\",
            "      hostctl mailbox create bob@example.com --password-stdin",
            "  hostctl mailbox create info@example.com --generate > info.password"})
public final class MailboxCreateCommand extends BaseCommand {
    @Parameters(paramLabel = "ADDRESS")
    String address;

    @Option(names = "--quota", paramLabel = "SIZE", description = "Quota, e.g. 500M, 2G; 0 for unlimited (default: the server's).")
    String quota;

    @Option(names = "--name", paramLabel = "TEXT", description = "Display name.")
    String name;

    @Mixin
    PasswordInput password;

    public MailboxCreateCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        Long bytes = quota == null ? null : parseSize(quota);
        String pw = password.read(context, canPrompt());
        MailboxCreated created = api().createMailbox(new MailboxCreate(address, pw, password.generate(), bytes, name));
        printCreated(created);
        return ExitCodes.OK;
    }

    /** Prints the mailbox; a generated password goes to stdout alone in table format, inside the JSON otherwise. */
    void printCreated(MailboxCreated created) {
        if (out().format() == Format.table) {
            if (created.generatedPassword() != null) {
                out().out().println(created.generatedPassword());
                out().out().flush();
                out().info("Created " + created.mailbox().address() + "; the password above is shown only now");
            } else {
                out().one(created.mailbox(), MailColumns.mailboxes(out()));
            }
        } else {
            out().one(created, java.util.List.of());
        }
    }

    static long parseSize(String text) {
        try {
            return Sizes.parse(text);
        } catch (IllegalArgumentException e) {
            throw HostctlException.usage(e.getMessage());
        }
    }

}
