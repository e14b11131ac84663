package org.hostctl.cli.cmd.php;

import picocli.CommandLine.Command;

/** {@code hostctl php}: the group. */
@Command(name = "php", description = "Show and switch the PHP version per directory of your webspace.",
        subcommands = {PhpVersionsCommand.class, PhpShowCommand.class, PhpSetCommand.class, PhpUnsetCommand.class,
            PhpVerifyCommand.class, PhpCheckCommand.class},
        footer = {"",
            "PATH is a directory relative to your webspace root, e.g. public_html/shop. On the hosting server "
                    + "itself, '.', '~/...' and absolute paths inside the webspace work too.",
            "",
            "A directory runs the version set in its own .htaccess, else the one inherited from the nearest parent "
                    + "directory (up to the document root) that sets one, else the account default."})
public final class PhpCommand {}
