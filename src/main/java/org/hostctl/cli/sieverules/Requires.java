package org.hostctl.cli.sieverules;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.hostctl.cli.sieverules.SieveLexer.Kind;
import org.hostctl.cli.sieverules.SieveLexer.Token;

/**
 * The extensions a script's {@code require} must name, found as Roundcube finds them: from the commands, tests and
 * tags the rules use, disabled rules included. Extensions hostctl does not recognise in the text (e.g.
 * {@code variables} used only through {@code ${1}}) stay as they were.
 */
final class Requires {
    private static final Map<String, String> BY_IDENTIFIER = Map.ofEntries(
            Map.entry("fileinto", "fileinto"), Map.entry("reject", "reject"), Map.entry("ereject", "ereject"),
            Map.entry("addflag", "imap4flags"), Map.entry("setflag", "imap4flags"),
            Map.entry("removeflag", "imap4flags"), Map.entry("hasflag", "imap4flags"), Map.entry("body", "body"),
            Map.entry("envelope", "envelope"), Map.entry("date", "date"), Map.entry("currentdate", "date"),
            Map.entry("duplicate", "duplicate"), Map.entry("notify", "enotify"), Map.entry("vacation", "vacation"),
            Map.entry("include", "include"), Map.entry("set", "variables"), Map.entry("string", "variables"),
            Map.entry("spamtest", "spamtest"), Map.entry("addheader", "editheader"),
            Map.entry("deleteheader", "editheader"), Map.entry("replace", "mime"));
    private static final Map<String, String> BY_TAG = Map.ofEntries(
            Map.entry(":copy", "copy"), Map.entry(":create", "mailbox"), Map.entry(":regex", "regex"),
            Map.entry(":value", "relational"), Map.entry(":count", "relational"), Map.entry(":index", "index"),
            Map.entry(":mime", "mime"), Map.entry(":anychild", "mime"), Map.entry(":user", "subaddress"),
            Map.entry(":detail", "subaddress"));
    /** Extensions whose every use hostctl recognises, so that it may drop them when no rule uses them any more. */
    private static final Set<String> MANAGED = Set.of("fileinto", "reject", "ereject", "imap4flags", "imapflags",
            "body", "envelope", "date", "duplicate", "enotify", "notify", "vacation", "vacation-seconds", "include",
            "spamtest", "editheader", "mime", "copy", "mailbox", "regex", "relational", "index", "subaddress");

    private Requires() {}

    /** What {@code tokens} use, in the words of {@code original} where it names an older equivalent. */
    static Set<String> used(List<Token> tokens, Set<String> original, Set<String> into) {
        boolean vacation = false;
        for (int k = 0; k < tokens.size(); k++) {
            Token t = tokens.get(k);
            String ext = null;
            if (t.kind() == Kind.IDENTIFIER) {
                String id = t.value().toLowerCase();
                ext = BY_IDENTIFIER.get(id);
                vacation = id.equals("vacation") || (vacation && !t.is(";"));
            } else if (t.kind() == Kind.TAG) {
                String tag = t.value().toLowerCase();
                ext = BY_TAG.get(tag);
                if (tag.equals(":seconds") && vacation) {
                    ext = "vacation-seconds";
                }
                if (tag.equals(":comparator") && k + 1 < tokens.size()
                        && "i;ascii-numeric".equals(tokens.get(k + 1).value())) {
                    into.add("comparator-i;ascii-numeric");
                    into.add("relational");
                }
            } else if (t.is(";")) {
                vacation = false;
            }
            if (ext == null) {
                continue;
            }
            if (ext.equals("imap4flags") && original.contains("imapflags") && !original.contains("imap4flags")) {
                ext = "imapflags";
            }
            if (ext.equals("enotify") && original.contains("notify") && !original.contains("enotify")) {
                ext = "notify";
            }
            into.add(ext);
        }
        return into;
    }

    /** The extensions to require: what is used, and whatever of {@code original} hostctl cannot judge. */
    static Set<String> needed(Set<String> original, Set<String> used) {
        Set<String> out = new TreeSet<>(used);
        for (String e : original) {
            if (!MANAGED.contains(e)) {
                out.add(e);
            }
        }
        if (out.contains("vacation-seconds")) {
            out.remove("vacation");
        }
        return out;
    }

    /** A require command as Roundcube writes it: {@code require ["a","b"];}, sorted. */
    static String command(Set<String> extensions) {
        StringBuilder out = new StringBuilder("require [");
        String sep = "";
        for (String e : new TreeSet<>(extensions)) {
            out.append(sep).append(RuleWriter.string(e));
            sep = ",";
        }
        return out.append("];").toString();
    }
}
