package org.hostctl.cli.cmd.sieve;

import java.util.List;
import org.hostctl.api.SievePut;
import org.hostctl.api.SieveScript;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;
import org.hostctl.cli.output.Output;
import org.hostctl.cli.sieverules.RuleException;
import org.hostctl.cli.sieverules.RuleScript;
import org.hostctl.client.HostApi;

/**
 * Loads the script the rule commands work on and stores it back through the same API call as {@code sieve put}, so
 * that the server compiles and checks it first and refusals have the same exit codes.
 */
final class RuleScripts {
    /** Roundcube's default script name ({@code managesieve_script_name}). */
    static final String WEBMAIL_DEFAULT = "roundcube";

    /**
     * A loaded script.
     *
     * @param name its name
     * @param rules what it holds
     * @param create whether it does not exist yet and is to be made the active script when stored
     */
    record Loaded(String name, RuleScript rules, boolean create) {}

    private RuleScripts() {}

    /**
     * The script {@code name}, or, when null, the active script, else the webmail's {@code roundcube}. With
     * {@code mayCreate} a missing script starts empty and becomes the active one when no script is active.
     */
    static Loaded load(HostApi api, Output out, String address, String name, boolean mayCreate) {
        return load(api, out, address, name, mayCreate, false);
    }

    /**
     * As {@link #load(HostApi, Output, String, String, boolean)}; with {@code listing}, no script (and no name given)
     * is a script without rules.
     */
    static Loaded load(HostApi api, Output out, String address, String name, boolean mayCreate, boolean listing) {
        if (name != null) {
            ScriptInput.name(name);
        }
        List<SieveScript> scripts = api.sieveScripts(address);
        boolean anyActive = scripts.stream().anyMatch(SieveScript::active);
        String chosen = name;
        if (chosen == null) {
            chosen = scripts.stream().filter(SieveScript::active).map(SieveScript::name).findFirst()
                    .orElse(WEBMAIL_DEFAULT);
        }
        String wanted = chosen;
        if (scripts.stream().noneMatch(s -> s.name().equals(wanted))) {
            if (!mayCreate && name == null && listing) {
                return new Loaded(chosen, RuleScript.parse(""), false);
            }
            if (!mayCreate) {
                throw new HostctlException(ExitCodes.NOT_FOUND, name == null
                        ? address + " has no active Sieve script and none named " + WEBMAIL_DEFAULT
                                + "; name one with --script ('hostctl sieve list " + address + "' shows them)"
                        : "no Sieve script " + name + " for " + address);
            }
            out.info("New script " + chosen + " for " + address + (anyActive ? "" : ", made the active script"));
            return new Loaded(chosen, RuleScript.parse(""), !anyActive);
        }
        SieveScript s = api.sieveScript(address, chosen);
        return new Loaded(chosen, RuleScript.parse(s.content() == null ? "" : s.content()), false);
    }

    /** Stores {@code changed} as the script {@code loaded} came from; the server's warnings go to stderr. */
    static void store(HostApi api, Output out, String address, Loaded loaded, RuleScript changed) {
        SieveScript s = api.putSieveScript(address, loaded.name(), new SievePut(changed.text(), loaded.create()));
        SieveOutput.warnings(out, s.warnings());
    }

    /** A rule change that cannot be made, as hostctl's error with its exit code and what to do instead. */
    static HostctlException refused(RuleException e, String address, Loaded loaded) {
        switch (e.kind()) {
            case NOT_FOUND:
                return new HostctlException(ExitCodes.NOT_FOUND, e.getMessage() + " in the script " + loaded.name()
                        + " ('hostctl sieve rule list " + address + " " + loaded.name() + "' shows them)");
            case NOT_WEBMAIL:
                return new HostctlException(ExitCodes.REJECTED, "the script " + loaded.name() + " is not in the "
                        + "webmail's rule format (" + loaded.rules().reason() + "), so hostctl changes no rule in it;"
                        + " edit it as a whole with 'hostctl sieve edit " + address + " " + loaded.name()
                        + "', or keep rules in a script of their own with --script NAME");
            case INVALID:
                return HostctlException.usage(e.getMessage());
            default:
                return new HostctlException(ExitCodes.REJECTED, e.getMessage() + " in the script " + loaded.name());
        }
    }
}
