package org.hostctl.cli.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.hostctl.cli.HostctlException;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class OutputTest {
    record Row(String name, String value) {}

    static final List<Column<Row>> COLUMNS = List.of(Column.of("NAME", Row::name), Column.of("VALUE", Row::value));
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    private Output output(Format f, boolean noHeaders, String jq, boolean color) {
        return new Output(new PrintWriter(out, true), new PrintWriter(err, true), f, noHeaders, jq, color);
    }

    @Test
    void a_table_has_upper_case_headers_two_space_gaps_and_no_trailing_blanks() {
        output(Format.table, false, null, false).list(List.of(new Row("a", "1"), new Row("longer", "")), COLUMNS);

        assertThat(out.toString()).isEqualTo("NAME    VALUE\na       1\nlonger\n");
    }

    @Test
    void a_toned_cell_is_coloured_after_padding_and_its_text_still_escaped() {
        List<Column<Row>> toned = List.of(Column.toned("NAME", Row::name, r -> r.value().isEmpty() ? Tone.BAD : null),
                Column.of("VALUE", Row::value));
        output(Format.table, true, null, true).list(List.of(new Row("bad\u001b[2J", ""), new Row("ok", "1")), toned);

        assertThat(out.toString()).isEqualTo("\u001b[31mbad\\x1b[2J\u001b[0m\nok          1\n");
        out.getBuffer().setLength(0);
        output(Format.table, true, null, false).list(List.of(new Row("bad", "")), toned);
        assertThat(out.toString()).isEqualTo("bad\n");
    }

    @Test
    void an_empty_list_prints_nothing_in_a_table_and_an_array_in_json() {
        output(Format.table, false, null, false).list(List.of(), COLUMNS);
        assertThat(out.toString()).isEmpty();
        output(Format.json, false, null, false).list(List.of(), COLUMNS);
        assertThat(out.toString()).isEqualTo("[ ]\n");
    }

    @Test
    void colour_only_when_asked_and_never_in_machine_formats() {
        output(Format.table, false, null, true).list(List.of(new Row("a", "1")), COLUMNS);
        assertThat(out.toString()).startsWith("\u001b[1mNAME");
        StringWriter plain = new StringWriter();
        new Output(new PrintWriter(plain, true), new PrintWriter(err, true), Format.json, false, null, true)
                .list(List.of(new Row("a", "1")), COLUMNS);
        assertThat(plain.toString()).doesNotContain("\u001b");
    }

    @Test
    void control_characters_from_the_server_are_shown_escaped_in_tables() {
        output(Format.table, true, null, false).list(List.of(new Row("x\u001b[2Jy\r", "\u202eevil")), COLUMNS);

        assertThat(out.toString()).isEqualTo("x\\x1b[2Jy\\x0d  \\u202eevil\n");
    }

    @Test
    void jq_filters_json_and_prints_strings_raw() {
        output(Format.table, false, ".[] | select(.value == \"2\") | .name", false)
                .list(List.of(new Row("a", "1"), new Row("b", "2")), COLUMNS);

        assertThat(out.toString()).isEqualTo("b\n");
    }

    @Test
    void a_broken_jq_expression_is_a_usage_error() {
        Output o = output(Format.json, false, ".[", false);
        assertThatThrownBy(() -> o.list(List.of(new Row("a", "1")), COLUMNS))
                .isInstanceOfSatisfying(HostctlException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
                .hasMessageStartingWith("--jq: ");
    }

    @Test
    void jq_with_csv_is_refused() {
        assertThatThrownBy(() -> output(Format.csv, false, ".", false)).isInstanceOf(HostctlException.class)
                .hasMessageContaining("--jq works on JSON output");
    }

    @Test
    void csv_quotes_only_what_needs_quoting() {
        output(Format.csv, false, null, false).list(List.of(new Row("a b", "x,\"y\"")), COLUMNS);

        assertThat(out.toString()).isEqualTo("NAME,VALUE\na b,\"x,\"\"y\"\"\"\n");
    }

    @Test
    void csv_cells_a_spreadsheet_would_run_as_formulas_start_with_a_quote_and_numbers_stay() {
        output(Format.csv, true, null, false).list(List.of(new Row("=1+1", "-5"), new Row("+cmd", "-2+3"),
                new Row("@SUM(A1)", "1.5"), new Row("\tx", "\ry"), new Row("a=b", "")), COLUMNS);

        assertThat(out.toString()).isEqualTo("'=1+1,-5\n'+cmd,'-2+3\n'@SUM(A1),1.5\n'\tx,\"'\\x0dy\"\na=b,\n");
    }

    @Test
    void jq_raw_strings_and_warnings_carry_no_control_characters() {
        output(Format.table, false, ".[].name", false).list(List.of(new Row("a\u001b]0;x\u0007\u009b2J", "1")),
                COLUMNS);
        output(Format.table, false, null, true).warn("server said \u001b[2J\u202e");

        assertThat(out.toString()).isEqualTo("a\\x1b]0;x\\x07\\x9b2J\n");
        assertThat(err.toString()).isEqualTo("\u001b[33mwarning:\u001b[0m server said \\x1b[2J\\u202e\n");
    }

    @Test
    void json_escapes_c1_and_bidi_controls_so_the_text_stays_exact() throws Exception {
        output(Format.json, false, null, false).one(new Row("a\u009bb\u202ec\u007f", "\u001b"), COLUMNS);

        assertThat(out.toString()).contains("\"a\\u009bb\\u202ec\\u007F\"", "\"\\u001B\"");
        assertThat(org.hostctl.api.Json.mapper().readValue(out.toString(), Row.class))
                .isEqualTo(new Row("a\u009bb\u202ec\u007f", "\u001b"));
    }
}
