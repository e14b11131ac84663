package org.hostctl.cli.cmd.auth;

import picocli.CommandLine.Command;

/** {@code hostctl auth}: the group. */
@Command(name = "auth", description = "Log in, show the login, log out.",
        subcommands = {AuthLoginCommand.class, AuthStatusCommand.class, AuthLogoutCommand.class})
public final class AuthCommand {}
