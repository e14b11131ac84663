package org.hostctl.cli.output;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.function.Supplier;

/**
 * stdout or stderr of hostctl: every character written here that a terminal would take as a control (ESC, CSI,
 * OSC, the C1 controls, a lone CR, backspace, bidi overrides, line separators) is written as a visible escape
 * ({@code \x1b}, {@code \x9b}, {@code \\u202e}), so that no text a server, a log line or another sender wrote can
 * move the cursor, retitle the window, recolour or hide output. Tab, line feed and CR LF pass. hostctl's own colour
 * and redraw sequences go out unescaped through {@link #control}, which takes no text from outside.
 *
 * <p>{@link org.hostctl.cli.Cli} installs it on stdout and stderr, so that help, usage errors, the error
 * handler, the {@code --verbose} trace and every command print through it.
 */
public final class TerminalWriter extends PrintWriter {
    private final Filter filter;

    private TerminalWriter(Filter filter) {
        super(filter, true);
        this.filter = filter;
    }

    /** {@code w} itself when it already escapes, else {@code w} behind the escaping filter. */
    public static TerminalWriter of(PrintWriter w) {
        return w instanceof TerminalWriter t ? t : new TerminalWriter(new Filter(w));
    }

    /** Writes one of hostctl's own control sequences (colour, {@code \r} to redraw a line) as it is. */
    public void control(String sequence) {
        synchronized (lock) {
            try {
                filter.raw(sequence);
            } catch (IOException e) {
                setError();
            }
        }
    }

    /**
     * Writes {@code text} byte for byte, with its controls: for a document the user asked for unchanged (a Sieve
     * script going to a file or a pipe), never for text on a terminal.
     */
    public void verbatim(String text) {
        control(text);
    }

    /**
     * Runs {@code action} with the filter off: only for hostctl's own help and version texts, which picocli may
     * colour on a terminal.
     */
    public <T> T trusted(Supplier<T> action) {
        synchronized (lock) {
            flush();
            filter.passing = true;
            try {
                return action.get();
            } finally {
                flush();
                filter.passing = false;
            }
        }
    }

    /** Escapes controls on their way to the real writer; holds a CR until it knows whether LF follows. */
    private static final class Filter extends Writer {
        private final Writer target;
        private boolean pendingCr;
        private boolean passing;

        Filter(Writer target) {
            super(target);
            this.target = target;
        }

        @Override
        public void write(char[] buf, int off, int len) throws IOException {
            if (passing) {
                raw(new String(buf, off, len));
                return;
            }
            StringBuilder b = new StringBuilder(len + 16);
            for (int i = off; i < off + len; i++) {
                char c = buf[i];
                if (pendingCr) {
                    pendingCr = false;
                    b.append(c == '\n' ? "\r" : Printable.escape('\r'));
                }
                if (c == '\r') {
                    pendingCr = true;
                } else if (c == '\n' || c == '\t' || !Printable.isControl(c)) {
                    b.append(c);
                } else {
                    b.append(Printable.escape(c));
                }
            }
            target.write(b.toString());
        }

        void raw(String s) throws IOException {
            if (pendingCr) {
                pendingCr = false;
                target.write(Printable.escape('\r'));
            }
            target.write(s);
        }

        @Override
        public void flush() throws IOException {
            target.flush();
        }

        @Override
        public void close() throws IOException {
            if (pendingCr) {
                pendingCr = false;
                target.write(Printable.escape('\r'));
            }
            target.close();
        }
    }
}
