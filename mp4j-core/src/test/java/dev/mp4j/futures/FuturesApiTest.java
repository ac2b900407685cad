package dev.mp4j.futures;

import static dev.mp4j.futures.FutureFixtures.cancelledAndNotifiedFuture;
import static dev.mp4j.futures.FutureFixtures.cancelledFuture;
import static dev.mp4j.futures.FutureFixtures.exceptionFuture;
import static dev.mp4j.futures.FutureFixtures.runningFuture;
import static dev.mp4j.futures.FutureFixtures.successfulFuture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Futures#wait} and {@link Futures#asCompleted} on plain futures completed by helper threads,
 * beyond the ported CPython tests.
 */
@Timeout(30)
class FuturesApiTest {
    private final List<Thread> threads = new ArrayList<>();

    /** Completes {@code f} with {@code value} from a new thread after {@code millis}. */
    private <V> void completeLater(Future<V> f, long millis, V value) {
        threads.add(Thread.ofPlatform().start(() -> {
            FutureTests.sleepQuietly(millis);
            f.setResult(value);
        }));
    }

    private void failLater(Future<?> f, long millis, Throwable e) {
        threads.add(Thread.ofPlatform().start(() -> {
            FutureTests.sleepQuietly(millis);
            f.setException(e);
        }));
    }

    @AfterEach
    void joinThreads() throws InterruptedException {
        for (Thread t : threads) {
            t.join(10_000);
            assertFalse(t.isAlive());
        }
    }

    // ---- wait

    @Test
    void waitAllCompletedIsTheDefault() {
        Future<Integer> a = new Future<>();
        Future<Integer> b = new Future<>();
        completeLater(a, 50, 1);
        completeLater(b, 150, 2);
        DoneAndNotDone<Future<Integer>> r = Futures.wait(List.of(a, b));
        assertEquals(Set.of(a, b), r.done());
        assertEquals(Set.of(), r.notDone());
        assertTrue(a.done() && b.done());
    }

    @Test
    void waitFirstCompletedReturnsWhenOneCompletes() {
        Future<Integer> a = new Future<>();
        Future<Object> b = runningFuture();
        completeLater(a, 50, 1);
        DoneAndNotDone<Future<?>> r = Futures.wait(List.<Future<?>>of(a, b), ReturnWhen.FIRST_COMPLETED);
        assertEquals(Set.of(a), r.done());
        assertEquals(Set.of(b), r.notDone());
        b.setResult(null);
    }

    @Test
    void waitFirstCompletedCountsAnExceptionAsCompleted() {
        Future<Integer> a = new Future<>();
        Future<Integer> b = new Future<>();
        failLater(a, 50, new IllegalStateException());
        DoneAndNotDone<Future<Integer>> r = Futures.wait(List.of(a, b), ReturnWhen.FIRST_COMPLETED);
        assertEquals(Set.of(a), r.done());
        assertEquals(Set.of(b), r.notDone());
    }

    @Test
    void waitFirstCompletedSeesCancelNotifyButNotCancel() {
        Future<Integer> a = new Future<>();
        Future<Integer> b = new Future<>();
        threads.add(Thread.ofPlatform().start(() -> {
            FutureTests.sleepQuietly(50);
            a.cancel();
            FutureTests.sleepQuietly(100);
            a.setRunningOrNotifyCancel();
        }));
        DoneAndNotDone<Future<Integer>> r = Futures.wait(List.of(a, b), ReturnWhen.FIRST_COMPLETED);
        assertEquals(Set.of(a), r.done());
        assertEquals(FutureFixtures.PyState.CANCELLED_AND_NOTIFIED, FutureFixtures.stateOf(a));
    }

    @Test
    void waitFirstExceptionReturnsOnTheFirstException() {
        Future<Integer> ok = new Future<>();
        Future<Integer> bad = new Future<>();
        Future<Integer> slow = new Future<>();
        completeLater(ok, 20, 1);
        failLater(bad, 100, new ArithmeticException());
        DoneAndNotDone<Future<Integer>> r = Futures.wait(List.of(ok, bad, slow), ReturnWhen.FIRST_EXCEPTION);
        assertEquals(Set.of(ok, bad), r.done());
        assertEquals(Set.of(slow), r.notDone());
    }

    @Test
    void waitFirstExceptionWithoutExceptionWaitsForAll() {
        Future<Integer> a = new Future<>();
        Future<Integer> b = new Future<>();
        completeLater(a, 20, 1);
        completeLater(b, 120, 2);
        DoneAndNotDone<Future<Integer>> r = Futures.wait(List.of(a, b), ReturnWhen.FIRST_EXCEPTION);
        assertEquals(Set.of(a, b), r.done());
        assertEquals(Set.of(), r.notDone());
    }

    @Test
    void waitFirstExceptionDoesNotCountACancelAsAnException() {
        Future<Integer> a = new Future<>();
        Future<Integer> b = new Future<>();
        assertTrue(a.cancel());
        assertFalse(a.setRunningOrNotifyCancel());
        completeLater(b, 100, 2);
        DoneAndNotDone<Future<Integer>> r = Futures.wait(List.of(a, b), ReturnWhen.FIRST_EXCEPTION);
        assertEquals(Set.of(a, b), r.done());
    }

    @Test
    void waitWithTimeoutReturnsWhatIsDone() {
        Future<Object> done = successfulFuture();
        Future<Object> never = runningFuture();
        DoneAndNotDone<Future<Object>> r = Futures.wait(List.of(done, never), Duration.ofMillis(100));
        assertEquals(Set.of(done), r.done());
        assertEquals(Set.of(never), r.notDone());
    }

    @Test
    void waitWithNegativeTimeoutDoesNotBlock() {
        Future<Object> done = successfulFuture();
        Future<Object> never = new Future<>();
        for (ReturnWhen when : ReturnWhen.values()) {
            DoneAndNotDone<Future<Object>> r = Futures.wait(List.of(done, never), Duration.ofDays(-1), when);
            assertEquals(Set.of(done), r.done(), when.toString());
            assertEquals(Set.of(never), r.notDone(), when.toString());
        }
    }

    @Test
    void waitWithNullTimeoutWaitsWithoutLimit() {
        Future<Integer> a = new Future<>();
        completeLater(a, 100, 1);
        DoneAndNotDone<Future<Integer>> r = Futures.wait(List.of(a), null, ReturnWhen.ALL_COMPLETED);
        assertEquals(Set.of(a), r.done());
        Future<Integer> b = new Future<>();
        completeLater(b, 100, 1);
        assertEquals(Set.of(b), Futures.wait(List.of(b), (Duration) null).done());
    }

    @Test
    void waitOnEmptyCollectionReturnsAtOnce() {
        for (ReturnWhen when : ReturnWhen.values()) {
            DoneAndNotDone<Future<?>> r = Futures.wait(List.<Future<?>>of(), when);
            assertEquals(Set.of(), r.done());
            assertEquals(Set.of(), r.notDone());
        }
    }

    @Test
    void waitCountsDuplicatesOnce() {
        Future<Object> a = successfulFuture();
        Future<Object> b = new Future<>();
        DoneAndNotDone<Future<Object>> r = Futures.wait(List.of(a, a, b, b), Duration.ZERO);
        assertEquals(Set.of(a), r.done());
        assertEquals(Set.of(b), r.notDone());
    }

    @Test
    void waitAcceptsCompletableFutures() {
        CompletableFuture<Integer> done = CompletableFuture.completedFuture(1);
        CompletableFuture<Integer> later = new CompletableFuture<>();
        CompletableFuture<Integer> never = new CompletableFuture<>();
        Future<Object> mine = successfulFuture();
        threads.add(Thread.ofPlatform().start(() -> {
            FutureTests.sleepQuietly(100);
            later.complete(2);
        }));
        DoneAndNotDone<java.util.concurrent.Future<?>> r = Futures.wait(
                List.<java.util.concurrent.Future<?>>of(done, mine, never), Duration.ZERO);
        assertEquals(Set.of(done, mine), r.done());
        assertEquals(Set.of(never), r.notDone());

        DoneAndNotDone<java.util.concurrent.Future<?>> all = Futures.wait(
                List.<java.util.concurrent.Future<?>>of(done, mine, later));
        assertEquals(Set.of(done, mine, later), all.done());

        CompletableFuture<Integer> next = new CompletableFuture<>();
        threads.add(Thread.ofPlatform().start(() -> {
            FutureTests.sleepQuietly(100);
            next.complete(3);
        }));
        DoneAndNotDone<java.util.concurrent.Future<?>> first = Futures.wait(
                List.<java.util.concurrent.Future<?>>of(next, new Future<Integer>()), ReturnWhen.FIRST_COMPLETED);
        assertEquals(Set.of(next), first.done());
        never.complete(0);
    }

    // ---- asCompleted

    @Test
    void asCompletedYieldsDoneOnesFirstThenInCompletionOrder() {
        Future<String> slow = new Future<>();
        Future<String> fast = new Future<>();
        Future<Object> done = successfulFuture();
        completeLater(slow, 200, "slow");
        completeLater(fast, 50, "fast");
        List<Future<?>> order = Futures.asCompleted(List.<Future<?>>of(slow, fast, done)).toList();
        assertEquals(List.of(done, fast, slow), order);
    }

    @Test
    void asCompletedYieldsDuplicatesOnce() {
        Future<Object> a = successfulFuture();
        Future<Object> b = new Future<>();
        completeLater(b, 50, 1);
        List<Future<Object>> got = Futures.asCompleted(List.of(a, b, a, b, b)).toList();
        assertEquals(List.of(a, b), got);
    }

    @Test
    void asCompletedSkipsCancelledUntilNotified() {
        Future<Object> c = cancelledFuture();
        threads.add(Thread.ofPlatform().start(() -> {
            FutureTests.sleepQuietly(100);
            c.setRunningOrNotifyCancel();
        }));
        ResultIterator<Future<Object>> it = Futures.asCompleted(List.of(c));
        assertSame(c, it.next());
        assertFalse(it.hasNext());
    }

    @Test
    void asCompletedTimeoutMessageCountsUnfinished() {
        Future<Object> done = successfulFuture();
        Future<Object> p1 = new Future<>();
        Future<Object> p2 = runningFuture();
        ResultIterator<Future<Object>> it = Futures.asCompleted(List.of(p1, done, p2), Duration.ofMillis(100));
        assertTrue(it.hasNext());
        assertSame(done, it.next());
        TimeoutError e = assertThrows(TimeoutError.class, it::next);
        assertEquals("2 (of 3) futures unfinished", e.getMessage());
    }

    @Test
    void asCompletedTimeoutMessageCountsDistinctFutures() {
        Future<Object> done = successfulFuture();
        Future<Object> p = new Future<>();
        ResultIterator<Future<Object>> it = Futures.asCompleted(List.of(p, p, done, done), Duration.ZERO);
        assertSame(done, it.next());
        TimeoutError e = assertThrows(TimeoutError.class, it::next);
        assertEquals("1 (of 2) futures unfinished", e.getMessage());
    }

    @Test
    void asCompletedTimeoutCountsFromTheCall() throws Exception {
        // The future completes 400 ms after the call: after the call's 300 ms deadline, but before a
        // deadline of 300 ms counted from next() (called 200 ms after the call).
        Future<Integer> f = new Future<>();
        completeLater(f, 400, 1);
        ResultIterator<Future<Integer>> it = Futures.asCompleted(List.of(f), Duration.ofMillis(300));
        Thread.sleep(200);
        assertThrows(TimeoutError.class, it::next);
    }

    @Test
    void asCompletedNextWithDurationTimesOutPerCall() {
        Future<Integer> f = new Future<>();
        ResultIterator<Future<Integer>> it = Futures.asCompleted(List.of(f));
        assertThrows(TimeoutError.class, () -> it.next(Duration.ofMillis(50)));
        assertThrows(TimeoutError.class, () -> it.next(Duration.ofMillis(-1)));
        completeLater(f, 50, 1);
        assertSame(f, it.next(Duration.ofSeconds(10)));
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, () -> it.next(Duration.ofSeconds(1)));
    }

    @Test
    void asCompletedEndsWithNoSuchElementException() {
        Future<Object> a = successfulFuture();
        ResultIterator<Future<Object>> it = Futures.asCompleted(List.of(a));
        assertTrue(it.hasNext());
        assertSame(a, it.next());
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::next);
        assertFalse(Futures.asCompleted(List.<Future<Object>>of()).hasNext());
    }

    @Test
    void asCompletedForEachAndStream() {
        Future<Object> a = successfulFuture();
        Future<Object> b = exceptionFuture();
        Future<Object> c = cancelledAndNotifiedFuture();
        List<Future<Object>> seen = new ArrayList<>();
        for (Future<Object> f : Futures.asCompleted(List.of(a, b, c))) {
            seen.add(f);
        }
        assertEquals(Set.of(a, b, c), Set.copyOf(seen));
        assertEquals(3, seen.size());

        Future<Integer> x = new Future<>();
        Future<Integer> y = new Future<>();
        completeLater(x, 30, 1);
        completeLater(y, 60, 2);
        assertEquals(Set.of(1, 2), Futures.asCompleted(List.of(x, y)).stream()
                .map(Future::result).collect(java.util.stream.Collectors.toSet()));

        Iterator<Future<Object>> it = Futures.asCompleted(List.of(a)).iterator();
        assertSame(a, it.next());
    }

    @Test
    void asCompletedAcceptsCompletableFutures() throws Exception {
        CompletableFuture<Integer> cf = new CompletableFuture<>();
        Future<Object> mine = successfulFuture();
        CountDownLatch go = new CountDownLatch(1);
        threads.add(Thread.ofPlatform().start(() -> {
            try {
                go.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            cf.complete(5);
        }));
        ResultIterator<java.util.concurrent.Future<?>> it =
                Futures.asCompleted(List.<java.util.concurrent.Future<?>>of(cf, mine));
        assertSame(mine, it.next());
        go.countDown();
        assertSame(cf, it.next(Duration.ofSeconds(10)));
        assertFalse(it.hasNext());
    }

    // ---- interrupts

    @Test
    void interruptedWaitAndNextThrowInterruptedErrorAndKeepTheFlag() {
        Future<Object> pending = new Future<>();
        List<Runnable> calls = List.of(
                () -> Futures.wait(List.of(pending)),
                () -> Futures.wait(List.of(pending), Duration.ofSeconds(30), ReturnWhen.FIRST_COMPLETED),
                () -> Futures.asCompleted(List.of(pending)).next(),
                () -> Futures.asCompleted(List.of(pending), Duration.ofSeconds(30)).next(),
                () -> Futures.asCompleted(List.of(pending)).next(Duration.ofSeconds(30)));
        for (int i = 0; i < calls.size(); i++) {
            Thread.currentThread().interrupt();
            try {
                assertThrows(dev.mp4j.InterruptedError.class, calls.get(i)::run, "call " + i);
                assertTrue(Thread.currentThread().isInterrupted(), "call " + i + ": interrupt flag restored");
            } finally {
                Thread.interrupted();
            }
        }
    }

    @Test
    void interruptWhileBlockedInWait() throws Exception {
        Future<Object> pending = new Future<>();
        AtomicReference<Throwable> got = new AtomicReference<>();
        AtomicBoolean flag = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        Thread waiter = Thread.ofPlatform().start(() -> {
            started.countDown();
            try {
                Futures.wait(List.of(pending));
            } catch (Throwable t) {
                got.set(t);
            }
            flag.set(Thread.currentThread().isInterrupted());
        });
        threads.add(waiter);
        assertTrue(started.await(10, TimeUnit.SECONDS));
        waiter.interrupt();
        waiter.join(10_000);
        assertInstanceOf(dev.mp4j.InterruptedError.class, got.get());
        assertTrue(flag.get());
    }
}
