package dev.mp4j.internal.pool;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * A soft time limit on the tasks one worker thread runs: past it, the thread is interrupted (once per
 * task) so that the task can clean up and return. The interrupt can land only while the task runs:
 * {@code running} (guarded by {@code this}) is the id of the task now running, -1 between tasks, and
 * {@link #disarm} clears any interrupt left over before the worker goes back to its own blocking I/O.
 */
final class SoftLimit {
    private final long nanos;
    private final Thread thread;
    private long running = -1;

    /**
     * @param nanos the limit
     * @param thread the worker thread that runs the tasks
     */
    SoftLimit(long nanos, Thread thread) {
        this.nanos = nanos;
        this.thread = thread;
    }

    /**
     * Call right before the task runs, on the worker thread.
     *
     * @param id the task's id
     * @param fired told (on the timer thread, after the interrupt) when the limit passed
     * @return what {@link #disarm} takes
     */
    ScheduledFuture<?> arm(long id, LongConsumer fired) {
        synchronized (this) {
            running = id;
        }
        return Timers.get().schedule(() -> {
            synchronized (this) {
                if (running != id) {
                    return;
                }
                thread.interrupt();
            }
            fired.accept(id);
        }, nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Call right after the task, on the worker thread: no interrupt can land any more, and none is left.
     *
     * @param timer what {@link #arm} returned
     */
    void disarm(ScheduledFuture<?> timer) {
        synchronized (this) {
            running = -1;
        }
        timer.cancel(false);
        Thread.interrupted();
    }
}
