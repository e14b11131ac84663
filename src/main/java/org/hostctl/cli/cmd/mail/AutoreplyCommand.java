package org.hostctl.cli.cmd.mail;

import picocli.CommandLine.Command;

/** {@code hostctl autoreply}: the group. */
@Command(name = "autoreply",
        description = "Out-of-office replies of a mailbox (a Sieve vacation rule Dovecot runs: see README).",
        subcommands = {AutoreplyShowCommand.class, AutoreplySetCommand.class, AutoreplyOffCommand.class})
public final class AutoreplyCommand {}
