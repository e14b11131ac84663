package org.hostctl.cli.cmd.sieve;

import picocli.CommandLine.Command;

/** {@code hostctl sieve}: the group. */
@Command(name = "sieve", description = "Manage a mailbox's Sieve filter scripts.",
        subcommands = {SieveListCommand.class, SieveGetCommand.class, SievePutCommand.class, SieveEditCommand.class,
            SieveCheckCommand.class, SieveTestCommand.class, SieveActivateCommand.class,
            SieveDeactivateCommand.class, SieveRenameCommand.class, SieveDeleteCommand.class,
            SieveRuleCommand.class},
        footer = {"",
            "A mailbox has any number of scripts and at most one active script, which runs on every message "
                    + "delivered to it. Scripts are UTF-8; FILE - reads stdin. A script that does not compile is "
                    + "refused with the server's line-numbered messages (exit 5)."})
public final class SieveCommand {}
