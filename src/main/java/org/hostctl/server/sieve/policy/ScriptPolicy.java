package org.hostctl.server.sieve.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.hostctl.api.Addresses;
import org.hostctl.server.config.HostdConfig;
import org.hostctl.server.sieve.SieveScan;
import org.hostctl.server.store.DomainRow;
import org.hostctl.server.store.MailRepository;
import org.hostctl.server.store.MailboxRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider's policy on what a stored Sieve script may do, checked on every script hostd stores or validates for
 * a mailbox (the {@link PolicedBackend} around every backend, and the autoresponder's generated rule): where mail may
 * go and whom it may claim to come from, the vacation period and folder names.
 *
 * <p>Targets are judged as written: a target that variables (RFC 5229: {@code ${name}}, {@code ${1}}, {@code set
 * :lower}, ...) or encoded characters ({@code ${hex:..}}, {@code ${unicode:..}}) could change is refused, since
 * hostd cannot know what it becomes at delivery. Escapes ({@code \$}) are resolved first, as the Sieve lexer does,
 * so every such reference shows as {@code ${} in the scanned string.
 */
public final class ScriptPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(ScriptPolicy.class);
    static final String REDIRECT = "redirect-not-allowed";
    static final String NOTIFY_FROM = "notify-from";
    static final String VACATION_FROM = "vacation-from";
    static final String VACATION_PERIOD = "vacation-period";
    static final String FOLDER = "folder-not-allowed";
    /** mailto: header fields a notification may carry: the recipients (checked) and harmless text. */
    private static final Set<String> MAILTO_HEADERS = Set.of("to", "cc", "bcc", "subject", "body");

    private final HostdConfig.SievePolicy policy;
    private final MailRepository mail;

    public ScriptPolicy(HostdConfig.SievePolicy policy, MailRepository mail) {
        this.policy = policy;
        this.mail = mail;
    }

    /** Checks a script of mailbox {@code user} against the policy; refusals name the line. */
    public void admit(String user, String content) {
        check(content, ownDomains(user));
    }

    /** The domains of the account owning mailbox {@code user}; empty when unknown (nothing then counts as own). */
    Set<String> ownDomains(String user) {
        Set<String> own = new LinkedHashSet<>();
        mail.mailbox(user).map(MailboxRow::domain).flatMap(mail::domain).map(DomainRow::account)
                .ifPresent(account -> mail.domains(account).stream().map(DomainRow::name).forEach(own::add));
        return own;
    }

    /** Checks a script given the account's own domains. */
    public void check(String content, Set<String> own) {
        for (SieveScan.Command c : SieveScan.commands(content, List.of("redirect", "vacation", "notify",
                "fileinto"))) {
            List<Arg> args = Arg.of(c);
            switch (c.name()) {
                case "redirect" -> {
                    // every string, also those of tags such as extlists' :list, is a target
                    for (Arg a : args) {
                        for (String target : a.strings()) {
                            requireTarget(own, target, c.line(), "redirect");
                        }
                    }
                }
                case "notify" -> checkNotify(own, c.line(), args);
                case "vacation" -> checkVacation(own, c.line(), args);
                case "fileinto" -> {
                    for (String folder : FolderNames.folders(args)) {
                        FolderNames.check(folder).ifPresent(why -> {
                            throw new SievePolicyException(FOLDER, c.line(), "fileinto folder " + printable(folder)
                                    + " " + why);
                        });
                    }
                }
                default -> { }
            }
        }
    }

    /**
     * {@code notify} of enotify (RFC 5435) and of the older draft Pigeonhole also knows: the method (a mailto: URI),
     * {@code :options} (the draft's recipients), {@code :method} and {@code :from} all name where a notification
     * goes or whom it comes from; {@code :message}, {@code :id} and {@code :importance} are text.
     */
    private void checkNotify(Set<String> own, int line, List<Arg> args) {
        for (int i = 0; i < args.size(); i++) {
            Arg a = args.get(i);
            if (a.tag() != null) {
                String tag = a.tag();
                Arg value = i + 1 < args.size() && args.get(i + 1).tag() == null ? args.get(i + 1) : null;
                switch (tag) {
                    case ":message", ":id", ":importance" -> i += value == null ? 0 : 1;
                    case ":from" -> {
                        if (value != null) {
                            for (String from : value.strings()) {
                                requireOwnSender(own, from, line, "notify :from", NOTIFY_FROM);
                            }
                            i++;
                        }
                    }
                    case ":options" -> {
                        if (value != null) {
                            for (String option : value.strings()) {
                                checkNotifyOption(own, option, line);
                            }
                            i++;
                        }
                    }
                    default -> { }
                }
                continue;
            }
            for (String method : a.strings()) {
                checkNotifyMethod(own, method, line);
            }
        }
    }

    private void checkNotifyMethod(Set<String> own, String method, int line) {
        if (method.contains("${")) {
            throw new SievePolicyException(REDIRECT, line, "notify method " + printable(method) + " is built from"
                    + " variables or encoded characters and cannot be checked; write the mailto: address out");
        }
        if (method.strip().equalsIgnoreCase("mailto")) {
            return; // the older draft's :method "mailto": the recipients are its :options, checked there
        }
        if (!method.regionMatches(true, 0, "mailto:", 0, 7)) {
            throw new SievePolicyException(REDIRECT, line, "notify method " + printable(method)
                    + " is not a mailto: URI hostd can check");
        }
        int q = method.indexOf('?');
        if (q >= 0) {
            for (String h : method.substring(q + 1).split("&")) {
                int eq = h.indexOf('=');
                String key = SieveScan.decode(eq < 0 ? h : h.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
                if (!key.isEmpty() && !MAILTO_HEADERS.contains(key)) {
                    throw new SievePolicyException(REDIRECT, line, "notify method " + printable(method)
                            + " sets the header '" + printable(key).replace("'", "") + "'; only to, cc, bcc,"
                            + " subject and body are allowed");
                }
            }
        }
        List<String> targets = SieveScan.mailtoTargets(method);
        if (targets.isEmpty()) {
            throw new SievePolicyException(REDIRECT, line, "notify method " + printable(method)
                    + " names no recipient hostd can check");
        }
        for (String target : targets) {
            requireTarget(own, target, line, "notify");
        }
    }

    /** An option is text unless it names an address (the older draft's recipients, or {@code name=address}). */
    private void checkNotifyOption(Set<String> own, String option, int line) {
        if (option.contains("${")) {
            throw new SievePolicyException(REDIRECT, line, "notify :options " + printable(option) + " is built"
                    + " from variables or encoded characters and cannot be checked; write it out");
        }
        if (option.indexOf('@') >= 0) {
            int eq = option.indexOf('=');
            String address = eq >= 0 && option.indexOf('@') > eq ? option.substring(eq + 1) : option;
            requireTarget(own, address, line, "notify");
        }
    }

    private void checkVacation(Set<String> own, int line, List<Arg> args) {
        for (int i = 0; i < args.size(); i++) {
            Arg a = args.get(i);
            if (a.tag() == null) {
                continue;
            }
            Arg value = i + 1 < args.size() && args.get(i + 1).tag() == null ? args.get(i + 1) : null;
            switch (a.tag()) {
                case ":days" -> {
                    if (value != null && value.number() != null && value.number() < policy.vacationMinDays()) {
                        throw new SievePolicyException(VACATION_PERIOD, line, "vacation :days " + value.number()
                                + " is below the minimum of " + policy.vacationMinDays() + " day(s)");
                    }
                }
                case ":seconds" -> {
                    if (value != null && value.number() != null
                            && value.number() < policy.vacationMinDays() * 86400L) {
                        throw new SievePolicyException(VACATION_PERIOD, line, "vacation :seconds " + value.number()
                                + " is below the minimum of " + policy.vacationMinDays() + " day(s)");
                    }
                }
                case ":from" -> {
                    if (value != null) {
                        for (String from : value.strings()) {
                            requireOwnSender(own, from, line, "vacation :from", VACATION_FROM);
                        }
                    }
                }
                case ":addresses" -> {
                    // the mailbox's own addresses; Pigeonhole may send the reply from the one that matched
                    if (value != null) {
                        for (String address : value.strings()) {
                            requireOwnSender(own, address, line, "vacation :addresses", VACATION_FROM);
                        }
                    }
                }
                default -> { }
            }
        }
    }

    private void requireOwnSender(Set<String> own, String value, int line, String what, String code) {
        if (value.contains("${")) {
            throw new SievePolicyException(code, line, what + " " + printable(value) + " is built from variables"
                    + " or encoded characters and cannot be checked; write the address out");
        }
        String addr = value.strip();
        if (addr.endsWith(">") && addr.lastIndexOf('<') >= 0) {
            addr = addr.substring(addr.lastIndexOf('<') + 1, addr.length() - 1);
        }
        try {
            if (own.contains(Addresses.any(addr).domain())) {
                return;
            }
        } catch (IllegalArgumentException e) {
            // refused below
        }
        throw new SievePolicyException(code, line, what + " " + printable(value) + " is not an address of your"
                + " domains");
    }

    private void requireTarget(Set<String> own, String target, int line, String command) {
        if (target.contains("${")) {
            throw new SievePolicyException(REDIRECT, line, command + " target " + printable(target)
                    + " is built from variables or encoded characters and cannot be checked; write the address out");
        }
        String plain = target.strip();
        if (plain.endsWith(">") && plain.lastIndexOf('<') >= 0) {
            plain = plain.substring(plain.lastIndexOf('<') + 1, plain.length() - 1);
        }
        Addresses.Address a;
        try {
            a = Addresses.any(plain);
        } catch (IllegalArgumentException e) {
            // fail closed: what hostd cannot read as one address it does not let through
            throw new SievePolicyException(REDIRECT, line, command + " target " + printable(target)
                    + " is not a plain address hostd can check");
        }
        String address = a.toString();
        if (own.contains(a.domain())) {
            return;
        }
        for (String allowed : policy.redirectAllow()) {
            String al = allowed.strip().toLowerCase(Locale.ROOT);
            if (al.contains("@") ? al.equals(address) : al.equals(a.domain())) {
                return;
            }
        }
        LOG.info("refused {} to {}: not an own domain nor in sieve.policy.redirectAllow", command, address);
        throw new SievePolicyException(REDIRECT, line, command + " to " + address + " is not allowed: only"
                + " addresses in your own domains" + (policy.redirectAllow().isEmpty() ? ""
                        : " or those the provider allows") + " may receive forwarded mail");
    }

    /** Quoted, control characters replaced, at most 100 characters. */
    static String printable(String s) {
        String t = s.replaceAll("[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029]", "?");
        return "'" + (t.length() > 100 ? t.substring(0, 100) + "..." : t) + "'";
    }

    /** One argument of a command: a tag, a string or string list, or a number. */
    record Arg(String tag, List<String> strings, Long number) {
        static List<Arg> of(SieveScan.Command c) {
            List<Arg> out = new ArrayList<>();
            List<String> list = null;
            for (SieveScan.Token t : c.arguments()) {
                switch (t.kind()) {
                    case TAG -> out.add(new Arg(t.text().toLowerCase(Locale.ROOT), List.of(), null));
                    case NUMBER -> out.add(new Arg(null, List.of(), t.number()));
                    case STRING -> {
                        if (list != null) {
                            list.add(t.text());
                        } else {
                            out.add(new Arg(null, List.of(t.text()), null));
                        }
                    }
                    case PUNCT -> {
                        if (t.text().equals("[")) {
                            list = new ArrayList<>();
                        } else if (t.text().equals("]") && list != null) {
                            out.add(new Arg(null, List.copyOf(list), null));
                            list = null;
                        }
                    }
                    default -> { }
                }
            }
            if (list != null) {
                out.add(new Arg(null, List.copyOf(list), null));
            }
            return out;
        }
    }
}
