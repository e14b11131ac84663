package org.hostctl.cli.cmd.sieve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hostctl.api.Json;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.HostctlException;
import org.hostctl.cli.sieverules.RuleAction;
import org.hostctl.cli.sieverules.RuleInput;
import org.hostctl.cli.sieverules.RuleScript;
import org.hostctl.cli.sieverules.RuleTest;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Option;

/** {@code hostctl sieve rule add}. */
@Command(name = "add", sortOptions = false, modelTransformer = SieveRuleAddCommand.Repeatable.class,
        description = "Add a filter rule the webmail can show and edit.",
        footer = {"",
            "Tests: name what to look at (--header NAME, --from, --to, --subject, --body-raw, --body-text), then how "
                    + "(--contains, --is, --matches with * and ?, --regex) and the value; --not before them negates "
                    + "the test. --size-over/--size-under SIZE (100K, 5M) and --all-messages are tests too. Several "
                    + "tests must all match (--all-of, the default) or any one (--any-of).",
            "",
            "Actions, in the order given: --fileinto FOLDER (--create makes a missing folder, --copy keeps the "
                    + "message in the inbox too), --redirect ADDRESS (--copy; the provider's redirect policy "
                    + "applies), --discard, --keep, --mark-read, --flag, --stop.",
            "",
            "--json FILE (- for stdin) takes the rule as data instead, in the shape of 'rule list -o json' "
                    + "(enabled, join, tests, actions); NAME names it.",
            "",
            "The rule is written as the webmail writes rules; Roundcube 1.6 shows --create as a plain move.",
            "",
            "Examples:",
            "  hostctl sieve rule add alice@example.com \"zip attachments\" \\",
            "      --body-raw --regex 'filename=\".+\\.zip\"' --fileinto Archive --create",
            "  hostctl sieve rule add alice@example.com newsletters \\",
            "      --header List-Id --matches '*' --fileinto News --mark-read --stop",
            "  hostctl sieve rule add alice@example.com boss \\",
            "      --from --contains boss@example.com \\",
            "      --subject --not --contains newsletter --flag --before newsletters",
            "  hostctl sieve rule list alice@example.com -o json --jq '.[0]' | \\",
            "      hostctl sieve rule add bob@example.com copied --json -"})
public final class SieveRuleAddCommand extends SieveRuleChange {
    /** Tests and actions are built from the options in the order given, so that an option may come again. */
    public static final class Repeatable implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            spec.parser().overwrittenOptionsAllowed(true);
            return spec;
        }
    }

    private final List<RuleTest> tests = new ArrayList<>();
    private final List<RuleAction> actions = new ArrayList<>();
    private String field;
    private String fieldHeader;
    private boolean negateNext;
    private boolean joinAny;
    private boolean given;

    @Option(names = "--json", paramLabel = "FILE", order = 1, description = "The rule as JSON; - for stdin.")
    String json;

    @Option(names = "--header", paramLabel = "NAME", order = 2, description = "Test the header field NAME.")
    List<String> header;

    @Option(names = "--from", order = 3, description = "Test the From header.")
    boolean from;

    @Option(names = "--to", order = 4, description = "Test the To header.")
    boolean to;

    @Option(names = "--subject", order = 5, description = "Test the Subject header.")
    boolean subject;

    @Option(names = "--body-raw", order = 6, description = "Test the body as sent, attachments encoded (:raw).")
    boolean bodyRaw;

    @Option(names = "--body-text", order = 7, description = "Test the text parts of the body (:text).")
    boolean bodyText;

    @Option(names = "--not", order = 8, description = "Negate the next test.")
    boolean not;

    @Option(names = "--contains", paramLabel = "TEXT", order = 9, description = "The field contains TEXT.")
    List<String> contains;

    @Option(names = "--is", paramLabel = "TEXT", order = 10, description = "The field is TEXT.")
    List<String> is;

    @Option(names = "--matches", paramLabel = "PATTERN", order = 11,
            description = "The field matches PATTERN (* any text, ? one character).")
    List<String> matches;

    @Option(names = "--regex", paramLabel = "REGEX", order = 12,
            description = "The field matches the POSIX extended regular expression REGEX.")
    List<String> regex;

    @Option(names = "--size-over", paramLabel = "SIZE", order = 13, description = "The message is larger than SIZE.")
    List<String> sizeOver;

    @Option(names = "--size-under", paramLabel = "SIZE", order = 14, description = "The message is smaller than SIZE.")
    List<String> sizeUnder;

    @Option(names = "--all-messages", order = 15, description = "Every message (no other test).")
    boolean allMessages;

    @Option(names = "--all-of", order = 16, description = "Every test must match (the default).")
    boolean allOf;

    @Option(names = "--any-of", order = 17, description = "Any one test must match.")
    boolean anyOf;

    @Option(names = "--fileinto", paramLabel = "FOLDER", order = 20, description = "Move the message to FOLDER.")
    List<String> fileinto;

    @Option(names = "--create", order = 21, description = "Create the folder of --fileinto when it is missing.")
    boolean create;

    @Option(names = "--copy", order = 22, description = "With --fileinto or --redirect: keep a copy in the inbox.")
    boolean copy;

    @Option(names = "--redirect", paramLabel = "ADDRESS", order = 23, description = "Send the message on to ADDRESS.")
    List<String> redirect;

    @Option(names = "--discard", order = 24, description = "Delete the message.")
    boolean discard;

    @Option(names = "--keep", order = 25, description = "Keep the message in the inbox.")
    boolean keep;

    @Option(names = "--mark-read", order = 26, description = "Mark the message as read (\\Seen).")
    boolean markRead;

    @Option(names = "--flag", order = 27, description = "Flag the message (\\Flagged).")
    boolean flag;

    @Option(names = "--stop", order = 28, description = "Stop: later rules do not see the message.")
    boolean stop;

    @Option(names = "--disabled", order = 30, description = "Add the rule disabled.")
    boolean disabled;

    @Option(names = "--before", paramLabel = "OTHER", order = 31, description = "Put it before the rule OTHER; "
            + "default last.")
    String before;

    public SieveRuleAddCommand(CliContext context) {
        super(context);
    }

    private void match(String how, String value) {
        given = true;
        if (field == null) {
            throw HostctlException.usage("--" + how + " needs what to test before it: --header NAME, --from, --to, "
                    + "--subject, --body-raw or --body-text");
        }
        RuleTest t = field.equals("header") ? RuleTest.header(fieldHeader, how, List.of(value))
                : RuleTest.body(field, how, List.of(value));
        addTest(t);
    }

    private void addTest(RuleTest t) {
        given = true;
        tests.add(negateNext ? t.negated(true) : t);
        negateNext = false;
    }

    private void addAction(RuleAction a) {
        given = true;
        actions.add(a);
    }

    private void addFlag(String flag) {
        given = true;
        if (!actions.isEmpty() && actions.get(actions.size() - 1).action().equals("addflag")) {
            List<String> flags = new ArrayList<>(actions.get(actions.size() - 1).flags());
            if (!flags.contains(flag)) {
                flags.add(flag);
            }
            actions.set(actions.size() - 1, new RuleAction("addflag", null, null, null, null, flags, null));
        } else {
            actions.add(new RuleAction("addflag", null, null, null, null, List.of(flag), null));
        }
    }

    private RuleAction last(String option, String... kinds) {
        if (!actions.isEmpty() && List.of(kinds).contains(actions.get(actions.size() - 1).action())) {
            return actions.get(actions.size() - 1);
        }
        throw HostctlException.usage(option + " belongs right after --" + String.join(" or --", kinds));
    }

    @Override
    boolean mayCreate() {
        return true;
    }

    /**
     * Builds the tests and actions from the options in the order they were given: picocli's matched arguments, one
     * entry per occurrence, with each option's values in order.
     */
    private void build() {
        tests.clear();
        actions.clear();
        field = null;
        fieldHeader = null;
        negateNext = false;
        joinAny = false;
        given = false;
        Map<OptionSpec, Integer> seen = new HashMap<>();
        for (ArgSpec arg : spec.commandLine().getParseResult().matchedArgs()) {
            if (!(arg instanceof OptionSpec o) || o.scopeType() == ScopeType.INHERIT) {
                continue;
            }
            String value = null;
            if (o.arity().max() > 0) {
                int k = seen.merge(o, 1, Integer::sum) - 1;
                value = o.originalStringValues().get(k);
            }
            apply(o.longestName(), value);
        }
    }

    private void apply(String option, String value) {
        switch (option) {
            case "--header" -> {
                field = "header";
                fieldHeader = value;
            }
            case "--from", "--to", "--subject" -> {
                field = "header";
                fieldHeader = option.substring(2);
            }
            case "--body-raw" -> field = "raw";
            case "--body-text" -> field = "text";
            case "--not" -> negateNext = true;
            case "--contains", "--is", "--matches", "--regex" -> match(option.substring(2), value);
            case "--size-over", "--size-under" -> addTest(RuleTest.size(option.equals("--size-over"),
                    value.toUpperCase(Locale.ROOT)));
            case "--all-messages" -> addTest(new RuleTest("true", false, null, null, null, null, null, null, null));
            case "--all-of" -> joinAny = false;
            case "--any-of" -> joinAny = true;
            case "--fileinto" -> addAction(RuleAction.fileinto(value, false, false));
            case "--create" -> {
                RuleAction a = last("--create", "fileinto");
                actions.set(actions.size() - 1, RuleAction.fileinto(a.folder(), true, Boolean.TRUE.equals(a.copy())));
            }
            case "--copy" -> {
                RuleAction a = last("--copy", "fileinto", "redirect");
                actions.set(actions.size() - 1, a.action().equals("fileinto")
                        ? RuleAction.fileinto(a.folder(), Boolean.TRUE.equals(a.create()), true)
                        : RuleAction.redirect(a.address(), true));
            }
            case "--redirect" -> addAction(RuleAction.redirect(value, false));
            case "--discard", "--keep", "--stop" -> addAction(RuleAction.simple(option.substring(2)));
            case "--mark-read" -> addFlag("\\Seen");
            case "--flag" -> addFlag("\\Flagged");
            default -> {
                // --json, --disabled, --before, --script: read from their fields
            }
        }
    }

    @Override
    protected int execute() {
        build();
        if (negateNext) {
            throw HostctlException.usage("--not needs a test after it");
        }
        if (json != null && given) {
            throw HostctlException.usage("give the rule as --json or as test and action options, not both");
        }
        if (json == null && tests.isEmpty()) {
            throw HostctlException.usage("a rule needs a test: e.g. --subject --contains TEXT, or --all-messages");
        }
        if (json == null && actions.isEmpty()) {
            throw HostctlException.usage("a rule needs an action: e.g. --fileinto FOLDER, --discard");
        }
        return super.execute();
    }

    @Override
    RuleScript change(RuleScript rules) {
        if (json != null) {
            RuleInput in = readJson();
            boolean enabled = in.enabled() == null || in.enabled();
            String join = in.join() == null ? "allof" : in.join();
            return rules.add(name, enabled && !disabled, join, in.tests(), in.actions(), before);
        }
        String join = joinAny || tests.size() == 1 ? "anyof" : "allof";
        return rules.add(name, !disabled, join, tests, actions, before);
    }

    private RuleInput readJson() {
        String text = ScriptInput.utf8(ScriptInput.read(context, json, "--json"), json.equals("-") ? "stdin" : json);
        try {
            return Json.mapper().readerFor(RuleInput.class)
                    .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(text);
        } catch (JsonProcessingException e) {
            throw HostctlException.usage("--json: not a rule: " + e.getOriginalMessage());
        }
    }

    @Override
    String done(String scriptName, boolean changed) {
        return "Added the rule " + name + " to " + scriptName;
    }
}
