package org.hostctl.cli.output;

import java.util.function.Function;

/**
 * One column of a table or CSV rendering.
 *
 * @param header upper-case header
 * @param value the cell text of a row, null for an empty cell
 */
public record Column<T>(String header, Function<T, String> value) {
    public static <T> Column<T> of(String header, Function<T, String> value) {
        return new Column<>(header, value);
    }
}
