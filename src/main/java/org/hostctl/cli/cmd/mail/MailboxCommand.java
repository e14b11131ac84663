package org.hostctl.cli.cmd.mail;

import picocli.CommandLine.Command;

/** {@code hostctl mailbox}: the group. */
@Command(name = "mailbox", description = "Create and run your mailboxes.",
        subcommands = {MailboxListCommand.class, MailboxShowCommand.class, MailboxCreateCommand.class,
            MailboxPasswdCommand.class, MailboxQuotaCommand.class, MailboxDisableCommand.class,
            MailboxEnableCommand.class, MailboxDeleteCommand.class, MailboxRestoreCommand.class,
            MailboxImportCommand.class},
        footer = {"",
            "Sizes are binary: 500M = 500 MiB, 2G = 2 GiB, 0 = unlimited; -o json gives bytes.",
            "",
            "Passwords never go on the command line: --password-stdin, --password-file, a prompt, or --generate."})
public final class MailboxCommand {}
