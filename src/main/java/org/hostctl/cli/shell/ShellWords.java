package org.hostctl.cli.shell;

import java.util.ArrayList;
import java.util.List;
import org.hostctl.cli.HostctlException;

/**
 * Splits one line of {@code hostctl shell} into words the way a POSIX shell quotes, without expanding anything:
 * {@code 'single'} quotes keep everything, {@code "double"} quotes keep everything but {@code \"}, {@code \\},
 * {@code \$} and {@code \`}, a backslash outside quotes keeps the next character, and a {@code #} that starts a
 * word starts a comment. No variables, globs, pipes or redirections: {@code $HOME} is the five characters.
 */
public final class ShellWords {
    private ShellWords() {}

    /** The words of {@code line}; empty for a blank line or a comment; a usage error for an open quote. */
    public static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        int n = line.length();
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                if (inWord) {
                    words.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else if (c == '#' && !inWord) {
                break;
            } else if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) {
                    throw HostctlException.usage("unterminated ' quote");
                }
                w.append(line, i + 1, end);
                i = end;
                inWord = true;
            } else if (c == '"') {
                int j = i + 1;
                for (; j < n && line.charAt(j) != '"'; j++) {
                    char d = line.charAt(j);
                    if (d == '\\' && j + 1 < n && "\"\\$`".indexOf(line.charAt(j + 1)) >= 0) {
                        d = line.charAt(++j);
                    }
                    w.append(d);
                }
                if (j >= n) {
                    throw HostctlException.usage("unterminated \" quote");
                }
                i = j;
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= n) {
                    throw HostctlException.usage("a backslash ends the line (lines do not continue)");
                }
                w.append(line.charAt(++i));
                inWord = true;
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(w.toString());
        }
        return words;
    }

    /** {@code words} quoted so that {@link #split} gives them back (for messages and history). */
    public static String join(List<String> words) {
        StringBuilder b = new StringBuilder();
        for (String word : words) {
            if (b.length() > 0) {
                b.append(' ');
            }
            if (!word.isEmpty() && word.chars().allMatch(c -> Character.isLetterOrDigit(c) || "-_./:=@,+%".indexOf(c) >= 0)) {
                b.append(word);
            } else {
                b.append('\'').append(word.replace("'", "'\\''")).append('\'');
            }
        }
        return b.toString();
    }
}
