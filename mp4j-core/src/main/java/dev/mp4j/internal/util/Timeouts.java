package dev.mp4j.internal.util;

import java.time.Duration;

/**
 * The one place where a {@link Duration} timeout becomes nanoseconds: {@code null} means no timeout, a
 * negative duration counts as zero, and anything too long for a {@code long} saturates instead of
 * overflowing.
 */
public final class Timeouts {
    /** Stands for "no timeout" in the nanosecond form. */
    public static final long FOREVER = Long.MAX_VALUE;

    private Timeouts() {}

    /**
     * @param timeout a timeout, or null for none
     * @return nanoseconds, {@code 0} for a negative duration, {@link #FOREVER} for null or a huge duration
     */
    public static long toNanos(Duration timeout) {
        if (timeout == null) {
            return FOREVER;
        }
        if (timeout.isNegative()) {
            return 0L;
        }
        // Duration.toNanos throws ArithmeticException past ~292 years; saturate instead.
        if (timeout.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0) {
            return FOREVER;
        }
        return timeout.toNanos();
    }

    /**
     * The reverse of {@link #toNanos(Duration)}, for a wait that takes a {@code Duration}.
     *
     * @param nanos nanoseconds, or {@link #FOREVER}
     * @return null (no limit) for {@link #FOREVER}, else that many nanoseconds
     */
    public static Duration toDuration(long nanos) {
        return nanos == FOREVER ? null : Duration.ofNanos(nanos);
    }

    /**
     * A deadline on the {@link System#nanoTime()} clock, {@code timeoutNanos} from now.
     *
     * @param timeoutNanos from {@link #toNanos(Duration)}
     * @return the deadline, or {@link #FOREVER} for no timeout
     */
    public static long deadline(long timeoutNanos) {
        if (timeoutNanos == FOREVER) {
            return FOREVER;
        }
        long now = System.nanoTime();
        long deadline = now + timeoutNanos;
        // On overflow the sum wraps negative relative to now: treat as no deadline.
        return deadline - now < 0 ? FOREVER : deadline;
    }

    /**
     * @param deadline from {@link #deadline(long)}
     * @return nanoseconds left (never negative), or {@link #FOREVER}
     */
    public static long remaining(long deadline) {
        if (deadline == FOREVER) {
            return FOREVER;
        }
        long left = deadline - System.nanoTime();
        return left < 0 ? 0 : left;
    }
}
