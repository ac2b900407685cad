package dev.mp4j.bench.runner;

import java.util.Arrays;
import java.util.List;

/** The summary figures of one side's samples: median, min and max. */
public record Stats(double median, double min, double max, int count) {
    /**
     * @param samples at least one finite value
     * @return their median (the mean of the two middle values for an even count), min and max
     * @throws IllegalArgumentException if samples is empty or holds a value that is not finite
     */
    public static Stats of(List<Double> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("samples must not be empty");
        }
        double[] sorted = new double[samples.size()];
        for (int i = 0; i < sorted.length; i++) {
            double v = samples.get(i);
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("samples must be finite, got " + v + " at index " + i);
            }
            sorted[i] = v;
        }
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Stats(median, sorted[0], sorted[n - 1], n);
    }
}
