package dev.mp4j.bench.runner;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/** Number formatting for the table: three significant digits, with k and M for large values. */
public final class Format {
    private Format() {}

    /**
     * @param v any value
     * @return v with three significant digits: "0.0123", "1.23", "12.3", "123", "1.23k", "12.3k", "123k",
     *     "1.23M"; "NaN" and "∞" for those
     */
    public static String value(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "∞" : "-∞";
        }
        double a = Math.abs(v);
        if (a >= 999.5e6) {
            return sig3(v / 1e9) + "G";
        }
        if (a >= 999.5e3) {
            return sig3(v / 1e6) + "M";
        }
        if (a >= 999.5) {
            return sig3(v / 1e3) + "k";
        }
        return sig3(v);
    }

    /**
     * @param v a ratio
     * @return v with two decimals ("2.31", "0.45"), or three significant digits below 0.1 ("0.0123")
     */
    public static String ratio(double v) {
        if (Double.isNaN(v)) {
            return "—";
        }
        if (Math.abs(v) < 0.1 && v != 0) {
            return sig3(v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /**
     * @param v a factor from a goal
     * @return it without trailing zeros: "2", "1.5", "0.3"
     */
    public static String factor(double v) {
        return BigDecimal.valueOf(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    private static String sig3(double v) {
        if (v == 0) {
            return "0";
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(3));
        int integerDigits = d.precision() - d.scale();
        return d.setScale(Math.max(0, 3 - integerDigits), RoundingMode.HALF_EVEN).toPlainString();
    }
}
