package dev.mp4j.bench.runner;

/**
 * A workload's goal. Most goals are ratios against CPython (oriented as {@link Direction#ratio}: at least
 * {@code threshold}); a few concern mp4j's own figure (CPU-bound scaling: mp4j's speed-up on two workers).
 *
 * @param kind what the threshold is compared with
 * @param threshold the least acceptable value
 * @param text the goal as the issue states it, for the table
 */
public record Target(Kind kind, double threshold, String text) {
    /** What the threshold applies to. */
    public enum Kind {
        /** The oriented ratio mp4j : CPython. */
        RATIO,
        /** mp4j's own median (its unit must be one where more is better). */
        MP4J_VALUE
    }

    /**
     * @throws IllegalArgumentException if the threshold is not positive or text is blank
     */
    public Target {
        if (kind == null) {
            throw new IllegalArgumentException("kind must not be null");
        }
        if (!(threshold > 0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException("threshold must be positive and finite, got " + threshold);
        }
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("text must say what the target is");
        }
    }

    /**
     * A ratio goal on a rate: mp4j's rate at least {@code times} CPython's.
     *
     * @param times the factor
     * @return the target
     */
    public static Target rateAtLeast(double times) {
        return new Target(Kind.RATIO, times, "≥ " + Format.factor(times) + "× CPython's rate");
    }

    /**
     * A ratio goal on a time: mp4j's time at most {@code times} CPython's, that is an oriented ratio of at
     * least {@code 1 / times}.
     *
     * @param times the factor
     * @return the target
     */
    public static Target timeAtMost(double times) {
        if (!(times > 0)) {
            throw new IllegalArgumentException("times must be positive, got " + times);
        }
        return new Target(Kind.RATIO, 1 / times, "≤ " + Format.factor(times) + "× CPython's time");
    }

    /**
     * A goal on mp4j's own figure.
     *
     * @param value the least acceptable mp4j median
     * @param what what it is, for the table
     * @return the target
     */
    public static Target mp4jAtLeast(double value, String what) {
        return new Target(Kind.MP4J_VALUE, value, what + " ≥ " + Format.factor(value));
    }

    /**
     * @param ratio the oriented ratio mp4j : CPython (NaN when CPython's side failed)
     * @param mp4jMedian mp4j's median
     * @return whether the goal is met; false when the needed figure is missing (NaN)
     */
    public boolean met(double ratio, double mp4jMedian) {
        double v = kind == Kind.RATIO ? ratio : mp4jMedian;
        return !Double.isNaN(v) && v >= threshold;
    }

    /** @return the least oriented ratio that meets a RATIO goal, or NaN for one on mp4j's own figure */
    public double ratioMark() {
        return kind == Kind.RATIO ? threshold : Double.NaN;
    }
}
