package org.hostctl.api;

import java.math.BigDecimal;
import java.util.Locale;

/** Human sizes in binary units: {@code 500M} = 500 MiB, {@code 2G} = 2 GiB, {@code 0} or {@code unlimited} = 0. */
public final class Sizes {
    private static final String UNITS = "KMGTP";

    private Sizes() {}

    /** Bytes of a size such as {@code 2G}, {@code 1.5G}, {@code 500M}, {@code 1024}, {@code 10KB}, {@code unlimited}. */
    public static long parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no size given");
        }
        String s = text.strip().toUpperCase(Locale.ROOT);
        if (s.equals("UNLIMITED") || s.equals("0")) {
            return 0;
        }
        if (s.endsWith("IB")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("B")) {
            s = s.substring(0, s.length() - 1);
        }
        long factor = 1;
        if (!s.isEmpty() && UNITS.indexOf(s.charAt(s.length() - 1)) >= 0) {
            factor = 1L << (10 * (UNITS.indexOf(s.charAt(s.length() - 1)) + 1));
            s = s.substring(0, s.length() - 1);
        }
        try {
            BigDecimal n = new BigDecimal(s.strip());
            if (n.signum() < 0) {
                throw new IllegalArgumentException("a size cannot be negative: " + text);
            }
            BigDecimal bytes = n.multiply(BigDecimal.valueOf(factor));
            if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                throw new IllegalArgumentException("size too large: " + text);
            }
            return bytes.setScale(0, java.math.RoundingMode.CEILING).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a size: '" + text + "' (examples: 500M, 2G, 0 for unlimited)");
        }
    }

    /** A short human form: {@code 0} as {@code unlimited} when {@code zeroIsUnlimited}, else {@code 1.5G}, {@code 500M}, {@code 12K}, {@code 300B}. */
    public static String format(long bytes, boolean zeroIsUnlimited) {
        if (bytes == 0 && zeroIsUnlimited) {
            return "unlimited";
        }
        if (bytes < 1024) {
            return bytes + "B";
        }
        int unit = -1;
        double v = bytes;
        while (v >= 1024 && unit < UNITS.length() - 1) {
            v /= 1024;
            unit++;
        }
        String num = v >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.1f", v);
        return num + UNITS.charAt(unit);
    }
}
