package dev.mp4j.threading;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A bunch of threads running the same body (CPython lock_tests' {@code Bunch}). Failures inside the body are
 * collected and rethrown by {@link #waitForFinished()}; every thread is joined there.
 */
final class Bunch {
    /** A body that may throw anything; a failure fails the test at {@link #waitForFinished()}. */
    interface Body {
        void run() throws Exception;
    }

    static final long JOIN_SECONDS = 20;

    private final List<Thread> threads = new ArrayList<>();
    private final CountDownLatch started;
    private final CountDownLatch finished;
    private final CountDownLatch canExit = new CountDownLatch(1);
    private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();

    Bunch(int n, Body body) {
        this(n, body, false);
    }

    /**
     * @param n how many threads
     * @param body what each runs
     * @param waitBeforeExit whether the threads stay alive after the body until {@link #doFinish()}
     */
    Bunch(int n, Body body, boolean waitBeforeExit) {
        started = new CountDownLatch(n);
        finished = new CountDownLatch(n);
        if (!waitBeforeExit) {
            canExit.countDown();
        }
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(() -> {
                started.countDown();
                try {
                    body.run();
                } catch (Throwable e) {
                    errors.add(e);
                } finally {
                    finished.countDown();
                    try {
                        canExit.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }, "bunch-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    List<Thread> threads() {
        return threads;
    }

    void waitForStarted() {
        await(started, "threads to start");
    }

    /** @return how many bodies have returned or thrown */
    long finishedCount() {
        return threads.size() - finished.getCount();
    }

    /** Waits for every body to end, then lets the threads exit, joins them and rethrows a body's failure. */
    void waitForFinished() {
        await(finished, "threads to finish");
        doFinish();
        join();
    }

    /** Lets threads made with {@code waitBeforeExit} exit. */
    void doFinish() {
        canExit.countDown();
    }

    /** Joins every thread (after {@link #doFinish()}) and rethrows the first failure of a body. */
    void join() {
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(JOIN_SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while joining", e);
            }
            assertTrue(!t.isAlive(), () -> t.getName() + " did not end");
        }
        Throwable first = errors.peek();
        if (first instanceof Error e) {
            throw e;
        }
        if (first != null) {
            throw new AssertionError("a thread of the bunch failed", first);
        }
    }

    private static void await(CountDownLatch latch, String what) {
        try {
            assertTrue(latch.await(JOIN_SECONDS, TimeUnit.SECONDS), () -> "timed out waiting for " + what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted waiting for " + what, e);
        }
    }
}
