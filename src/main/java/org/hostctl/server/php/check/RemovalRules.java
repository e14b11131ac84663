package org.hostctl.server.php.check;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What PHP removed, by version, as listed in PHP's migration guides: the data in {@code removals.tsv}, each
 * entry with the page and section it comes from.
 */
public final class RemovalRules {
    /** Kinds of entries. */
    public static final String FUNCTION = "function";
    public static final String VARIABLE = "variable";
    public static final String INI = "ini";
    public static final String SYNTAX = "syntax";

    /**
     * One removal.
     *
     * @param kind function, variable, ini or syntax
     * @param name the function (a trailing {@code *} names a family), variable, ini setting or syntax key
     * @param removedIn the first branch without it
     * @param extension the extension that provided it, null when none
     * @param replacement the usual replacement, null when there is none to name
     * @param fallback a function-name prefix whose calls in the same function mark a fallback path, or null
     * @param source the migration guide page
     * @param section the section of that page
     */
    public record Rule(String kind, String name, PhpBranch removedIn, String extension, String replacement,
            String fallback, String source, String section) {
        boolean matchesFunction(String lowerName) {
            return name.endsWith("*") ? lowerName.startsWith(name.substring(0, name.length() - 1))
                    : name.equals(lowerName);
        }
    }

    private static final RemovalRules BUILT_IN = load();

    private final List<Rule> rules;
    private final Map<String, Rule> exact = new LinkedHashMap<>();
    private final List<Rule> families = new ArrayList<>();

    RemovalRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
        for (Rule r : rules) {
            if (r.kind().equals(FUNCTION) && r.name().endsWith("*")) {
                families.add(r);
            } else {
                exact.putIfAbsent(r.kind() + ":" + r.name(), r);
            }
        }
        families.sort((a, b) -> Integer.compare(b.name().length(), a.name().length()));
    }

    /** The rules shipped with hostd. */
    public static RemovalRules builtIn() {
        return BUILT_IN;
    }

    public List<Rule> all() {
        return rules;
    }

    /** The rule for a called function (lower case): an exact entry before a family. */
    public Optional<Rule> function(String lowerName) {
        Rule r = exact.get(FUNCTION + ":" + lowerName);
        if (r != null) {
            return Optional.of(r);
        }
        return families.stream().filter(f -> f.matchesFunction(lowerName)).findFirst();
    }

    public Optional<Rule> variable(String name) {
        return Optional.ofNullable(exact.get(VARIABLE + ":" + name));
    }

    public Optional<Rule> ini(String name) {
        return Optional.ofNullable(exact.get(INI + ":" + name.toLowerCase(java.util.Locale.ROOT)));
    }

    public Optional<Rule> syntax(String key) {
        return Optional.ofNullable(exact.get(SYNTAX + ":" + key));
    }

    /** Function names the scanner reports calls of: exact names. */
    Set<String> functionNames() {
        Set<String> out = new LinkedHashSet<>();
        for (Rule r : rules) {
            if (r.kind().equals(FUNCTION) && !r.name().endsWith("*")) {
                out.add(r.name());
            }
        }
        return out;
    }

    /** Function-name prefixes the scanner reports calls of: families and fallbacks. */
    Set<String> functionPrefixes() {
        Set<String> out = new LinkedHashSet<>();
        for (Rule r : rules) {
            if (r.kind().equals(FUNCTION) && r.name().endsWith("*")) {
                out.add(r.name().substring(0, r.name().length() - 1));
            }
            if (r.fallback() != null) {
                out.add(r.fallback());
            }
        }
        return out;
    }

    Set<String> variables() {
        Set<String> out = new LinkedHashSet<>();
        for (Rule r : rules) {
            if (r.kind().equals(VARIABLE)) {
                out.add(r.name());
            }
        }
        return out;
    }

    static RemovalRules parse(InputStream in) throws IOException {
        List<Rule> rules = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int n = 0;
        while ((line = r.readLine()) != null) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length != 7) {
                throw new IllegalArgumentException("removals.tsv line " + n + ": expected 7 columns");
            }
            String kind = f[0];
            if (!List.of(FUNCTION, VARIABLE, INI, SYNTAX).contains(kind)) {
                throw new IllegalArgumentException("removals.tsv line " + n + ": unknown kind " + kind);
            }
            int hash = f[6].indexOf('#');
            if (!f[6].startsWith("https://") || hash < 0) {
                throw new IllegalArgumentException("removals.tsv line " + n + ": source must be URL#section");
            }
            rules.add(new Rule(kind, f[1], PhpBranch.parse(f[2]), blankToNull(f[3]), blankToNull(f[4]),
                    blankToNull(f[5]), f[6].substring(0, hash), f[6].substring(hash + 1)));
        }
        return new RemovalRules(rules);
    }

    private static RemovalRules load() {
        try (InputStream in = RemovalRules.class.getResourceAsStream("/org/hostctl/server/php/removals.tsv")) {
            if (in == null) {
                throw new IllegalStateException("removals.tsv is missing from the classpath");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String blankToNull(String s) {
        return s.isBlank() ? null : s;
    }
}
