package org.hostctl.cli.shell;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.hostctl.api.Json;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;
import org.hostctl.cli.output.Printable;

/**
 * {@code hostctl shell} without a terminal: one command per line, in order, stopping at the first failure unless
 * keep-going. Its exit status is 0 when every command succeeded, else the exit code of the first that failed;
 * each failure is named on stderr with its line number.
 *
 * <p>With JSON Lines, stdout carries one object per command instead of the commands' own output:
 * {@code {"line":N,"command":"...","exit":N,"result":...,"stderr":...}}. {@code result} is the command's stdout,
 * parsed when it printed JSON ({@code -o json} or {@code --jq}, on the line or given to the shell) and a string
 * otherwise, null when it printed nothing; {@code stderr} is what it printed there, or null.
 */
public final class BatchShell {
    private final ShellSession session;
    private final boolean keepGoing;
    private final boolean jsonLines;

    public BatchShell(ShellSession session, boolean keepGoing, boolean jsonLines) {
        this.session = session;
        this.keepGoing = keepGoing;
        this.jsonLines = jsonLines;
    }

    /** Runs the script read from {@code in}; returns the shell's exit status. */
    public int run(BufferedReader in, PrintWriter out, PrintWriter err) throws IOException {
        int first = ExitCodes.OK;
        int firstLine = 0;
        int commands = 0;
        List<Integer> failed = new ArrayList<>();
        String line;
        int n = 0;
        while ((line = in.readLine()) != null) {
            n++;
            String text = line.strip();
            List<String> words;
            Integer code = null;
            StringWriter capturedOut = new StringWriter();
            StringWriter capturedErr = new StringWriter();
            PrintWriter o = jsonLines ? new PrintWriter(capturedOut) : out;
            PrintWriter e = jsonLines ? new PrintWriter(capturedErr) : err;
            boolean json = false;
            try {
                words = ShellWords.split(line);
            } catch (HostctlException ex) {
                words = List.of();
                e.println("hostctl: " + ex.getMessage());
                e.flush();
                code = ex.exitCode();
            }
            if (code == null && words.isEmpty()) {
                continue;
            }
            if (code == null && words.get(0).equals("exit")) {
                Integer status = exitStatus(words, e);
                if (status != null) {
                    return first != ExitCodes.OK ? first : status;
                }
                code = ExitCodes.USAGE;
            }
            commands++;
            if (code == null) {
                ShellSession.Outcome outcome = session.run(words, o, e);
                code = outcome.exitCode();
                json = outcome.json();
            }
            if (jsonLines) {
                out.println(record(n, text, code, json, capturedOut.toString(), capturedErr.toString()));
                out.flush();
            }
            if (code != ExitCodes.OK) {
                failed.add(n);
                if (first == ExitCodes.OK) {
                    first = code;
                    firstLine = n;
                }
                if (!keepGoing) {
                    err.println("hostctl: line " + n + ": exit " + code + ": " + Printable.of(text)
                            + " (stopped; --keep-going runs the rest)");
                    err.flush();
                    return code;
                }
                err.println("hostctl: line " + n + ": exit " + code + ": " + Printable.of(text));
                err.flush();
            }
        }
        if (!failed.isEmpty()) {
            err.println("hostctl: " + failed.size() + " of " + commands + " commands failed (lines "
                    + String.join(", ", failed.stream().map(String::valueOf).toList()) + "); exit "
                    + first + " from line " + firstLine);
            err.flush();
        }
        return first;
    }

    /** The status {@code exit [N]} asks for, or null (after a message) when the line is wrong. */
    static Integer exitStatus(List<String> words, PrintWriter err) {
        if (words.size() == 1) {
            return ExitCodes.OK;
        }
        if (words.size() == 2 && words.get(1).matches("[0-9]{1,3}") && Integer.parseInt(words.get(1)) <= 255) {
            return Integer.parseInt(words.get(1));
        }
        err.println("hostctl: usage: exit [STATUS], STATUS 0 to 255");
        err.flush();
        return null;
    }

    private static String record(int line, String command, int code, boolean json, String stdout, String stderr) {
        ObjectNode r = Json.mapper().createObjectNode();
        r.put("line", line);
        r.put("command", command);
        r.put("exit", code);
        JsonNode result = null;
        if (json && !stdout.isBlank()) {
            result = parse(stdout);
        }
        if (result != null) {
            r.set("result", result);
        } else if (stdout.isEmpty()) {
            r.putNull("result");
        } else {
            r.put("result", stdout);
        }
        if (stderr.isEmpty()) {
            r.putNull("stderr");
        } else {
            r.put("stderr", stderr);
        }
        return r.toString();
    }

    /** One JSON value, or several (one per line, as {@code mail log -o json --follow} prints) as an array; else null. */
    private static JsonNode parse(String text) {
        try (JsonParser p = Json.mapper().createParser(text)) {
            List<JsonNode> values = new ArrayList<>();
            while (p.nextToken() != null) {
                values.add(Json.mapper().readTree(p));
            }
            if (values.size() == 1) {
                return values.get(0);
            }
            return values.isEmpty() ? null : Json.mapper().valueToTree(values);
        } catch (IOException e) {
            return null;
        }
    }
}
