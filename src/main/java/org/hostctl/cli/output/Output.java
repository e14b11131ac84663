package org.hostctl.cli.output;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;
import org.hostctl.api.Json;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;

/**
 * Renders data on stdout in the chosen format, and messages on stderr. Both go through {@link TerminalWriter}, so
 * that no control character from server text reaches the terminal in any format; JSON and YAML write such
 * characters as their own escapes, so that the data stays exact; CSV cells that a spreadsheet would run as a
 * formula start with a single quote.
 */
public final class Output {
    /** A number as hostctl prints it: such a cell is never taken for a formula, also when negative. */
    private static final Pattern NUMBER = Pattern.compile("[+-]?[0-9]+(\\.[0-9]+)?");
    private static final ObjectWriter JSON = Json.mapper().writer().with(new JsonEscapes());
    private static final ObjectWriter PRETTY_JSON = JSON.withDefaultPrettyPrinter();

    private final TerminalWriter out;
    private final TerminalWriter err;
    private final Format format;
    private final boolean noHeaders;
    private final String jq;
    private final boolean color;

    public Output(PrintWriter out, PrintWriter err, Format format, boolean noHeaders, String jq, boolean color) {
        this.out = TerminalWriter.of(out);
        this.err = TerminalWriter.of(err);
        this.format = jq != null && format == Format.table ? Format.json : format;
        this.noHeaders = noHeaders;
        this.jq = jq;
        this.color = color;
        if (jq != null && this.format != Format.json) {
            throw HostctlException.usage("--jq works on JSON output; leave out -o " + format + " or use -o json");
        }
    }

    public Format format() {
        return format;
    }

    public boolean color() {
        return color;
    }

    public TerminalWriter out() {
        return out;
    }

    public TerminalWriter err() {
        return err;
    }

    /** {@code data} as JSON on one line, every control character as a JSON escape. */
    public static String jsonLine(Object data) {
        try {
            return JSON.writeValueAsString(data);
        } catch (IOException e) {
            throw new HostctlException(ExitCodes.UNEXPECTED, "cannot render output: " + e.getMessage());
        }
    }

    /** {@code data} as indented JSON, every control character as a JSON escape. */
    public static String prettyJson(Object data) {
        try {
            return PRETTY_JSON.writeValueAsString(data);
        } catch (IOException e) {
            throw new HostctlException(ExitCodes.UNEXPECTED, "cannot render output: " + e.getMessage());
        }
    }

    /**
     * Prints a document the user asked for as it is (a Sieve script, a raw response body): byte for byte when
     * {@code exact} (stdout is a file or a pipe), with its control characters escaped otherwise (a terminal).
     */
    public void document(String text, boolean exact) {
        if (exact) {
            out.verbatim(text);
        } else {
            out.print(text);
        }
        out.flush();
    }

    /** Prints a list: a table, a JSON or YAML array, or CSV rows. An empty list prints nothing in table and CSV. */
    public <T> void list(List<T> rows, List<Column<T>> columns) {
        switch (format) {
            case json, yaml -> structured(rows);
            case csv -> csv(rows, columns);
            case table -> table(rows, columns);
        }
    }

    /** Prints one object: a one-row table, a JSON or YAML object, or one CSV row. */
    public <T> void one(T row, List<Column<T>> columns) {
        switch (format) {
            case json, yaml -> structured(row);
            case csv -> csv(List.of(row), columns);
            case table -> table(List.of(row), columns);
        }
    }

    /** A message for the person at the terminal, on stderr. */
    public void info(String message) {
        err.println(message);
        err.flush();
    }

    /** A warning on stderr. */
    public void warn(String message) {
        if (color) {
            err.control(Ansi.YELLOW);
            err.print("warning:");
            err.control(Ansi.RESET);
        } else {
            err.print("warning:");
        }
        err.println(" " + message);
        err.flush();
    }

    /** Prints {@code text} on {@code w} (one of this output's writers), in red when colour is on. */
    public void alert(PrintWriter w, String text) {
        tone(w, text, Tone.BAD);
    }

    private void structured(Object data) {
        try {
            if (format == Format.yaml) {
                ObjectMapper yaml = new ObjectMapper(new YAMLFactory()
                        .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
                        .findAndRegisterModules();
                yaml.setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);
                yaml.disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
                String text = yaml.writeValueAsString(data);
                if (!clean(text)) {
                    // a plain scalar would show the escape as text; in double quotes it is a YAML escape
                    text = yaml.writer().without(YAMLGenerator.Feature.MINIMIZE_QUOTES).writeValueAsString(data);
                }
                out.print(text);
            } else if (jq != null) {
                jq(Json.mapper().valueToTree(data));
            } else {
                out.println(PRETTY_JSON.writeValueAsString(data));
            }
            out.flush();
        } catch (IOException e) {
            throw new HostctlException(ExitCodes.UNEXPECTED, "cannot render output: " + e.getMessage());
        }
    }

    private void jq(JsonNode input) {
        Scope scope = Scope.newEmptyScope();
        BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_6, scope);
        JsonQuery query;
        try {
            query = JsonQuery.compile(jq, Versions.JQ_1_6);
        } catch (JsonQueryException e) {
            throw HostctlException.usage("--jq: " + firstLine(e.getMessage()));
        }
        List<JsonNode> results = new ArrayList<>();
        try {
            query.apply(Scope.newChildScope(scope), input, results::add);
        } catch (JsonQueryException e) {
            throw HostctlException.usage("--jq: " + firstLine(e.getMessage()));
        }
        for (JsonNode r : results) {
            out.println(r.isTextual() ? r.asText() : jsonLine(r));
        }
    }

    private <T> void csv(List<T> rows, List<Column<T>> columns) {
        CsvMapper csv = CsvMapper.builder()
                .enable(com.fasterxml.jackson.dataformat.csv.CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING).build();
        List<List<String>> lines = new ArrayList<>();
        if (!noHeaders) {
            lines.add(columns.stream().map(Column::header).toList());
        }
        for (T row : rows) {
            lines.add(columns.stream().map(c -> cell(nullToEmpty(c.value().apply(row)))).toList());
        }
        try {
            out.print(csv.writeValueAsString(lines));
            out.flush();
        } catch (IOException e) {
            throw new HostctlException(ExitCodes.UNEXPECTED, "cannot render CSV: " + e.getMessage());
        }
    }

    /**
     * Prints {@code text} on {@code w} (one of this output's writers) in the colour of {@code tone} when colour
     * is on; its control characters are escaped like all text.
     */
    public void tone(PrintWriter w, String text, Tone tone) {
        String start = !color || text == null || text.isEmpty() || tone == null ? null : switch (tone) {
            case PLAIN -> null;
            case GOOD -> Ansi.GREEN;
            case WARN -> Ansi.YELLOW;
            case BAD -> Ansi.RED;
            case FAINT -> Ansi.DIM;
        };
        TerminalWriter t = w == err ? err : out;
        if (start == null) {
            t.print(text == null ? "" : text);
        } else {
            t.control(start);
            t.print(text);
            t.control(Ansi.RESET);
        }
    }

    /** Clears the terminal (cursor home, erase) when colour is on, so a redraw replaces the last one. */
    public boolean clearScreen() {
        if (color) {
            out.control(Ansi.CLEAR);
        }
        return color;
    }

    private <T> void table(List<T> rows, List<Column<T>> columns) {
        if (rows.isEmpty()) {
            return;
        }
        List<String[]> cells = new ArrayList<>();
        List<Tone[]> tones = new ArrayList<>();
        for (T row : rows) {
            String[] line = new String[columns.size()];
            Tone[] lineTones = new Tone[columns.size()];
            for (int i = 0; i < line.length; i++) {
                line[i] = Printable.of(nullToEmpty(columns.get(i).value().apply(row)));
                lineTones[i] = columns.get(i).tone() == null ? null : columns.get(i).tone().apply(row);
            }
            cells.add(line);
            tones.add(lineTones);
        }
        int[] width = new int[columns.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = noHeaders ? 0 : columns.get(i).header().length();
            for (String[] line : cells) {
                width[i] = Math.max(width[i], Printable.width(line[i]));
            }
        }
        if (!noHeaders) {
            String[] header = columns.stream().map(Column::header).toArray(String[]::new);
            Tone[] bold = new Tone[header.length];
            if (color) {
                out.control(Ansi.BOLD);
            }
            row(header, bold, width);
            if (color) {
                out.control(Ansi.RESET);
            }
            out.println();
        }
        for (int r = 0; r < cells.size(); r++) {
            row(cells.get(r), tones.get(r), width);
            out.println();
        }
        out.flush();
    }

    /** One row, without trailing blanks or its line end. */
    private void row(String[] cells, Tone[] tones, int[] width) {
        int end = cells.length;
        while (end > 1 && cells[end - 1].isBlank()) {
            end--;
        }
        for (int i = 0; i < end; i++) {
            String cell = i == end - 1 ? cells[i].stripTrailing() : cells[i];
            tone(out, cell, tones[i]);
            if (i < end - 1) {
                out.print(" ".repeat(width[i] - Printable.width(cells[i]) + 2));
            }
        }
    }

    /**
     * A CSV cell as a spreadsheet should show it: text starting with {@code = + - @}, TAB or CR gets a leading
     * single quote, so that it is never run as a formula (OWASP's advice on CSV injection); numbers stay as
     * they are.
     */
    static String cell(String value) {
        if (value.isEmpty() || NUMBER.matcher(value).matches()) {
            return value;
        }
        char c = value.charAt(0);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' ? "'" + value : value;
    }

    /** Whether {@code text} has no character the terminal writer would escape. */
    private static boolean clean(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\n' && c != '\t' && Printable.isControl(c)) {
                return false;
            }
        }
        return true;
    }

    /** JSON escapes for every character {@link Printable#isControl} names, so that JSON never carries them raw. */
    private static final class JsonEscapes extends CharacterEscapes {
        private final int[] ascii;

        JsonEscapes() {
            ascii = standardAsciiEscapesForJSON();
            ascii[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return Printable.isControl(ch) ? new SerializedString(String.format("\\u%04x", ch)) : null;
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "invalid expression";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
