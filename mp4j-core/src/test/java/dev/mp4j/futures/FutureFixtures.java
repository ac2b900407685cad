package dev.mp4j.futures;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * Futures in each of the five states, made with the public API (the module-level {@code PENDING_FUTURE},
 * {@code CANCELLED_FUTURE} ... of CPython's test_concurrent_futures), and the task functions the ported
 * tests submit. Task functions are static so that a lambda calling them captures only its arguments and
 * stays serializable for process-backed executors.
 */
final class FutureFixtures {
    private FutureFixtures() {}

    /** CPython's internal future states, told apart here through the public API only. */
    enum PyState { PENDING, RUNNING, CANCELLED, CANCELLED_AND_NOTIFIED, FINISHED }

    static Future<Object> pendingFuture() {
        return new Future<>();
    }

    static Future<Object> runningFuture() {
        Future<Object> f = new Future<>();
        assertTrue(f.setRunningOrNotifyCancel());
        return f;
    }

    static Future<Object> cancelledFuture() {
        Future<Object> f = new Future<>();
        assertTrue(f.cancel());
        return f;
    }

    static Future<Object> cancelledAndNotifiedFuture() {
        Future<Object> f = new Future<>();
        assertTrue(f.cancel());
        assertFalse(f.setRunningOrNotifyCancel());
        return f;
    }

    /** Finished with Python's OSError, here an {@link IOException}. */
    static Future<Object> exceptionFuture() {
        Future<Object> f = new Future<>();
        f.setException(new IOException());
        return f;
    }

    static Future<Object> successfulFuture() {
        Future<Object> f = new Future<>();
        f.setResult(42);
        return f;
    }

    /**
     * The CPython state of {@code f}, read without changing it: a cancelled future counts as done for
     * {@link Futures#wait} only once the cancellation was noticed, which tells the two cancelled states apart.
     */
    static PyState stateOf(Future<?> f) {
        if (!f.done()) {
            return f.running() ? PyState.RUNNING : PyState.PENDING;
        }
        if (!f.cancelled()) {
            return PyState.FINISHED;
        }
        DoneAndNotDone<Future<?>> r = Futures.wait(List.<Future<?>>of(f), Duration.ZERO);
        return r.done().contains(f) ? PyState.CANCELLED_AND_NOTIFIED : PyState.CANCELLED;
    }

    // ---- task functions (CPython's mul, sleep_and_raise, sleep_and_print, time.sleep, pow, divmod, abs)

    static int mul(int x, int y) {
        return x * y;
    }

    static int pow(int base, int exponent) {
        int r = 1;
        for (int i = 0; i < exponent; i++) {
            r *= base;
        }
        return r;
    }

    /** Python's divmod: floor quotient and remainder; dividing by zero throws ArithmeticException. */
    static List<Integer> divmod(int x, int y) {
        return List.of(Math.floorDiv(x, y), Math.floorMod(x, y));
    }

    static int abs(int x) {
        return Math.abs(x);
    }

    /** Python's time.sleep: sleeps, returns null. */
    static Void sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return null;
    }

    static Object sleepAndRaise(long millis) throws Exception {
        Thread.sleep(millis);
        throw new Exception("this is an exception");
    }

    static Void sleepAndPrint(long millis, String msg) throws InterruptedException {
        Thread.sleep(millis);
        System.out.println(msg);
        System.out.flush();
        return null;
    }

    /** Python's MyObject, for the stale reference test. */
    static final class MyObject implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        void myMethod() {}
    }
}
