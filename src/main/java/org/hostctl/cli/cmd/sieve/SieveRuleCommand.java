package org.hostctl.cli.cmd.sieve;

import picocli.CommandLine.Command;

/** {@code hostctl sieve rule}: the group. */
@Command(name = "rule", description = "Manage filter rules as the webmail shows them.",
        subcommands = {SieveRuleListCommand.class, SieveRuleAddCommand.class, SieveRuleRemoveCommand.class,
            SieveRuleEnableCommand.class, SieveRuleDisableCommand.class, SieveRuleMoveCommand.class},
        footer = {"",
            "The webmail's filter editor (Roundcube) keeps rules in a Sieve script as '# rule:[NAME]' blocks. These "
                    + "commands read and change the same rules, so a rule made in the webmail can be changed here and "
                    + "the other way round; rules hostctl does not change stay byte for byte. Without --script they "
                    + "work on the active script (else one named roundcube). A script written by hand is listed as "
                    + "raw statements and not changed (exit 5). Every change is stored like 'sieve put': the server "
                    + "compiles and checks it first."})
public final class SieveRuleCommand {}
