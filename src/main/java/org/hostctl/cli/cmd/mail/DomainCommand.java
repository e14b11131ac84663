package org.hostctl.cli.cmd.mail;

import picocli.CommandLine.Command;

/** {@code hostctl domain}: the group. */
@Command(name = "domain", description = "Your mail domains.", subcommands = {DomainListCommand.class})
public final class DomainCommand {}
