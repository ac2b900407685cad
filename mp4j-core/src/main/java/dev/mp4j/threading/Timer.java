package dev.mp4j.threading;

import dev.mp4j.internal.util.Timeouts;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A thread that runs an action after a delay unless cancelled first (Python's {@code threading.Timer}).
 * Like any thread it does nothing until {@link #start()}; it then waits {@code interval} and runs the action,
 * unless {@link #cancel()} came before the interval ran out. Cancelling while the action runs has no effect
 * on it.
 *
 * <p>Interrupting the timer thread while it waits cancels it. An exception thrown by the action ends the
 * thread and reaches its uncaught-exception handler, as for any thread.
 *
 * @since 0.1
 */
public class Timer extends Thread {
    private final long intervalNanos;
    private final Runnable action;
    private final CountDownLatch finished = new CountDownLatch(1);

    /**
     * @param interval how long to wait after {@link #start()}; a negative interval counts as zero
     * @param action what to run
     * @throws NullPointerException if an argument is null
     */
    public Timer(Duration interval, Runnable action) {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(action, "action");
        super();
        this.intervalNanos = Timeouts.toNanos(interval);
        this.action = action;
    }

    /** Stops the timer if it is still waiting; the action will then not run. */
    public void cancel() {
        finished.countDown();
    }

    /** Waits for the interval, then runs the action unless cancelled; called by the timer's own thread. */
    @Override
    public void run() {
        try {
            if (!finished.await(intervalNanos, TimeUnit.NANOSECONDS)) {
                action.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // taken as a cancel
        } finally {
            finished.countDown();
        }
    }
}
