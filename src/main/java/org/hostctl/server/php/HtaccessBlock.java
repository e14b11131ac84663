package org.hostctl.server.php;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * hostd's marker block in a .htaccess, edited on bytes so that everything outside the block stays identical.
 *
 * <pre>
 * # php -- BEGIN hostd-generated handler, do not edit
 * AddHandler php74-cgi .php
 * # php -- END hostd-generated handler, do not edit
 * </pre>
 *
 * <p>Markers are matched on whole lines (leading and trailing blanks ignored). A new block goes to the top of the
 * file, after a UTF-8 BOM; an existing block is replaced in place. Lines are written with the file's dominant
 * line ending. A missing, doubled, nested or unterminated marker is refused with {@link HtaccessException}.
 */
public final class HtaccessBlock {
    /** The BEGIN marker line. */
    public static final String BEGIN = "# php -- BEGIN hostd-generated handler, do not edit";
    /** The END marker line. */
    public static final String END = "# php -- END hostd-generated handler, do not edit";

    /** Where the block is: bytes {@code [start, end)} including the END line's terminator; 1-based lines. */
    public record Span(int start, int end, int beginLine, int endLine) {}

    private HtaccessBlock() {}

    /** Locates the block; empty if there is none. */
    public static Optional<Span> find(byte[] content) {
        List<Lines.Line> lines = Lines.split(content);
        Lines.Line open = null;
        Span found = null;
        for (Lines.Line line : lines) {
            if (Lines.lineEquals(content, line, BEGIN)) {
                if (open != null) {
                    throw new HtaccessException("line " + line.number()
                            + ": hostd BEGIN marker inside the block opened on line " + open.number());
                }
                if (found != null) {
                    throw new HtaccessException("line " + line.number() + ": second hostd block (the first is on lines "
                            + found.beginLine() + "-" + found.endLine() + ")");
                }
                open = line;
            } else if (Lines.lineEquals(content, line, END)) {
                if (open == null) {
                    throw new HtaccessException("line " + line.number() + ": hostd END marker without BEGIN marker");
                }
                found = new Span(open.start(), line.end(), open.number(), line.number());
                open = null;
            }
        }
        if (open != null) {
            throw new HtaccessException("line " + open.number() + ": hostd BEGIN marker without END marker");
        }
        return Optional.ofNullable(found);
    }

    /** True if the content holds a well-formed block. */
    public static boolean contains(byte[] content) {
        return find(content).isPresent();
    }

    /** The content with the block set to {@code directive}: replaced in place, or inserted at the top. */
    public static byte[] withBlock(byte[] original, HandlerDirective directive) {
        Optional<Span> span = find(original);
        String eol = Lines.dominantLineEnding(original);
        StringBuilder block = new StringBuilder(BEGIN).append(eol);
        for (String line : directive.lines()) {
            block.append(line).append(eol);
        }
        block.append(END);
        ByteArrayOutputStream out = new ByteArrayOutputStream(original.length + block.length() + 2);
        if (span.isPresent()) {
            Span s = span.get();
            boolean endTerminated = endTerminated(original, s);
            out.write(original, 0, s.start());
            writeAscii(out, endTerminated ? block.append(eol) : block);
            out.write(original, s.end(), original.length - s.end());
        } else {
            int at = Lines.hasBom(original) ? Lines.BOM.length : 0;
            out.write(original, 0, at);
            writeAscii(out, block.append(eol));
            out.write(original, at, original.length - at);
        }
        return out.toByteArray();
    }

    /** The content without the block (exactly its lines and their line endings); unchanged if there is none. */
    public static byte[] withoutBlock(byte[] original) {
        Optional<Span> span = find(original);
        if (span.isEmpty()) {
            return original.clone();
        }
        Span s = span.get();
        ByteArrayOutputStream out = new ByteArrayOutputStream(original.length);
        out.write(original, 0, s.start());
        out.write(original, s.end(), original.length - s.end());
        return out.toByteArray();
    }

    private static boolean endTerminated(byte[] content, Span span) {
        byte last = content[span.end() - 1];
        return last == '\n' || last == '\r';
    }

    private static void writeAscii(ByteArrayOutputStream out, CharSequence text) {
        out.writeBytes(text.toString().getBytes(StandardCharsets.US_ASCII));
    }
}
