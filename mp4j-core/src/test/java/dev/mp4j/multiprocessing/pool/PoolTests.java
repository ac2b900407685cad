package dev.mp4j.multiprocessing.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.futures.CancelledError;
import dev.mp4j.futures.ResultIterator;
import dev.mp4j.futures.TimeoutError;
import dev.mp4j.multiprocessing.AsyncResult;
import dev.mp4j.multiprocessing.Pool;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * CPython's {@code _TestPool} and the seed's pool examples, run once per kind of pool: worker JVMs
 * ({@link ProcessPoolTest}) and threads ({@link DummyPoolTest}), as CPython runs one suite per type. One
 * pool of two workers serves the class; tests that close or terminate a pool make their own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class PoolTests {
    /** The short wait of CPython's tests (TIMEOUT1 and friends), scaled down. */
    static final long SHORT_MS = 200;

    Pool pool;

    /** @return a new pool of {@code n} workers of the kind under test */
    abstract Pool newPool(int n);

    /** @return whether the workers are JVMs (exceptions carry a RemoteTraceback, results are serialized) */
    abstract boolean workersAreProcesses();

    @BeforeAll
    void makePool() {
        pool = newPool(2);
    }

    @AfterAll
    void closePool() {
        if (pool != null) {
            pool.close();
        }
    }

    // ---------------------------------------------------------------- CPython's _TestPool

    @Test
    void testApply() {
        assertEquals(25, pool.apply(() -> Work.sqr(5)));
        assertEquals(121, pool.apply(() -> Work.sqr(11)));
    }

    @Test
    void testMap() {
        assertEquals(Work.squares(10), pool.map(Work::sqr, Work.range(10)));
        assertEquals(Work.squares(100), pool.map(Work::sqr, Work.range(100), 50));
    }

    @Test
    void testStarmap() {
        List<Map.Entry<Integer, Integer>> pairs = new ArrayList<>();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            pairs.add(Map.entry(i, i + 1));
            expected.add(i * (i + 1));
        }
        assertEquals(expected, pool.starmap(Work::mul, pairs));
        assertEquals(expected, pool.starmap(Work::mul, pairs, 20));
    }

    @Test
    void testStarmapAsync() {
        List<Map.Entry<Integer, Integer>> pairs = new ArrayList<>();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            pairs.add(Map.entry(i, i + 1));
            expected.add(i * (i + 1));
        }
        assertEquals(expected, pool.starmapAsync(Work::mul, pairs).get());
    }

    @Test
    void testMapAsync() {
        assertEquals(Work.squares(10), pool.<Integer, Integer>mapAsync(Work::sqr, Work.range(10)).get());
    }

    @Test
    void testMapAsyncCallbacks() {
        List<Object> callArgs = new CopyOnWriteArrayList<>();
        pool.<String, Integer>mapAsync(Integer::parseInt, List.of("1"), 1, callArgs::add, callArgs::add)
                .await(null);
        assertEquals(1, callArgs.size());
        assertEquals(List.of(1), callArgs.get(0));
        pool.<String, Integer>mapAsync(Integer::parseInt, List.of("a"), 1, callArgs::add, callArgs::add)
                .await(null);
        assertEquals(2, callArgs.size());
        assertInstanceOf(NumberFormatException.class, callArgs.get(1));
    }

    @Test
    void testMapChunksize() {
        // an empty iterable with an explicit chunksize must not hang
        assertEquals(List.of(), pool.<Integer, Integer>mapAsync(Work::sqr, List.of(), 1, null, null)
                .get(Duration.ofSeconds(10)));
    }

    @Test
    void testMapHandleIterableException() {
        // the iterable is collected in the caller, where its exception is raised
        assertThrows(Work.SayWhenError.class, () -> pool.map(Work::sqr, Work.throwingAt(1, 0)));
        assertThrows(Work.SayWhenError.class, () -> pool.map(Work::sqr, Work.throwingAt(10, 3)));
        assertThrows(Work.SayWhenError.class, () -> pool.map(Work::sqr, Work.throwingAt(20, 7), 2));
    }

    @Test
    void testMapRaisesTheCallsException() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> pool.map(x -> x == 7 ? Work.raising() : x, Work.range(20), 3));
        assertEquals("123", e.getMessage());
        assertThrows(IllegalStateException.class,
                () -> pool.<Integer, Integer>mapAsync(x -> Work.raising(), Work.range(4)).get());
    }

    @Test
    void testAsync() {
        AsyncResult<Integer> res = pool.applyAsync(() -> Work.sqr(7, SHORT_MS));
        long start = System.nanoTime();
        assertEquals(49, res.get());
        assertTrue(res.ready());
        assertTrue(res.successful());
        assertTrue(System.nanoTime() - start > 0);
    }

    @Test
    void testAsyncTimeout() {
        AsyncResult<Integer> res = pool.applyAsync(() -> Work.sqr(6, 3 * SHORT_MS));
        assertThrows(TimeoutError.class, () -> res.get(Duration.ofMillis(SHORT_MS / 4)));
        assertFalse(res.await(Duration.ZERO));
        assertThrows(IllegalStateException.class, res::successful);
        // the pool remains available, and the result comes in the end
        assertEquals(4, pool.apply(() -> Work.sqr(2)));
        assertEquals(36, res.get());
    }

    @Test
    void testImap() {
        assertEquals(Work.squares(10), pool.imap(Work::sqr, Work.range(10)).toList());

        ResultIterator<Integer> it = pool.imap(Work::sqr, Work.range(10));
        for (int i = 0; i < 10; i++) {
            assertEquals(i * i, it.next());
        }
        assertFalse(it.hasNext());
        assertThrows(java.util.NoSuchElementException.class, it::next);

        it = pool.imap(Work::sqr, Work.range(1000), 100);
        for (int i = 0; i < 1000; i++) {
            assertEquals(i * i, it.next());
        }
        assertThrows(java.util.NoSuchElementException.class, it::next);
    }

    @Test
    void testImapOfListsWhoseSizeCannotChangeEndsAtTheirSize() {
        // immutable lists and Arrays.asList end where their size says, without a last question to their
        // iterators: every item once and in order for sizes that fill the last chunk exactly or not, one and
        // two items, a chunk above the first array
        int[][] sizesAndChunks = {{1, 1}, {2, 1}, {2, 5}, {300, 100}, {295, 10}, {3001, 1500}, {64, 64}};
        for (int[] sc : sizesAndChunks) {
            int n = sc[0];
            int chunksize = sc[1];
            List<Integer> ints = java.util.stream.IntStream.range(0, n).boxed().toList();
            List<List<Integer>> sources = List.of(ints, List.copyOf(ints),
                    java.util.Arrays.asList(ints.toArray(new Integer[0])));
            for (List<Integer> source : sources) {
                String what = source.getClass().getSimpleName() + " of " + n + " by " + chunksize;
                ResultIterator<Integer> it = pool.imap(x -> x + 1, source, chunksize);
                for (int i = 0; i < n; i++) {
                    assertTrue(it.hasNext(), what);
                    assertEquals(i + 1, it.next(), what);
                }
                assertFalse(it.hasNext(), what);
                assertEquals(java.util.OptionalInt.of(n), it.total(), what);
                assertEquals(n, it.done(), what);
                assertThrows(java.util.NoSuchElementException.class, it::next, what);
                List<Integer> unordered = new ArrayList<>(
                        pool.imapUnordered(x -> x + 1, source, chunksize).toList());
                Collections.sort(unordered);
                assertEquals(java.util.stream.IntStream.rangeClosed(1, n).boxed().toList(), unordered, what);
            }
        }
    }

    @Test
    void testImapOfManyShortChunksGivesEveryValueAtItsIndex() {
        // chunks of numbers, of other values and with failing calls in turn, a last chunk shorter than the
        // others, and consumers that stop early: each value lands at its own index, none of another chunk's
        for (int round = 0; round < 2; round++) {
            ResultIterator<Integer> numbers = pool.imap(x -> x % 500 == 250 ? Work.raising() : 3 * x,
                    Work.range(2995), 10);
            for (int i = 0; i < 2995; i++) {
                if (i % 500 == 250) {
                    assertThrows(IllegalStateException.class, numbers::next, "item " + i);
                } else {
                    assertEquals(3 * i, numbers.next(), "item " + i);
                }
            }
            assertFalse(numbers.hasNext());
            ResultIterator<String> texts = pool.imap(x -> String.valueOf(x), Work.range(995), 10);
            for (int i = 0; i < 995; i++) {
                assertEquals(String.valueOf(i), texts.next(), "item " + i);
            }
            assertFalse(texts.hasNext());
            try (ResultIterator<Integer> early = pool.imap(x -> -x, Work.range(1000), 10)) {
                for (int i = 0; i < 35; i++) {
                    assertEquals(-i, early.next(), "item " + i);
                }
            }
        }
    }

    @Test
    void testImapHandleIterableException() {
        // the iterable's exception comes after the items it yielded, and ends the iteration
        ResultIterator<Integer> it = pool.imap(Work::sqr, Work.throwingAt(10, 3), 1);
        for (int i = 0; i < 3; i++) {
            assertEquals(i * i, it.next());
        }
        assertThrows(Work.SayWhenError.class, it::next);
        assertFalse(it.hasNext());

        it = pool.imap(Work::sqr, Work.throwingAt(20, 7), 2);
        for (int i = 0; i < 7; i++) {
            assertEquals(i * i, it.next());
        }
        assertThrows(Work.SayWhenError.class, it::next);

        it = pool.imap(Work::sqr, Work.throwingAt(1, 0), 1);
        assertThrows(Work.SayWhenError.class, it::next);
    }

    @Test
    void testImapUnordered() {
        List<Integer> got = new ArrayList<>(pool.imapUnordered(Work::sqr, Work.range(10)).toList());
        Collections.sort(got);
        assertEquals(Work.squares(10), got);

        got = new ArrayList<>(pool.imapUnordered(Work::sqr, Work.range(1000), 100).toList());
        Collections.sort(got);
        assertEquals(Work.squares(1000), got);
    }

    @Test
    void testImapUnorderedHandleIterableException() {
        ResultIterator<Integer> it = pool.imapUnordered(Work::sqr, Work.throwingAt(10, 3), 1);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            seen.add(it.next());
        }
        assertEquals(Set.of(0, 1, 4), seen);
        assertThrows(Work.SayWhenError.class, it::next);
    }

    @Test
    void testImapRaisesAnItemsExceptionAtItsIndexAndGoesOn() {
        for (int chunksize : new int[] {1, 2, 4}) {
            ResultIterator<Integer> it = pool.imap(x -> x == 3 ? Work.raising() : x * x, Work.range(6), chunksize);
            assertEquals(0, it.next());
            assertEquals(1, it.next());
            assertEquals(4, it.next());
            assertThrows(IllegalStateException.class, it::next, "chunksize " + chunksize);
            assertEquals(16, it.next());
            assertEquals(25, it.next());
            assertFalse(it.hasNext());
        }
        List<Object> outcomes = new ArrayList<>();
        ResultIterator<Integer> it = pool.imapUnordered(x -> x % 2 == 0 ? Work.raising() : x, Work.range(6), 2);
        while (it.hasNext()) {
            try {
                outcomes.add(it.next());
            } catch (IllegalStateException e) {
                outcomes.add("raised");
            }
        }
        assertEquals(6, outcomes.size());
        assertEquals(3, Collections.frequency(outcomes, "raised"));
    }

    @Test
    void testImapNextWithTimeoutRaisesTimeoutErrorAndGoesOn() {
        ResultIterator<Integer> it = pool.imap(x -> Work.sqr(x, 3 * SHORT_MS), List.of(3, 4));
        assertThrows(TimeoutError.class, () -> it.next(Duration.ofMillis(SHORT_MS / 4)));
        assertEquals(9, it.next());
        assertEquals(16, it.next(Duration.ofSeconds(30)));
        assertFalse(it.hasNext());
    }

    @Test
    void testImapIsLazyOnAnEndlessIterable() {
        AtomicInteger taken = new AtomicInteger();
        ResultIterator<Integer> it = pool.imap(Work::sqr, Work.endless(taken));
        for (int i = 0; i < 50; i++) {
            assertEquals(i * i, it.next());
        }
        // a few chunks ahead of what was consumed, never the whole iterable
        assertTrue(taken.get() >= 50 && taken.get() <= 50 + 32, "taken " + taken.get());

        AtomicInteger takenUnordered = new AtomicInteger();
        ResultIterator<Integer> unordered = pool.imapUnordered(Work::sqr, Work.endless(takenUnordered), 5);
        for (int i = 0; i < 100; i++) {
            unordered.next();
        }
        assertTrue(takenUnordered.get() <= 100 + 32 * 5, "taken " + takenUnordered.get());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void testMakePool() {
        assertThrows(IllegalArgumentException.class, () -> newPool(-1));
        assertThrows(IllegalArgumentException.class, () -> newPool(0));
        try (Pool p = newPool(2)) {
            assertEquals(2, p.size());
            if (workersAreProcesses()) {
                assertEquals(2, p.processes().size());
            } else {
                assertEquals(List.of(), p.processes());
            }
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void testTerminate() {
        Pool p = newPool(2);
        List<Integer> many = Collections.nCopies(10_000, 100);
        AsyncResult<List<Object>> result = p.mapAsync(ms -> {
            Work.sleep(ms);
            return null;
        }, many, 1, null, null);
        p.terminate();
        p.join();
        assertThrows(CancelledError.class, result::get);
        assertFalse(result.successful());
        assertThrows(IllegalStateException.class, () -> p.apply(() -> 1));
        if (workersAreProcesses()) {
            assertEquals(List.of(), p.processes());
        }
    }

    @Test
    void testEmptyIterable() {
        assertEquals(List.of(), pool.map(Work::sqr, List.<Integer>of()));
        assertEquals(List.of(), pool.imap(Work::sqr, List.<Integer>of()).toList());
        assertEquals(List.of(), pool.imapUnordered(Work::sqr, List.<Integer>of()).toList());
        assertEquals(List.of(), pool.<Integer, Integer>mapAsync(Work::sqr, List.of()).get());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void testContext() {
        List<Integer> l = Work.range(10);
        Pool p;
        try (Pool q = newPool(2)) {
            p = q;
            AsyncResult<List<Integer>> r = q.mapAsync(Work::sqr, l);
            assertEquals(Work.squares(10), r.get());
        }
        p.join();
        assertThrows(IllegalStateException.class, () -> p.mapAsync(Work::sqr, l));
        assertThrows(IllegalStateException.class, () -> p.apply(() -> 1));
        assertThrows(IllegalStateException.class, () -> p.imap(Work::sqr, l));
        assertThrows(IllegalStateException.class, () -> p.map(Work::sqr, l));
        p.close(); // again: only waits
    }

    @Test
    void testTraceback() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.apply(Work::raising));
        assertEquals("123", e.getMessage());
        boolean inRaising = false;
        for (StackTraceElement el : e.getStackTrace()) {
            inRaising |= el.getMethodName().equals("raising");
        }
        assertTrue(inRaising, "the stack trace shows where it was raised");
        boolean remote = false;
        for (Throwable s : e.getSuppressed()) {
            if (s instanceof dev.mp4j.multiprocessing.RemoteTraceback) {
                remote = true;
                assertTrue(s.getMessage().contains("PoolWorker-"), s.getMessage());
            }
        }
        assertEquals(workersAreProcesses(), remote, "a RemoteTraceback exactly when raised in another JVM");

        // a checked exception is wrapped, as CompletableFuture.join does
        CompletionException ce = assertThrows(CompletionException.class, () -> pool.apply(Work::raisingChecked));
        assertInstanceOf(IOException.class, ce.getCause());
        assertEquals("checked 123", ce.getCause().getMessage());
    }

    // ---------------------------------------------------------------- AsyncResult and callbacks

    @Test
    void testAsyncResultStates() {
        AsyncResult<Integer> slow = pool.applyAsync(() -> Work.sqr(3, 2 * SHORT_MS));
        assertFalse(slow.ready());
        assertThrows(IllegalStateException.class, slow::successful);
        assertFalse(slow.await(Duration.ofMillis(1)));
        assertTrue(slow.await(Duration.ofSeconds(30)));
        assertTrue(slow.ready());
        assertTrue(slow.successful());
        assertEquals(9, slow.get(Duration.ZERO));

        AsyncResult<Integer> failed = pool.applyAsync(Work::raising);
        assertTrue(failed.await(null));
        assertFalse(failed.successful());
        assertThrows(IllegalStateException.class, () -> failed.get(Duration.ofSeconds(1)));
    }

    @Test
    void testCallbacksRunOnOneHandlerThreadBeforeTheResultIsReady() {
        List<String> threads = new CopyOnWriteArrayList<>();
        List<Integer> values = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        List<AsyncResult<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int x = i;
            results.add(pool.applyAsync(() -> Work.sqr(x), v -> {
                threads.add(Thread.currentThread().getName());
                values.add(v);
            }, null));
        }
        AsyncResult<Integer> bad = pool.applyAsync(Work::raising, v -> values.add(-1), e -> {
            threads.add(Thread.currentThread().getName());
            error.set(e);
        });
        for (int i = 0; i < 6; i++) {
            results.get(i).get();
            assertTrue(values.contains(i * i), "the callback ran before get() returned");
        }
        assertThrows(IllegalStateException.class, bad::get);
        assertInstanceOf(IllegalStateException.class, error.get());
        assertFalse(values.contains(-1));
        assertEquals(1, new HashSet<>(threads).size(), "one result-handler thread: " + threads);
        assertNotEquals(Thread.currentThread().getName(), threads.get(0));
    }

    @Test
    void testCallbacksRunInCompletionOrder() {
        List<String> order = new CopyOnWriteArrayList<>();
        AsyncResult<Integer> slow = pool.applyAsync(() -> Work.sqr(1, 2 * SHORT_MS), v -> order.add("slow"), null);
        AsyncResult<Integer> fast = pool.applyAsync(() -> Work.sqr(2), v -> order.add("fast"), null);
        slow.get();
        fast.get();
        assertEquals(List.of("fast", "slow"), order);
    }

    @Test
    void testAMapReturnsOnlyAfterTheCallbackOfAResultBeforeIt() throws InterruptedException {
        CountDownLatch inCallback = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        AsyncResult<Integer> first = pool.applyAsync(() -> Work.sqr(2), v -> {
            inCallback.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            order.add("callback");
        }, null);
        AtomicReference<List<Integer>> mapped = new AtomicReference<>();
        Thread mapper = new Thread(() -> {
            mapped.set(pool.map(Work::sqr, List.of(1, 2, 3)));
            order.add("map returned");
        });
        try {
            assertTrue(inCallback.await(30, TimeUnit.SECONDS), "the callback did not run");
            mapper.start();
            mapper.join(SHORT_MS);
            assertTrue(mapper.isAlive(), "the map returned while the callback of a result before it still ran");
        } finally {
            release.countDown();
        }
        mapper.join(30_000);
        assertFalse(mapper.isAlive(), "the map did not return");
        assertEquals(List.of(1, 4, 9), mapped.get());
        assertEquals(4, first.get());
        assertEquals(List.of("callback", "map returned"), order);
        assertEquals(List.of(4, 16), pool.map(Work::sqr, List.of(2, 4))); // the handler still delivers
    }

    @Test
    void testAThrowingCallbackDoesNotStopTheHandler() {
        AsyncResult<Integer> r = pool.applyAsync(() -> Work.sqr(4), v -> {
            throw new IllegalStateException("callback failed on purpose");
        }, null);
        assertEquals(16, r.get());
        List<Integer> seen = new CopyOnWriteArrayList<>();
        assertEquals(25, pool.applyAsync(() -> Work.sqr(5), seen::add, null).get());
        assertEquals(List.of(25), seen);
    }

    @Test
    void testJoinBeforeCloseIsAnError() {
        assertThrows(IllegalStateException.class, pool::join);
    }

    @Test
    void testNullsAndInvalidArguments() {
        assertThrows(IllegalArgumentException.class, () -> pool.map(Work::sqr, Work.range(3), 0));
        assertThrows(IllegalArgumentException.class, () -> pool.imap(Work::sqr, Work.range(3), 0));
        assertThrows(NullPointerException.class, () -> pool.apply(null));
        List<Integer> withNull = new ArrayList<>(List.of(1, 2));
        withNull.add(null);
        assertEquals(java.util.Arrays.asList(1, 2, null), pool.map(x -> x, withNull));
        assertNotNull(pool.toString());
    }

    // ---------------------------------------------------------------- the seed's "Using a pool of workers"

    @Test
    void testUsingAPoolOfWorkers() {
        // print "[0, 1, 4,..., 81]"
        assertEquals(Work.squares(10), pool.map(Work::sqr, Work.range(10)));
        // print same numbers in arbitrary order
        Set<Integer> unordered = new HashSet<>();
        for (int i : pool.imapUnordered(Work::sqr, Work.range(10))) {
            unordered.add(i);
        }
        assertEquals(new HashSet<>(Work.squares(10)), unordered);
        // evaluate "f(20)" asynchronously
        AsyncResult<Integer> res = pool.applyAsync(() -> Work.sqr(20));
        assertEquals(400, res.get(Duration.ofSeconds(10)));
        // evaluate "os.getpid()" asynchronously
        long pid = pool.applyAsync(Work::pid).get(Duration.ofSeconds(10));
        assertEquals(workersAreProcesses(), pid != ProcessHandle.current().pid());
        // launching multiple evaluations asynchronously *may* use more processes
        List<AsyncResult<Long>> multiple = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            multiple.add(pool.applyAsync(Work::pid));
        }
        for (AsyncResult<Long> r : multiple) {
            assertNotNull(r.get(Duration.ofSeconds(10)));
        }
        // make a single worker sleep for a while
        AsyncResult<Integer> sleeper = pool.applyAsync(() -> Work.sqr(1, 3 * SHORT_MS));
        assertThrows(TimeoutError.class, () -> sleeper.get(Duration.ofMillis(SHORT_MS / 4)));
        // for the moment, the pool remains available for more work
        assertEquals(9, pool.apply(() -> Work.sqr(3)));
        assertEquals(1, sleeper.get());

        // the reference's second example: imap with next(timeout)
        ResultIterator<Integer> it = pool.imap(Work::sqr, Work.range(10));
        assertEquals(0, it.next());
        assertEquals(1, it.next());
        assertEquals(4, it.next(Duration.ofSeconds(10)));
    }

    /** Helpers for subclasses: a result that is an {@link IllegalStateException} from a closed pool. */
    static void assertClosed(Pool p) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.applyAsync(() -> 1));
        assertSame(IllegalStateException.class, e.getClass());
    }
}
