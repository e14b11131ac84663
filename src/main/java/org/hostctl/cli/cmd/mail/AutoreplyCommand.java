package org.hostctl.cli.cmd.mail;

import picocli.CommandLine.Command;

/** {@code hostctl autoreply}: the group. */
@Command(name = "autoreply",
        description = "Out-of-office replies of a mailbox.",
        footer = {"",
            "An autoresponder answers mail to the mailbox with your subject and text, from the first to the last "
                    + "day you set, at most once per sender in --every days. It does not answer mailing lists, bulk "
                    + "or automatic mail (bounces, other autoresponders). It runs before your own Sieve filters ('hostctl sieve'), so both work side by side; "
                    + "turning it off leaves your filters as they are.",
            "",
            "Examples:",
            "  hostctl autoreply set alice@example.com --subject 'Out of office' \\",
            "      --text-file away.txt --until 2027-01-06",
            "  hostctl autoreply show alice@example.com",
            "  hostctl autoreply off alice@example.com"},
        subcommands = {AutoreplyShowCommand.class, AutoreplySetCommand.class, AutoreplyOffCommand.class})
public final class AutoreplyCommand {}
