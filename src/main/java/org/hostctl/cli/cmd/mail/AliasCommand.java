package org.hostctl.cli.cmd.mail;

import picocli.CommandLine.Command;

/** {@code hostctl alias}: the group. */
@Command(name = "alias", description = "Aliases and forwarders: one address to one or more destinations.",
        subcommands = {AliasListCommand.class, AliasAddCommand.class, AliasRemoveCommand.class})
public final class AliasCommand {}
