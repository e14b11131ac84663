package org.hostctl.cli.cmd.mail;

import org.hostctl.api.MailboxCreated;
import org.hostctl.api.PasswordChange;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import org.hostctl.cli.output.Format;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code hostctl mailbox passwd}. */
@Command(name = "passwd", sortOptions = false, description = "Change a mailbox password.",
        footer = {"", "The old password stops working at once.", "",
            "Examples:",
            "  hostctl mailbox passwd alice@example.com",
            "  hostctl mailbox passwd alice@example.com --password-file new.txt",
            "  hostctl mailbox passwd alice@example.com --generate"})
public final class MailboxPasswdCommand extends BaseCommand {
    @Parameters(paramLabel = "ADDRESS")
    String address;

    @Mixin
    PasswordInput password;

    public MailboxPasswdCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        String pw = password.read(context, canPrompt());
        MailboxCreated r = api().setPassword(address, new PasswordChange(pw, password.generate()));
        if (out().format() != Format.table) {
            out().one(r, java.util.List.of());
        } else if (r.generatedPassword() != null) {
            out().out().println(r.generatedPassword());
            out().out().flush();
            out().info("Changed the password of " + r.mailbox().address() + "; the password above is shown only now");
        } else {
            out().info("Changed the password of " + r.mailbox().address());
        }
        return ExitCodes.OK;
    }
}
