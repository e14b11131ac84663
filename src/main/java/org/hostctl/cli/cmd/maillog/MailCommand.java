package org.hostctl.cli.cmd.maillog;

import picocli.CommandLine.Command;

/** {@code hostctl mail}: the group. */
@Command(name = "mail", description = "Your mail traffic: was a message sent, delivered, refused?",
        subcommands = {MailLogCommand.class},
        footer = {"", "Examples:", "  hostctl mail log --since 2h", "  hostctl mail log show 4BC2D1F2A3",
            "  hostctl mail log stats --since 7d"})
public final class MailCommand {}
