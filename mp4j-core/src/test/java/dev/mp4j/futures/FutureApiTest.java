package dev.mp4j.futures;

import static dev.mp4j.futures.FutureFixtures.cancelledAndNotifiedFuture;
import static dev.mp4j.futures.FutureFixtures.cancelledFuture;
import static dev.mp4j.futures.FutureFixtures.exceptionFuture;
import static dev.mp4j.futures.FutureFixtures.pendingFuture;
import static dev.mp4j.futures.FutureFixtures.runningFuture;
import static dev.mp4j.futures.FutureFixtures.stateOf;
import static dev.mp4j.futures.FutureFixtures.successfulFuture;
import static dev.mp4j.futures.FutureTests.assertMatches;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.InterruptedError;
import dev.mp4j.futures.FutureFixtures.PyState;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Future's API beyond the ported CPython tests: every line of API.md and the JDK Future contract. */
@Timeout(30)
class FutureApiTest {

    // ---- the five states

    @Test
    void newFutureIsPending() {
        Future<Object> f = new Future<>();
        assertEquals(PyState.PENDING, stateOf(f));
        assertFalse(f.running());
        assertFalse(f.done());
        assertFalse(f.cancelled());
        assertFalse(f.isDone());
        assertFalse(f.isCancelled());
        assertEquals(java.util.concurrent.Future.State.RUNNING, f.state());
    }

    @Test
    void runningState() {
        Future<Object> f = runningFuture();
        assertEquals(PyState.RUNNING, stateOf(f));
        assertTrue(f.running());
        assertFalse(f.done());
        assertFalse(f.isDone());
        assertEquals(java.util.concurrent.Future.State.RUNNING, f.state());
    }

    @Test
    void cancelledStates() {
        for (Future<Object> f : List.of(cancelledFuture(), cancelledAndNotifiedFuture())) {
            assertTrue(f.cancelled());
            assertTrue(f.done());
            assertFalse(f.running());
            assertTrue(f.isCancelled());
            assertTrue(f.isDone());
            assertEquals(java.util.concurrent.Future.State.CANCELLED, f.state());
        }
        assertEquals(PyState.CANCELLED, stateOf(cancelledFuture()));
        assertEquals(PyState.CANCELLED_AND_NOTIFIED, stateOf(cancelledAndNotifiedFuture()));
    }

    @Test
    void finishedStates() {
        Future<Object> ok = successfulFuture();
        Future<Object> failed = exceptionFuture();
        for (Future<Object> f : List.of(ok, failed)) {
            assertEquals(PyState.FINISHED, stateOf(f));
            assertTrue(f.done());
            assertTrue(f.isDone());
            assertFalse(f.cancelled());
            assertFalse(f.isCancelled());
            assertFalse(f.running());
        }
        assertEquals(java.util.concurrent.Future.State.SUCCESS, ok.state());
        assertEquals(java.util.concurrent.Future.State.FAILED, failed.state());
    }

    @Test
    void setResultOnRunningFutureFinishesIt() {
        Future<String> f = new Future<>();
        assertTrue(f.setRunningOrNotifyCancel());
        f.setResult("x");
        assertEquals(PyState.FINISHED, stateOf(f));
        assertEquals("x", f.result());
    }

    // ---- cancel

    @Test
    void cancelTrueOnPendingFutureCancels() {
        Future<Object> f = new Future<>();
        assertTrue(f.cancel(true));
        assertTrue(f.cancelled());
        assertEquals(PyState.CANCELLED, stateOf(f));
    }

    @Test
    void cancelTrueOnPlainRunningFutureReturnsFalse() {
        Future<Object> f = runningFuture();
        assertFalse(f.cancel(true));
        assertEquals(PyState.RUNNING, stateOf(f));
    }

    @Test
    void cancelFalseIsPythonCancel() {
        Future<Object> pending = new Future<>();
        assertTrue(pending.cancel(false));
        assertTrue(pending.cancel(false));
        assertFalse(runningFuture().cancel(false));
        assertFalse(successfulFuture().cancel(false));
        assertFalse(exceptionFuture().cancel(false));
    }

    @Test
    void cancelWakesWaiters() throws Exception {
        Future<Object> f = new Future<>();
        AtomicReference<Throwable> got = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                f.result();
            } catch (Throwable t) {
                got.set(t);
            }
        });
        assertTrue(f.cancel());
        waiter.join(10_000);
        assertFalse(waiter.isAlive());
        assertInstanceOf(CancelledError.class, got.get());
    }

    // ---- setRunningOrNotifyCancel

    @Test
    void setRunningOrNotifyCancelFromPending() {
        Future<Object> f = new Future<>();
        assertTrue(f.setRunningOrNotifyCancel());
        assertEquals(PyState.RUNNING, stateOf(f));
    }

    @Test
    void setRunningOrNotifyCancelFromCancelled() {
        Future<Object> f = cancelledFuture();
        assertFalse(f.setRunningOrNotifyCancel());
        assertEquals(PyState.CANCELLED_AND_NOTIFIED, stateOf(f));
    }

    @Test
    void setRunningOrNotifyCancelInOtherStatesThrows() {
        for (Future<Object> f : List.of(runningFuture(), cancelledAndNotifiedFuture(), successfulFuture(),
                exceptionFuture())) {
            PyState before = stateOf(f);
            assertThrows(IllegalStateException.class, f::setRunningOrNotifyCancel, before.toString());
            assertEquals(before, stateOf(f));
        }
    }

    // ---- setResult / setException when done

    @Test
    void setResultOrExceptionWhenDoneThrowsInvalidStateError() {
        for (Future<Object> f : List.of(successfulFuture(), exceptionFuture(), cancelledFuture(),
                cancelledAndNotifiedFuture())) {
            PyState before = stateOf(f);
            assertThrows(InvalidStateError.class, () -> f.setResult(1), before.toString());
            assertThrows(InvalidStateError.class, () -> f.setException(new IOException()), before.toString());
            assertEquals(before, stateOf(f));
        }
        Future<Object> f = successfulFuture();
        assertThrows(InvalidStateError.class, () -> f.setResult(7));
        assertEquals(42, f.result());
    }

    // ---- result and exception

    @Test
    void resultBlocksUntilSetByAnotherThread() throws Exception {
        Future<String> f = new Future<>();
        CountDownLatch go = new CountDownLatch(1);
        Thread setter = Thread.ofPlatform().start(() -> {
            awaitQuietly(go);
            f.setResult("done");
        });
        try {
            go.countDown();
            assertEquals("done", f.result());
            assertNull(f.exception());
        } finally {
            setter.join(10_000);
        }
    }

    @Test
    void resultOfNullResult() {
        Future<Object> f = new Future<>();
        f.setResult(null);
        assertNull(f.result());
        assertNull(f.result(Duration.ZERO));
        assertNull(f.exception());
    }

    @Test
    void checkedExceptionIsWrappedByResultAndNotByException() {
        Future<Object> f = new Future<>();
        IOException cause = new IOException("disk");
        f.setException(cause);
        CompletionException e = assertThrows(CompletionException.class, f::result);
        assertSame(cause, e.getCause());
        CompletionException e2 = assertThrows(CompletionException.class, () -> f.result(Duration.ofSeconds(1)));
        assertSame(cause, e2.getCause());
        assertSame(cause, f.exception());
        assertSame(cause, f.exception(Duration.ZERO));
    }

    @Test
    void uncheckedExceptionAndErrorAreRethrownAsIs() {
        Future<Object> f = new Future<>();
        ArithmeticException ae = new ArithmeticException("/ by zero");
        f.setException(ae);
        assertSame(ae, assertThrows(ArithmeticException.class, f::result));
        assertSame(ae, f.exception());

        Future<Object> g = new Future<>();
        StackOverflowError err = new StackOverflowError("deep");
        g.setException(err);
        assertSame(err, assertThrows(StackOverflowError.class, g::result));
        assertSame(err, g.exception());
    }

    @Test
    void resultAndExceptionOfCancelledFutureThrowCancelledError() {
        Future<Object> f = cancelledFuture();
        assertThrows(CancelledError.class, f::result);
        assertThrows(CancelledError.class, f::exception);
        Future<Object> g = cancelledAndNotifiedFuture();
        assertThrows(CancelledError.class, g::result);
        assertThrows(CancelledError.class, g::exception);
    }

    @Test
    void negativeTimeoutCountsAsZero() {
        Future<Object> f = new Future<>();
        assertThrows(TimeoutError.class, () -> f.result(Duration.ofSeconds(-5)));
        assertThrows(TimeoutError.class, () -> f.exception(Duration.ofMillis(-1)));
        assertEquals(42, successfulFuture().result(Duration.ofSeconds(-1)));
    }

    @Test
    void nullTimeoutMeansNoTimeout() throws Exception {
        Future<Integer> f = new Future<>();
        Thread setter = Thread.ofPlatform().start(() -> {
            FutureTests.sleepQuietly(100);
            f.setResult(3);
        });
        try {
            assertEquals(3, f.result(null));
            assertNull(f.exception(null));
        } finally {
            setter.join(10_000);
        }
    }

    @Test
    void shortTimeoutExpires() {
        Future<Object> f = runningFuture();
        assertThrows(TimeoutError.class, () -> f.result(Duration.ofMillis(50)));
        assertThrows(TimeoutError.class, () -> f.exception(Duration.ofMillis(50)));
    }

    // ---- interrupts

    @Test
    void interruptBeforeResultThrowsInterruptedErrorAndKeepsFlag() {
        Future<Object> f = new Future<>();
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedError.class, f::result);
            assertTrue(Thread.currentThread().isInterrupted(), "interrupt flag restored");
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void interruptDuringBlockingCallsThrowsInterruptedError() throws Exception {
        for (String call : List.of("result", "resultTimeout", "exception", "exceptionTimeout")) {
            Future<Object> f = new Future<>();
            AtomicReference<Throwable> got = new AtomicReference<>();
            AtomicReference<Boolean> flag = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(1);
            Thread waiter = Thread.ofPlatform().start(() -> {
                started.countDown();
                try {
                    switch (call) {
                        case "result" -> f.result();
                        case "resultTimeout" -> f.result(Duration.ofSeconds(30));
                        case "exception" -> f.exception();
                        default -> f.exception(Duration.ofSeconds(30));
                    }
                } catch (Throwable t) {
                    got.set(t);
                }
                flag.set(Thread.currentThread().isInterrupted());
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            waiter.interrupt();
            waiter.join(10_000);
            assertFalse(waiter.isAlive(), call);
            assertInstanceOf(InterruptedError.class, got.get(), call);
            assertEquals(Boolean.TRUE, flag.get(), call + ": interrupt flag restored");
            assertFalse(f.done());
        }
    }

    @Test
    void interruptDuringGetThrowsInterruptedException() {
        Future<Object> f = new Future<>();
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedException.class, f::get);
        } finally {
            Thread.interrupted();
        }
    }

    // ---- callbacks

    @Test
    void callbacksRunInOrderAddedExactlyOnce() {
        List<Integer> calls = new CopyOnWriteArrayList<>();
        Future<Integer> f = new Future<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            f.addDoneCallback(x -> calls.add(n));
        }
        assertEquals(List.of(), calls);
        f.setResult(1);
        assertEquals(List.of(0, 1, 2, 3, 4), calls);
    }

    @Test
    void callbackAddedWhenDoneRunsAtOnceInCallingThread() {
        for (Future<Object> f : List.of(successfulFuture(), exceptionFuture(), cancelledFuture(),
                cancelledAndNotifiedFuture())) {
            AtomicReference<Thread> ranIn = new AtomicReference<>();
            AtomicReference<Object> arg = new AtomicReference<>();
            f.addDoneCallback(x -> {
                ranIn.set(Thread.currentThread());
                arg.set(x);
            });
            assertSame(Thread.currentThread(), ranIn.get());
            assertSame(f, arg.get());
        }
    }

    @Test
    void callbacksRunInTheThreadThatCompletesTheFuture() throws Exception {
        Future<Integer> f = new Future<>();
        AtomicReference<Thread> ranIn = new AtomicReference<>();
        f.addDoneCallback(x -> ranIn.set(Thread.currentThread()));
        Thread completer = Thread.ofPlatform().start(() -> f.setResult(1));
        completer.join(10_000);
        assertSame(completer, ranIn.get());
    }

    @Test
    void cancelRunsCallbacksOnceAndNotifyDoesNotRepeatThem() {
        AtomicInteger calls = new AtomicInteger();
        Future<Object> f = new Future<>();
        f.addDoneCallback(x -> calls.incrementAndGet());
        assertTrue(f.cancel());
        assertTrue(f.cancel());
        assertFalse(f.setRunningOrNotifyCancel());
        assertEquals(1, calls.get());
    }

    @Test
    void setExceptionRunsCallbacks() {
        List<Throwable> seen = new ArrayList<>();
        Future<Object> f = new Future<>();
        f.addDoneCallback(x -> seen.add(x.exception()));
        IllegalStateException e = new IllegalStateException();
        f.setException(e);
        assertEquals(List.of(e), seen);
    }

    @Test
    void throwingCallbackIsLoggedAndTheRestStillRun() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        Future<Integer> f = new Future<>();
        RuntimeException boom = new RuntimeException("doh!");
        try (LogCapture log = new LogCapture("dev.mp4j.futures")) {
            f.addDoneCallback(x -> calls.add("a"));
            f.addDoneCallback(x -> {
                calls.add("b");
                throw boom;
            });
            f.addDoneCallback(x -> calls.add("c"));
            f.setResult(5);
            assertEquals(List.of("a", "b", "c"), calls);
            assertEquals(5, f.result());

            List<LogCapture.Entry> records = log.records();
            assertEquals(1, records.size(), records.toString());
            LogCapture.Entry entry = records.getFirst();
            assertEquals("SEVERE", entry.level());
            assertEquals("exception calling callback for " + f, entry.message());
            assertSame(boom, entry.thrown());

            // A throwing callback added after completion is run at once, logged, and does not propagate.
            f.addDoneCallback(x -> {
                throw new IllegalStateException("late");
            });
            assertEquals(2, log.records().size());
            assertEquals("late", log.records().get(1).thrown().getMessage());
        }
    }

    // ---- toString

    @Test
    void toStringInEveryState() {
        Future<Object> f = new Future<>();
        String address = String.format("<Future at 0x%x ", System.identityHashCode(f));
        assertEquals(address + "state=pending>", f.toString());
        f.setRunningOrNotifyCancel();
        assertEquals(address + "state=running>", f.toString());
        f.setResult(7);
        assertEquals(address + "state=finished returned Integer>", f.toString());

        Future<Object> n = new Future<>();
        n.setResult(null);
        assertMatches("<Future at 0x[0-9a-f]+ state=finished returned null>", n.toString());

        Future<Object> e = new Future<>();
        e.setException(new ArithmeticException());
        assertMatches("<Future at 0x[0-9a-f]+ state=finished raised ArithmeticException>", e.toString());

        Future<Object> c = cancelledFuture();
        assertEquals(String.format("<Future at 0x%x state=cancelled>", System.identityHashCode(c)), c.toString());
        assertMatches("<Future at 0x[0-9a-f]+ state=cancelled>", cancelledAndNotifiedFuture().toString());
    }

    // ---- toCompletableFuture

    @Test
    void toCompletableFutureCompletesWithTheResult() {
        Future<String> f = new Future<>();
        CompletableFuture<String> cf = f.toCompletableFuture();
        assertFalse(cf.isDone());
        f.setResult("v");
        assertEquals("v", cf.join());
        Future<Object> done = successfulFuture();
        assertEquals(42, done.toCompletableFuture().join());
    }

    @Test
    void toCompletableFutureCompletesWithTheException() {
        Future<String> f = new Future<>();
        CompletableFuture<String> cf = f.toCompletableFuture();
        IOException e = new IOException("x");
        f.setException(e);
        assertTrue(cf.isCompletedExceptionally());
        assertSame(e, cf.exceptionNow());
        CompletionException ce = assertThrows(CompletionException.class, cf::join);
        assertSame(e, ce.getCause());
        Future<Object> failed = exceptionFuture();
        assertInstanceOf(IOException.class, failed.toCompletableFuture().exceptionNow());
    }

    @Test
    void toCompletableFutureOfCancelledFuture() {
        Future<String> f = new Future<>();
        CompletableFuture<String> cf = f.toCompletableFuture();
        assertTrue(f.cancel());
        assertTrue(cf.isCompletedExceptionally());
        assertThrows(CancellationException.class, cf::join);
        assertThrows(CancellationException.class, () -> cancelledFuture().toCompletableFuture().join());
    }

    @Test
    void toCompletableFutureCompletesWhenSetFromAnotherThread() throws Exception {
        Future<Integer> f = new Future<>();
        CompletableFuture<Integer> plusOne = f.toCompletableFuture().thenApply(x -> x + 1);
        Thread t = Thread.ofPlatform().start(() -> f.setResult(1));
        try {
            assertEquals(2, plusOne.get(10, TimeUnit.SECONDS));
        } finally {
            t.join(10_000);
        }
    }

    // ---- the JDK Future contract

    @Test
    void getReturnsTheResult() throws Exception {
        Future<Object> f = successfulFuture();
        assertEquals(42, f.get());
        assertEquals(42, f.get(0, TimeUnit.SECONDS));
        assertEquals(42, f.resultNow());
    }

    @Test
    void getWrapsTheExceptionInExecutionException() {
        Future<Object> f = new Future<>();
        IOException cause = new IOException();
        f.setException(cause);
        assertSame(cause, assertThrows(ExecutionException.class, f::get).getCause());
        assertSame(cause, assertThrows(ExecutionException.class, () -> f.get(1, TimeUnit.SECONDS)).getCause());

        Future<Object> g = new Future<>();
        ArithmeticException unchecked = new ArithmeticException();
        g.setException(unchecked);
        assertSame(unchecked, assertThrows(ExecutionException.class, g::get).getCause());
    }

    @Test
    void getOfCancelledFutureThrowsCancellationException() {
        for (Future<Object> f : List.of(cancelledFuture(), cancelledAndNotifiedFuture())) {
            assertInstanceOf(CancelledError.class, assertThrows(CancellationException.class, f::get));
            assertInstanceOf(CancelledError.class,
                    assertThrows(CancellationException.class, () -> f.get(1, TimeUnit.SECONDS)));
        }
    }

    @Test
    void getWithTimeoutThrowsJdkTimeoutException() {
        assertThrows(TimeoutException.class, () -> new Future<>().get(0, TimeUnit.SECONDS));
        assertThrows(TimeoutException.class, () -> runningFuture().get(20, TimeUnit.MILLISECONDS));
        assertThrows(TimeoutException.class, () -> new Future<>().get(-1, TimeUnit.SECONDS));
    }

    @Test
    void getBlocksUntilSet() throws Exception {
        Future<Integer> f = new Future<>();
        Thread t = Thread.ofPlatform().start(() -> {
            FutureTests.sleepQuietly(100);
            f.setResult(9);
        });
        try {
            assertEquals(9, f.get());
        } finally {
            t.join(10_000);
        }
    }

    @Test
    void resultNowAndExceptionNow() {
        assertEquals(42, successfulFuture().resultNow());
        assertThrows(IllegalStateException.class, () -> successfulFuture().exceptionNow());

        Future<Object> failed = exceptionFuture();
        assertInstanceOf(IOException.class, failed.exceptionNow());
        assertThrows(IllegalStateException.class, failed::resultNow);

        for (Future<Object> f : List.of(pendingFuture(), runningFuture(), cancelledFuture(),
                cancelledAndNotifiedFuture())) {
            assertThrows(IllegalStateException.class, f::resultNow);
            assertThrows(IllegalStateException.class, f::exceptionNow);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
