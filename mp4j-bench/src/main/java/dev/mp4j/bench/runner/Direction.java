package dev.mp4j.bench.runner;

/** Whether a workload's figure is a rate (more is better) or a time (less is better). */
public enum Direction {
    /** Throughput: tasks/s, msgs/s, MiB/s, a speed-up. */
    HIGHER_IS_BETTER,
    /** Latency or duration: µs, ms. */
    LOWER_IS_BETTER;

    /**
     * The ratio of two medians, oriented so that a value above 1 means mp4j did better: mp4j / CPython for
     * a rate, CPython / mp4j for a time.
     *
     * @param mp4j mp4j's median, positive
     * @param cpython CPython's median, positive
     * @return the oriented ratio
     * @throws IllegalArgumentException if either median is not positive
     */
    public double ratio(double mp4j, double cpython) {
        if (!(mp4j > 0) || !(cpython > 0)) {
            throw new IllegalArgumentException("medians must be positive, got mp4j=" + mp4j + ", cpython=" + cpython);
        }
        return this == HIGHER_IS_BETTER ? mp4j / cpython : cpython / mp4j;
    }
}
