package org.hostctl.cli.output;

import java.util.function.Function;

/**
 * One column of a table or CSV rendering.
 *
 * @param header upper-case header
 * @param value the cell text of a row, null for an empty cell
 * @param tone the colour of a row's cell in a table when colour is on; null for none. The text is made printable
 *     and padded first, so colour never counts towards the width and server text never carries escapes.
 */
public record Column<T>(String header, Function<T, String> value, Function<T, Tone> tone) {
    public static <T> Column<T> of(String header, Function<T, String> value) {
        return new Column<>(header, value, null);
    }

    public static <T> Column<T> toned(String header, Function<T, String> value, Function<T, Tone> tone) {
        return new Column<>(header, value, tone);
    }
}
