package dev.mp4j.internal.pool;

import dev.mp4j.internal.util.Timeouts;

import java.time.Duration;

/** Checks of the limits the pools and their builders take (time limits, memory, counts). */
public final class Limits {
    private Limits() {}

    /**
     * @param name the argument's name, for the message
     * @param limit a time limit; null for none
     * @return it in nanoseconds ({@link Timeouts#FOREVER} for none)
     * @throws IllegalArgumentException if it is zero or negative
     */
    public static long timeLimit(String name, Duration limit) {
        if (limit == null) {
            return Timeouts.FOREVER;
        }
        if (limit.isZero() || limit.isNegative()) {
            throw new IllegalArgumentException(name + " must be greater than 0, got " + limit);
        }
        return Timeouts.toNanos(limit);
    }

    /**
     * @param name the argument's name, for the message
     * @param bytes a number of bytes
     * @return it
     * @throws IllegalArgumentException if it is zero or negative
     */
    public static long bytes(String name, long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException(name + " must be greater than 0, got " + bytes);
        }
        return bytes;
    }

    /**
     * @param name the argument's name, for the message
     * @param count a count of items or tasks
     * @return it
     * @throws IllegalArgumentException if it is below 1
     */
    public static int atLeastOne(String name, int count) {
        if (count < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + count);
        }
        return count;
    }

    /**
     * @param nanos a time limit in nanoseconds, {@link Timeouts#FOREVER} for none
     * @return what a worker takes: 0 for none
     */
    public static long forWorker(long nanos) {
        return nanos == Timeouts.FOREVER ? 0 : nanos;
    }
}
