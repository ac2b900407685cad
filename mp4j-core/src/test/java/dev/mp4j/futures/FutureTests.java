package dev.mp4j.futures;

import static dev.mp4j.futures.FutureFixtures.cancelledAndNotifiedFuture;
import static dev.mp4j.futures.FutureFixtures.cancelledFuture;
import static dev.mp4j.futures.FutureFixtures.exceptionFuture;
import static dev.mp4j.futures.FutureFixtures.pendingFuture;
import static dev.mp4j.futures.FutureFixtures.runningFuture;
import static dev.mp4j.futures.FutureFixtures.stateOf;
import static dev.mp4j.futures.FutureFixtures.successfulFuture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.futures.FutureFixtures.PyState;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CPython's FutureTests, in full. Python's module-level futures are made afresh per test through the
 * public API (see {@link FutureFixtures}); the timing-dependent ones sleep 0.2 s instead of 1 s.
 */
@Timeout(30)
class FutureTests {
    private static final String ADDRESS = "<Future at 0x[0-9a-f]+ ";

    private final Future<Object> pendingFuture = pendingFuture();
    private final Future<Object> runningFuture = runningFuture();
    private final Future<Object> cancelledFuture = cancelledFuture();
    private final Future<Object> cancelledAndNotifiedFuture = cancelledAndNotifiedFuture();
    private final Future<Object> exceptionFuture = exceptionFuture();
    private final Future<Object> successfulFuture = successfulFuture();

    @Test
    @DisplayName("test_done_callback_with_result")
    void testDoneCallbackWithResult() {
        AtomicReference<Object> callbackResult = new AtomicReference<>();
        Future<Integer> f = new Future<>();
        f.addDoneCallback(callbackFuture -> callbackResult.set(callbackFuture.result()));
        f.setResult(5);
        assertEquals(5, callbackResult.get());
    }

    @Test
    @DisplayName("test_done_callback_with_exception")
    void testDoneCallbackWithException() {
        AtomicReference<Throwable> callbackException = new AtomicReference<>();
        Future<Integer> f = new Future<>();
        f.addDoneCallback(callbackFuture -> callbackException.set(callbackFuture.exception()));
        f.setException(new Exception("test"));
        assertEquals("test", callbackException.get().getMessage());
    }

    @Test
    @DisplayName("test_done_callback_with_cancel")
    void testDoneCallbackWithCancel() {
        AtomicReference<Boolean> wasCancelled = new AtomicReference<>();
        Future<Integer> f = new Future<>();
        f.addDoneCallback(callbackFuture -> wasCancelled.set(callbackFuture.cancelled()));
        assertTrue(f.cancel());
        assertEquals(Boolean.TRUE, wasCancelled.get());
    }

    @Test
    @DisplayName("test_done_callback_raises")
    void testDoneCallbackRaises() throws Exception {
        AtomicBoolean raisingWasCalled = new AtomicBoolean();
        AtomicBoolean fnWasCalled = new AtomicBoolean();
        Future<Integer> f = new Future<>();
        try (LogCapture log = new LogCapture("dev.mp4j.futures")) {
            f.addDoneCallback(callbackFuture -> {
                raisingWasCalled.set(true);
                throw new RuntimeException("doh!");
            });
            f.addDoneCallback(callbackFuture -> fnWasCalled.set(true));
            f.setResult(5);
            assertTrue(raisingWasCalled.get());
            assertTrue(fnWasCalled.get());
            assertEquals(1, log.records().size(), log.records().toString());
            assertEquals("doh!", log.records().getFirst().thrown().getMessage());
        }
    }

    @Test
    @DisplayName("test_done_callback_already_successful")
    void testDoneCallbackAlreadySuccessful() {
        AtomicReference<Object> callbackResult = new AtomicReference<>();
        Future<Integer> f = new Future<>();
        f.setResult(5);
        f.addDoneCallback(callbackFuture -> callbackResult.set(callbackFuture.result()));
        assertEquals(5, callbackResult.get());
    }

    @Test
    @DisplayName("test_done_callback_already_failed")
    void testDoneCallbackAlreadyFailed() {
        AtomicReference<Throwable> callbackException = new AtomicReference<>();
        Future<Integer> f = new Future<>();
        f.setException(new Exception("test"));
        f.addDoneCallback(callbackFuture -> callbackException.set(callbackFuture.exception()));
        assertEquals("test", callbackException.get().getMessage());
    }

    @Test
    @DisplayName("test_done_callback_already_cancelled")
    void testDoneCallbackAlreadyCancelled() {
        AtomicReference<Boolean> wasCancelled = new AtomicReference<>();
        Future<Integer> f = new Future<>();
        assertTrue(f.cancel());
        f.addDoneCallback(callbackFuture -> wasCancelled.set(callbackFuture.cancelled()));
        assertEquals(Boolean.TRUE, wasCancelled.get());
    }

    @Test
    @DisplayName("test_repr")
    void testRepr() {
        assertMatches(ADDRESS + "state=pending>", pendingFuture.toString());
        assertMatches(ADDRESS + "state=running>", runningFuture.toString());
        assertMatches(ADDRESS + "state=cancelled>", cancelledFuture.toString());
        assertMatches(ADDRESS + "state=cancelled>", cancelledAndNotifiedFuture.toString());
        assertMatches(ADDRESS + "state=finished raised IOException>", exceptionFuture.toString());
        assertMatches(ADDRESS + "state=finished returned Integer>", successfulFuture.toString());
    }

    static void assertMatches(String regex, String actual) {
        assertTrue(actual.matches(regex), () -> "\"" + actual + "\" does not match " + regex);
    }

    @Test
    @DisplayName("test_cancel")
    void testCancel() {
        Future<Object> f1 = pendingFuture();
        Future<Object> f2 = runningFuture();
        Future<Object> f3 = cancelledFuture();
        Future<Object> f4 = cancelledAndNotifiedFuture();
        Future<Object> f5 = exceptionFuture();
        Future<Object> f6 = new Future<>();
        f6.setResult(5);

        assertTrue(f1.cancel());
        assertEquals(PyState.CANCELLED, stateOf(f1));

        assertFalse(f2.cancel());
        assertEquals(PyState.RUNNING, stateOf(f2));

        assertTrue(f3.cancel());
        assertEquals(PyState.CANCELLED, stateOf(f3));

        assertTrue(f4.cancel());
        assertEquals(PyState.CANCELLED_AND_NOTIFIED, stateOf(f4));

        assertFalse(f5.cancel());
        assertEquals(PyState.FINISHED, stateOf(f5));

        assertFalse(f6.cancel());
        assertEquals(PyState.FINISHED, stateOf(f6));
    }

    @Test
    @DisplayName("test_cancelled")
    void testCancelled() {
        assertFalse(pendingFuture.cancelled());
        assertFalse(runningFuture.cancelled());
        assertTrue(cancelledFuture.cancelled());
        assertTrue(cancelledAndNotifiedFuture.cancelled());
        assertFalse(exceptionFuture.cancelled());
        assertFalse(successfulFuture.cancelled());
    }

    @Test
    @DisplayName("test_done")
    void testDone() {
        assertFalse(pendingFuture.done());
        assertFalse(runningFuture.done());
        assertTrue(cancelledFuture.done());
        assertTrue(cancelledAndNotifiedFuture.done());
        assertTrue(exceptionFuture.done());
        assertTrue(successfulFuture.done());
    }

    @Test
    @DisplayName("test_running")
    void testRunning() {
        assertFalse(pendingFuture.running());
        assertTrue(runningFuture.running());
        assertFalse(cancelledFuture.running());
        assertFalse(cancelledAndNotifiedFuture.running());
        assertFalse(exceptionFuture.running());
        assertFalse(successfulFuture.running());
    }

    @Test
    @DisplayName("test_result_with_timeout")
    void testResultWithTimeout() {
        assertThrows(TimeoutError.class, () -> pendingFuture.result(Duration.ZERO));
        assertThrows(TimeoutError.class, () -> runningFuture.result(Duration.ZERO));
        assertThrows(CancelledError.class, () -> cancelledFuture.result(Duration.ZERO));
        assertThrows(CancelledError.class, () -> cancelledAndNotifiedFuture.result(Duration.ZERO));
        // A checked exception (Python's OSError) arrives wrapped, as CompletableFuture.join does.
        Throwable e = assertThrows(CompletionException.class, () -> exceptionFuture.result(Duration.ZERO));
        assertInstanceOf(IOException.class, e.getCause());
        assertEquals(42, successfulFuture.result(Duration.ZERO));
    }

    @Test
    @DisplayName("test_result_with_success")
    void testResultWithSuccess() throws InterruptedException {
        Future<Integer> f1 = new Future<>();
        Thread t = Thread.ofPlatform().start(() -> {
            // Wait until the main thread is waiting for the result.
            sleepQuietly(200);
            f1.setResult(42);
        });
        try {
            assertEquals(42, f1.result(Duration.ofSeconds(5)));
        } finally {
            t.join(10_000);
        }
    }

    @Test
    @DisplayName("test_result_with_cancel")
    void testResultWithCancel() throws InterruptedException {
        Future<Integer> f1 = new Future<>();
        Thread t = Thread.ofPlatform().start(() -> {
            sleepQuietly(200);
            f1.cancel();
        });
        try {
            assertThrows(CancelledError.class, () -> f1.result(Duration.ofSeconds(5)));
        } finally {
            t.join(10_000);
        }
    }

    @Test
    @DisplayName("test_exception_with_timeout")
    void testExceptionWithTimeout() {
        assertThrows(TimeoutError.class, () -> pendingFuture.exception(Duration.ZERO));
        assertThrows(TimeoutError.class, () -> runningFuture.exception(Duration.ZERO));
        assertThrows(CancelledError.class, () -> cancelledFuture.exception(Duration.ZERO));
        assertThrows(CancelledError.class, () -> cancelledAndNotifiedFuture.exception(Duration.ZERO));
        assertInstanceOf(IOException.class, exceptionFuture.exception(Duration.ZERO));
        assertNull(successfulFuture.exception(Duration.ZERO));
    }

    @Test
    @DisplayName("test_exception_with_success")
    void testExceptionWithSuccess() throws InterruptedException {
        Future<Integer> f1 = new Future<>();
        Thread t = Thread.ofPlatform().start(() -> {
            sleepQuietly(200);
            f1.setException(new IOException());
        });
        try {
            assertInstanceOf(IOException.class, f1.exception(Duration.ofSeconds(5)));
        } finally {
            t.join(10_000);
        }
    }

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
