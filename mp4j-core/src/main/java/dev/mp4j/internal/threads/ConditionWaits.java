package dev.mp4j.internal.threads;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.util.Timeouts;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/** One wait on a {@code java.util.concurrent} condition against a deadline, as the waiting loops here need it. */
public final class ConditionWaits {
    private ConditionWaits() {}

    /**
     * Waits once on {@code c}, whose lock the caller holds, for at most what is left until {@code deadline}.
     * The caller re-checks what it waits for, and calls again while it is not there.
     *
     * @param deadline from {@link Timeouts#deadline(long)}
     * @return false, without waiting, once the deadline has passed; true after a wait (signalled or not)
     * @throws InterruptedError if interrupted (flag set again)
     */
    public static boolean await(Condition c, long deadline) {
        try {
            if (deadline == Timeouts.FOREVER) {
                c.await();
                return true;
            }
            long left = Timeouts.remaining(deadline);
            if (left == 0) {
                return false;
            }
            c.await(left, TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            throw InterruptedError.restore(e);
        }
    }
}
