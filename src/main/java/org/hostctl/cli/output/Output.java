package org.hostctl.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;
import org.hostctl.api.Json;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;

/** Renders data on stdout in the chosen format, and messages on stderr. */
public final class Output {
    private final PrintWriter out;
    private final PrintWriter err;
    private final Format format;
    private final boolean noHeaders;
    private final String jq;
    private final boolean color;

    public Output(PrintWriter out, PrintWriter err, Format format, boolean noHeaders, String jq, boolean color) {
        this.out = out;
        this.err = err;
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

    public PrintWriter out() {
        return out;
    }

    public PrintWriter err() {
        return err;
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
        err.println((color ? Ansi.YELLOW + "warning:" + Ansi.RESET : "warning:") + " " + message);
        err.flush();
    }

    /** Highlights {@code text} in red when colour is on. */
    public String alert(String text) {
        return color && text != null && !text.isEmpty() ? Ansi.RED + text + Ansi.RESET : text;
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
                out.print(yaml.writeValueAsString(data));
            } else if (jq != null) {
                jq(Json.mapper().valueToTree(data));
            } else {
                out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(data));
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
            out.println(r.isTextual() ? r.asText() : r.toString());
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
            lines.add(columns.stream().map(c -> nullToEmpty(c.value().apply(row))).toList());
        }
        try {
            out.print(csv.writeValueAsString(lines));
            out.flush();
        } catch (IOException e) {
            throw new HostctlException(ExitCodes.UNEXPECTED, "cannot render CSV: " + e.getMessage());
        }
    }

    /** {@code text} in the colour of {@code tone} when colour is on; the caller makes it printable first. */
    public String tone(String text, Tone tone) {
        if (!color || text == null || text.isEmpty() || tone == null) {
            return text;
        }
        return switch (tone) {
            case PLAIN -> text;
            case GOOD -> Ansi.GREEN + text + Ansi.RESET;
            case WARN -> Ansi.YELLOW + text + Ansi.RESET;
            case BAD -> Ansi.RED + text + Ansi.RESET;
            case FAINT -> Ansi.DIM + text + Ansi.RESET;
        };
    }

    /** Clears the terminal (cursor home, erase) when colour is on, so a redraw replaces the last one. */
    public boolean clearScreen() {
        if (color) {
            out.print(Ansi.CLEAR);
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
            String text = row(header, null, width);
            out.println(color ? Ansi.BOLD + text + Ansi.RESET : text);
        }
        for (int r = 0; r < cells.size(); r++) {
            out.println(row(cells.get(r), tones.get(r), width));
        }
        out.flush();
    }

    private String row(String[] cells, Tone[] tones, int[] width) {
        StringBuilder b = new StringBuilder();
        int end = cells.length;
        while (end > 1 && cells[end - 1].isEmpty()) {
            end--;
        }
        for (int i = 0; i < end; i++) {
            b.append(tones == null ? cells[i] : tone(cells[i], tones[i]));
            if (i < end - 1) {
                b.append(" ".repeat(width[i] - Printable.width(cells[i]) + 2));
            }
        }
        return b.toString().stripTrailing();
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
