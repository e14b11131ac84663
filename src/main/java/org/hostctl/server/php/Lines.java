package org.hostctl.server.php;

import java.util.ArrayList;
import java.util.List;

/** Splits bytes into physical lines ending in CRLF, LF or a lone CR; offsets refer to the original bytes. */
final class Lines {
    static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /** One physical line: {@code [start, contentEnd)} is the text, {@code [contentEnd, end)} its terminator. */
    record Line(int number, int start, int contentEnd, int end) {
        boolean terminated() {
            return end > contentEnd;
        }
    }

    private Lines() {}

    static List<Line> split(byte[] bytes) {
        List<Line> lines = new ArrayList<>();
        int start = hasBom(bytes) ? BOM.length : 0;
        int number = 1;
        for (int i = start; i < bytes.length; i++) {
            byte c = bytes[i];
            if (c == '\n') {
                lines.add(new Line(number++, start, i, i + 1));
                start = i + 1;
            } else if (c == '\r') {
                int end = i + 1 < bytes.length && bytes[i + 1] == '\n' ? i + 2 : i + 1;
                lines.add(new Line(number++, start, i, end));
                i = end - 1;
                start = end;
            }
        }
        if (start < bytes.length) {
            lines.add(new Line(number, start, bytes.length, bytes.length));
        }
        return lines;
    }

    static boolean hasBom(byte[] bytes) {
        return bytes.length >= 3 && bytes[0] == BOM[0] && bytes[1] == BOM[1] && bytes[2] == BOM[2];
    }

    /** CRLF if the file has more CRLF than bare-LF line ends, else LF (also for CR-only and empty files). */
    static String dominantLineEnding(byte[] bytes) {
        int crlf = 0;
        int lf = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                if (i > 0 && bytes[i - 1] == '\r') {
                    crlf++;
                } else {
                    lf++;
                }
            }
        }
        return crlf > lf ? "\r\n" : "\n";
    }

    /** True if the line, trimmed of spaces, tabs and CR at both ends, equals {@code text} (ASCII). */
    static boolean lineEquals(byte[] bytes, Line line, String text) {
        int from = line.start();
        int to = line.contentEnd();
        while (from < to && isBlank(bytes[from])) {
            from++;
        }
        while (to > from && isBlank(bytes[to - 1])) {
            to--;
        }
        if (to - from != text.length()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (bytes[from + i] != (byte) text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t' || b == '\r';
    }
}
