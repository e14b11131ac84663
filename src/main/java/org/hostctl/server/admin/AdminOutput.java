package org.hostctl.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.Function;
import org.hostctl.api.Json;

/** Table or JSON output of the administration commands. */
final class AdminOutput {
    private AdminOutput() {}

    static void json(PrintWriter out, Object value) {
        try {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @SafeVarargs
    static <T> void table(PrintWriter out, List<T> rows, List<String> headers, Function<T, String>... cells) {
        if (rows.isEmpty()) {
            return;
        }
        int[] w = new int[headers.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = headers.get(i).length();
            for (T r : rows) {
                w[i] = Math.max(w[i], str(cells[i].apply(r)).length());
            }
        }
        out.println(line(headers.toArray(String[]::new), w));
        for (T r : rows) {
            String[] c = new String[w.length];
            for (int i = 0; i < w.length; i++) {
                c[i] = str(cells[i].apply(r));
            }
            out.println(line(c, w));
        }
        out.flush();
    }

    private static String line(String[] cells, int[] w) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            b.append(cells[i]);
            if (i < cells.length - 1) {
                b.append(" ".repeat(w[i] - cells[i].length() + 2));
            }
        }
        return b.toString().stripTrailing();
    }

    private static String str(String s) {
        return s == null ? "" : s;
    }
}
