package org.hostctl.server.php.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hostctl.api.PhpFinding;
import org.hostctl.server.php.check.PhpScanner.Event;
import org.hostctl.server.php.check.RemovalRules.Rule;

/**
 * Turns the scanner's events into findings for a target branch. A finding is {@code guarded} (listed, not
 * counted) when the code itself provides for the removal: it declares a function of that name (a polyfill),
 * checks {@code function_exists()}/{@code is_callable()}/{@code extension_loaded()} in the same function or in a
 * file of the same directory (a library's loader), looks the name up with {@code function_exists()} in the same
 * file, calls the replacement family in the same function (a fallback path, such as WordPress's mysql/mysqli
 * branches), or carries a PHP_CodeSniffer {@code phpcs:ignore}/{@code phpcs:disable} annotation for
 * PHPCompatibility. A check elsewhere in the site (WordPress's requirement check in load.php) guards nothing.
 */
public final class CompatAnalyzer {
    private static final Set<String> INI_FUNCTIONS = Set.of("ini_get", "ini_set", "ini_restore", "ini_alter");

    private final RemovalRules rules;
    private final PhpBranch target;
    /** Global functions declared anywhere in the checked files: name to "file line N". */
    private final Map<String, String> declared = new HashMap<>();

    public CompatAnalyzer(RemovalRules rules, PhpBranch target) {
        this.rules = rules;
        this.target = target;
    }

    /** Functions a directory's files check with function_exists()/is_callable(): dir NUL name to place. */
    private final Map<String, String> checkedAnywhere = new HashMap<>();
    /** Extensions a directory's files check with extension_loaded(): dir NUL extension to place. */
    private final Map<String, String> loadedAnywhere = new HashMap<>();

    /**
     * Records what a file declares and checks for the whole site; call for every file before {@link #findings}.
     */
    public void declarations(String file, List<Event> events) {
        for (Event e : events) {
            String where = file + " line " + e.line();
            if (e.type() == 'D') {
                declared.putIfAbsent(e.name(), where);
            } else if (e.type() == 'G' && !e.arg().equals("*")) {
                if (e.name().equals("extension_loaded")) {
                    loadedAnywhere.putIfAbsent(dir(file) + "\0" + e.arg().toLowerCase(Locale.ROOT), where);
                } else if (!INI_FUNCTIONS.contains(e.name())) {
                    checkedAnywhere.putIfAbsent(dir(file) + "\0" + lowerName(e.arg()), where);
                }
            }
        }
    }

    /**
     * The findings of one file.
     *
     * @param parser the binary that parsed the file, for the {@code source} of syntax errors; null when none did
     */
    public List<PhpFinding> findings(String file, List<Event> events, String parser) {
        Map<Integer, Set<String>> checked = new HashMap<>();
        Map<Integer, Set<String>> loaded = new HashMap<>();
        Map<Integer, List<String>> calls = new HashMap<>();
        Set<String> named = new HashSet<>();
        boolean dynamicLookup = false;
        Set<Integer> ignored = new HashSet<>();
        int disabledFrom = -1;
        List<int[]> disabled = new ArrayList<>();
        for (Event e : events) {
            switch (e.type()) {
                case 'S' -> named.add(e.name());
                case 'G' -> {
                    if (e.arg().equals("*")) {
                        dynamicLookup |= e.name().equals("function_exists") || e.name().equals("is_callable");
                    } else if (e.name().equals("extension_loaded")) {
                        loaded.computeIfAbsent(e.scope(), k -> new HashSet<>()).add(e.arg().toLowerCase(Locale.ROOT));
                    } else if (!INI_FUNCTIONS.contains(e.name())) {
                        checked.computeIfAbsent(e.scope(), k -> new HashSet<>()).add(lowerName(e.arg()));
                    }
                }
                case 'C' -> calls.computeIfAbsent(e.scope(), k -> new ArrayList<>()).add(e.name());
                case 'A' -> {
                    boolean ours = e.arg().isBlank() || e.arg().toLowerCase(Locale.ROOT).contains("phpcompatibility");
                    if (e.name().equals("ignore") && ours) {
                        ignored.add(e.line());
                        ignored.add(e.line() + 1);
                    } else if (e.name().equals("disable") && ours && disabledFrom < 0) {
                        disabledFrom = e.line();
                    } else if (e.name().equals("enable") && disabledFrom >= 0) {
                        disabled.add(new int[] {disabledFrom, e.line()});
                        disabledFrom = -1;
                    }
                }
                default -> { }
            }
        }
        if (disabledFrom >= 0) {
            disabled.add(new int[] {disabledFrom, Integer.MAX_VALUE});
        }
        List<PhpFinding> out = new ArrayList<>();
        Set<Integer> syntaxLines = new HashSet<>();
        for (Event e : events) {
            Optional<Rule> rule;
            String name;
            String what;
            String level = PhpFinding.BREAKS;
            switch (e.type()) {
                case 'C' -> {
                    name = e.name();
                    rule = rules.function(name);
                    what = name + "()";
                }
                case 'V' -> {
                    name = e.name();
                    rule = rules.variable(name);
                    what = name;
                }
                case 'G' -> {
                    if (!INI_FUNCTIONS.contains(e.name())) {
                        continue;
                    }
                    name = e.arg();
                    rule = rules.ini(name);
                    what = "the ini setting " + name + " (" + e.name() + ")";
                    level = PhpFinding.WARNING;
                }
                case 'D' -> {
                    if (!e.name().equals("__autoload")) {
                        continue;
                    }
                    name = "declare:__autoload";
                    rule = rules.syntax(name);
                    what = "declaring __autoload()";
                }
                case 'X' -> {
                    name = e.name().equals("cast") ? "cast:" + e.arg() : e.name();
                    rule = rules.syntax(name);
                    what = describeSyntax(name);
                }
                default -> {
                    continue;
                }
            }
            if (rule.isEmpty() || !target.atLeast(rule.get().removedIn())) {
                continue;
            }
            Rule r = rule.get();
            String guard = null;
            if (r.kind().equals(RemovalRules.FUNCTION)) {
                guard = functionGuard(file, name, r, e.scope(), checked, loaded, calls);
                if (guard == null && dynamicLookup && named.contains(name)) {
                    guard = "the same file names '" + name + "' as data and looks functions up with"
                            + " function_exists()/is_callable()";
                }
            }
            if (guard == null && (ignored.contains(e.line()) || within(disabled, e.line()))) {
                guard = "a phpcs:ignore/phpcs:disable annotation for PHPCompatibility covers this line";
            }
            if (r.kind().equals(RemovalRules.SYNTAX)) {
                syntaxLines.add(e.line());
            }
            String kind = r.kind();
            String shown = name.startsWith("cast:") ? "(" + name.substring(5) + ")"
                    : name.equals("declare:__autoload") ? "__autoload" : name;
            String message = level.equals(PhpFinding.WARNING)
                    ? what + " has no effect since PHP " + r.removedIn() + ", which removed the setting"
                    : what + " was removed in PHP " + r.removedIn()
                            + (r.extension() != null ? " (extension " + r.extension() + ")" : "");
            out.add(new PhpFinding(file, e.line(), guard != null ? PhpFinding.GUARDED : level, kind, shown,
                    r.removedIn().toString(), r.replacement(), message, r.source() + " (" + r.section() + ")", guard));
        }
        for (Event e : events) {
            if (e.type() == 'P' && !syntaxLines.contains(e.line())) {
                out.add(new PhpFinding(file, e.line(), PhpFinding.BREAKS, "syntax-error", null, target.toString(),
                        null, "PHP " + target + " cannot parse this file: " + e.arg(),
                        parser + " token_get_all(TOKEN_PARSE)", null));
            }
        }
        out.sort(Comparator.comparingInt(PhpFinding::line));
        return out;
    }

    private String functionGuard(String file, String name, Rule r, int scope, Map<Integer, Set<String>> checked,
            Map<Integer, Set<String>> loaded, Map<Integer, List<String>> calls) {
        String where = declared.get(name);
        if (where != null) {
            return "the site declares " + name + "() itself (" + where + ")";
        }
        for (String c : checked.getOrDefault(scope, Set.of())) {
            if (c.equals(name) || (r.name().endsWith("*") && rules.function(c).filter(r::equals).isPresent())) {
                return "the same function checks function_exists('" + c + "') or is_callable('" + c + "')";
            }
        }
        if (r.extension() != null && loaded.getOrDefault(scope, Set.of()).contains(r.extension())) {
            return "the same function checks extension_loaded('" + r.extension() + "')";
        }
        if (r.fallback() != null) {
            for (String c : calls.getOrDefault(scope, List.of())) {
                if (c.startsWith(r.fallback())) {
                    return "a fallback path: the same function also calls " + c + "()";
                }
            }
        }
        // a library's loader beside it, e.g. random_compat's random.php requiring its mcrypt variant
        String at = checkedAnywhere.get(dir(file) + "\0" + name);
        if (at != null) {
            return "a file in the same directory checks function_exists('" + name + "') or is_callable('" + name
                    + "') (" + at + ")";
        }
        at = r.extension() == null ? null : loadedAnywhere.get(dir(file) + "\0" + r.extension());
        if (at != null) {
            return "a file in the same directory checks extension_loaded('" + r.extension() + "') (" + at + ")";
        }
        return null;
    }

    private static String dir(String file) {
        int slash = file.lastIndexOf('/');
        return slash < 0 ? "" : file.substring(0, slash);
    }

    private static boolean within(List<int[]> ranges, int line) {
        for (int[] r : ranges) {
            if (line >= r[0] && line <= r[1]) {
                return true;
            }
        }
        return false;
    }

    private static String lowerName(String s) {
        String t = s.startsWith("\\") ? s.substring(1) : s;
        return t.toLowerCase(Locale.ROOT);
    }

    private static String describeSyntax(String key) {
        return switch (key) {
            case "asp-tags" -> "the ASP tag <% %> (PHP code between them is shown to visitors)";
            case "script-tag" -> "the tag <script language=\"php\"> (the code in it is shown to visitors)";
            case "curly-offset" -> "string/array offset access with curly braces ($s{0})";
            case "cast:real" -> "the (real) cast";
            case "cast:unset" -> "the (unset) cast";
            default -> key;
        };
    }
}
