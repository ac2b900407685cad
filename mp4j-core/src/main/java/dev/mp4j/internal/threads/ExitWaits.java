package dev.mp4j.internal.threads;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.util.Timeouts;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A process's {@code join(Duration)} and {@code sentinel()} on the future that completes with its exit code. */
public final class ExitWaits {
    private ExitWaits() {}

    /**
     * @param exit a process's exit future, null before it was started
     * @return {@code exit}
     * @throws IllegalStateException if it is null
     */
    public static CompletableFuture<Integer> started(CompletableFuture<Integer> exit) {
        if (exit == null) {
            throw new IllegalStateException("process not started");
        }
        return exit;
    }

    /**
     * Waits for {@code exit} to complete.
     *
     * @param timeout the longest wait; null for none; negative counts as zero
     * @param name the process's name, for the message of a failed wait
     * @return true if {@code exit} completed, false if the timeout passed first
     * @throws IllegalStateException if {@code exit} completed exceptionally (its cause as cause)
     * @throws InterruptedError if interrupted (flag set again)
     */
    public static boolean await(CompletableFuture<?> exit, Duration timeout, String name) {
        long nanos = Timeouts.toNanos(timeout);
        try {
            if (nanos == Timeouts.FOREVER) {
                exit.get();
            } else {
                exit.get(nanos, TimeUnit.NANOSECONDS);
            }
            return true;
        } catch (TimeoutException te) {
            return false;
        } catch (ExecutionException ee) {
            throw new IllegalStateException("waiting for " + name + " failed", ee.getCause());
        } catch (InterruptedException ie) {
            throw InterruptedError.restore(ie);
        }
    }
}
