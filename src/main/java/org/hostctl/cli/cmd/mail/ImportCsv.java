package org.hostctl.cli.cmd.mail;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hostctl.api.Addresses;
import org.hostctl.api.Sizes;
import org.hostctl.cli.HostctlException;
import org.hostctl.cli.output.Printable;

/**
 * Reads the CSV of {@code mailbox import}: UTF-8 (a byte order mark is skipped), a header row naming the columns
 * in any order, quoted fields, LF or CRLF line ends. Problems with the file as a whole are usage errors; problems
 * with one row are kept in that row, with its line number, so the other rows can still be imported.
 */
final class ImportCsv {
    static final String ADDRESS = "address";
    static final String PASSWORD = "password";
    static final String QUOTA = "quota";
    static final String NAME = "name";
    static final List<String> COLUMNS = List.of(ADDRESS, PASSWORD, QUOTA, NAME);

    private ImportCsv() {}

    /** The rows of {@code in}; {@code source} names the file in messages. */
    static List<ImportRow> read(Reader in, String source) {
        CsvMapper mapper = CsvMapper.builder()
                .enable(CsvParser.Feature.WRAP_AS_ARRAY)
                .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
                .build();
        List<ImportRow> rows = new ArrayList<>();
        int line = 1;
        try (JsonParser parser = mapper.getFactory().createParser(in)) {
            if (parser.nextToken() != JsonToken.START_ARRAY || parser.nextToken() != JsonToken.START_ARRAY) {
                throw HostctlException.usage(source + " is empty; its first line must name the columns, e.g. "
                        + String.join(",", COLUMNS));
            }
            Map<String, Integer> columns = header(cells(parser), source);
            Map<String, Integer> firstLine = new HashMap<>();
            while (parser.nextToken() == JsonToken.START_ARRAY) {
                List<String> cells = new ArrayList<>();
                line = 0;
                while (parser.nextToken() == JsonToken.VALUE_STRING) {
                    if (line == 0) {
                        line = parser.currentTokenLocation().getLineNr(); // where the row starts
                    }
                    cells.add(parser.getText());
                }
                rows.add(row(line, cells.toArray(String[]::new), columns, firstLine));
            }
        } catch (CharacterCodingException e) {
            throw HostctlException.usage(source + " is not UTF-8 text");
        } catch (JsonProcessingException e) {
            int at = e.getLocation() != null && e.getLocation().getLineNr() > 0 ? e.getLocation().getLineNr()
                    : Math.max(line, 1);
            throw HostctlException.usage(source + " line " + at + ": not valid CSV: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw HostctlException.usage("cannot read " + source + ": " + e.getMessage());
        }
        return rows;
    }

    /** The cells of the row whose START_ARRAY {@code parser} is on. */
    private static String[] cells(JsonParser parser) throws IOException {
        List<String> cells = new ArrayList<>();
        while (parser.nextToken() == JsonToken.VALUE_STRING) {
            cells.add(parser.getText());
        }
        return cells.toArray(String[]::new);
    }

    /** Column name to index; unknown, duplicate or missing columns are a usage error. */
    private static Map<String, Integer> header(String[] cells, String source) {
        Map<String, Integer> columns = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < cells.length; i++) {
            String name = cells[i].replace("\uFEFF", "").strip().toLowerCase(Locale.ROOT);
            if (name.isEmpty() && i == cells.length - 1 && i > 0) {
                continue; // a trailing comma
            }
            if (!COLUMNS.contains(name)) {
                unknown.add(name.isEmpty() ? "(empty)" : "'" + Printable.of(cells[i].strip()) + "'");
            } else if (columns.putIfAbsent(name, i) != null) {
                throw HostctlException.usage(source + ": column '" + name + "' appears twice in the header");
            }
        }
        if (!unknown.isEmpty()) {
            throw HostctlException.usage(source + ": unknown column" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + " in the header; the columns are " + String.join(", ", COLUMNS));
        }
        if (!columns.containsKey(ADDRESS)) {
            throw HostctlException.usage(source + ": no 'address' column; the first line must name the columns, e.g. "
                    + String.join(",", COLUMNS));
        }
        return columns;
    }

    private static ImportRow row(int line, String[] cells, Map<String, Integer> columns,
            Map<String, Integer> firstLine) {
        String rawAddress = cell(cells, columns, ADDRESS).strip();
        String password = cell(cells, columns, PASSWORD);
        String quota = cell(cells, columns, QUOTA).strip();
        String name = cell(cells, columns, NAME).strip();
        String pw = password.isEmpty() ? null : password;
        String nm = name.isEmpty() ? null : name;
        int width = columns.values().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        for (int i = width; i < cells.length; i++) {
            if (!cells[i].isBlank()) {
                return new ImportRow(line, rawAddress, pw, null, nm, cells.length + " fields, but the header names "
                        + width);
            }
        }
        if (rawAddress.isEmpty()) {
            return new ImportRow(line, rawAddress, pw, null, nm, "no address");
        }
        String address;
        try {
            address = Addresses.own(rawAddress).toString();
        } catch (IllegalArgumentException e) {
            return new ImportRow(line, rawAddress, pw, null, nm, e.getMessage());
        }
        Long bytes = null;
        if (!quota.isEmpty()) {
            try {
                bytes = Sizes.parse(quota);
            } catch (IllegalArgumentException e) {
                return new ImportRow(line, address, pw, null, nm, "quota: " + e.getMessage());
            }
        }
        Integer first = firstLine.putIfAbsent(address, line);
        if (first != null) {
            return new ImportRow(line, address, pw, bytes, nm, "duplicate: " + address + " is on line " + first
                    + " already");
        }
        return new ImportRow(line, address, pw, bytes, nm, null);
    }

    private static String cell(String[] cells, Map<String, Integer> columns, String column) {
        Integer i = columns.get(column);
        return i == null || i >= cells.length || cells[i] == null ? "" : cells[i];
    }
}
