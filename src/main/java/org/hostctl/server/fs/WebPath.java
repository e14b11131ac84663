package org.hostctl.server.fs;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated relative path inside a webspace, as a list of segments; the root has no segments.
 *
 * <p>Invalid input is rejected, never repaired: absolute paths, empty, {@code .} and {@code ..} segments,
 * backslashes, control characters, U+2028/U+2029, lone surrogates, segments that NFKC-normalise to
 * {@code .}/{@code ..} or contain a slash or backslash, segments over 255 UTF-8 bytes, paths over 4096 bytes.
 * Percent signs are ordinary characters: {@code %2e%2e} is a literal name, no decoding happens here.
 */
public record WebPath(List<String> segments) {
    /** Maximum length of one segment in UTF-8 bytes (Linux NAME_MAX). */
    public static final int MAX_SEGMENT_BYTES = 255;
    /** Maximum length of the whole path in UTF-8 bytes (Linux PATH_MAX). */
    public static final int MAX_PATH_BYTES = 4096;

    private static final WebPath ROOT = new WebPath(List.of());

    /** Validates every segment and the total length. */
    public WebPath {
        segments = List.copyOf(segments);
        int total = 0;
        for (String segment : segments) {
            total += requireValidSegment(segment).getBytes(StandardCharsets.UTF_8).length + 1;
        }
        if (total - 1 > MAX_PATH_BYTES) {
            throw new UnsafePathException("path is longer than " + MAX_PATH_BYTES + " bytes");
        }
    }

    /** The webspace root (no segments). */
    public static WebPath root() {
        return ROOT;
    }

    /** Parses {@code "a/b"}; {@code ""} and {@code "."} alone mean the root; anything unsafe is rejected. */
    public static WebPath parse(String path) {
        if (path.isEmpty() || path.equals(".")) {
            return ROOT;
        }
        checkCharacters(path, "path");
        if (path.startsWith("/")) {
            throw new UnsafePathException("absolute paths are not allowed");
        }
        if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw new UnsafePathException("path is longer than " + MAX_PATH_BYTES + " bytes");
        }
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/", -1)) {
            segments.add(segment);
        }
        return new WebPath(segments);
    }

    /** Returns {@code name} if it is a valid single segment (file or directory name), else throws. */
    public static String requireValidSegment(String name) {
        if (name.isEmpty()) {
            throw new UnsafePathException("empty path segment");
        }
        checkCharacters(name, "name");
        if (name.equals(".") || name.equals("..")) {
            throw new UnsafePathException("'" + name + "' segments are not allowed");
        }
        if (name.indexOf('/') >= 0) {
            throw new UnsafePathException("a name must not contain '/'");
        }
        String normalised = Normalizer.normalize(name, Normalizer.Form.NFKC);
        if (normalised.equals(".") || normalised.equals("..")) {
            throw new UnsafePathException("name '" + name + "' is equivalent to '" + normalised + "' (NFKC)");
        }
        if (normalised.indexOf('/') >= 0 || normalised.indexOf('\\') >= 0) {
            throw new UnsafePathException("name '" + name + "' contains a character equivalent to a slash (NFKC)");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
            throw new UnsafePathException("a name is longer than " + MAX_SEGMENT_BYTES + " bytes");
        }
        return name;
    }

    private static void checkCharacters(String s, String what) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                throw new UnsafePathException(what + " contains a backslash");
            }
            if (c <= 0x1F || (c >= 0x7F && c <= 0x9F)) {
                throw new UnsafePathException(what + " contains control character U+" + hex(c));
            }
            if (c == '\u2028' || c == '\u2029') {
                throw new UnsafePathException(what + " contains line separator U+" + hex(c));
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length()
                        && Character.isLowSurrogate(s.charAt(i + 1));
                if (!paired) {
                    throw new UnsafePathException(what + " contains an unpaired surrogate U+" + hex(c));
                }
                i++;
            }
        }
    }

    private static String hex(char c) {
        return String.format("%04X", (int) c);
    }

    /** True for the webspace root. */
    public boolean isRoot() {
        return segments.isEmpty();
    }

    /** The parent path; throws {@link IllegalStateException} for the root. */
    public WebPath parent() {
        if (isRoot()) {
            throw new IllegalStateException("the root has no parent");
        }
        return new WebPath(segments.subList(0, segments.size() - 1));
    }

    /** The last segment; throws {@link IllegalStateException} for the root. */
    public String name() {
        if (isRoot()) {
            throw new IllegalStateException("the root has no name");
        }
        return segments.get(segments.size() - 1);
    }

    /** This path with one more (validated) segment. */
    public WebPath resolve(String segment) {
        List<String> longer = new ArrayList<>(segments);
        longer.add(segment);
        return new WebPath(longer);
    }

    /** True if {@code prefix} equals this path or is one of its ancestors. */
    public boolean startsWith(WebPath prefix) {
        return prefix.segments.size() <= segments.size()
                && segments.subList(0, prefix.segments.size()).equals(prefix.segments);
    }

    /** Segments joined with {@code /}; the root is {@code ""}. */
    @Override
    public String toString() {
        return String.join("/", segments);
    }
}
