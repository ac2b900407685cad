package dev.mp4j.multiprocessing.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.futures.ExecutorStats;
import dev.mp4j.futures.ResultIterator;
import dev.mp4j.futures.TimeoutError;
import dev.mp4j.multiprocessing.AsyncResult;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pool;
import dev.mp4j.multiprocessing.ThreadPool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@link ThreadPool}'s task that waits for work of its own pool (a map, an imap, a starmap, an apply) gets
 * it done by the workers that are idle, as CPython's ThreadPool does with its shared queue: work queued to the
 * worker that runs the waiting task is taken by an idle one. When every worker waits, the pool waits too, as
 * CPython's does; terminate still ends it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ThreadPoolNestedTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final List<Integer> ITEMS = List.of(1, 2, 3, 4);
    private static final List<Integer> DOUBLED = List.of(2, 4, 6, 8);
    private static final int ROUNDS = 30;

    /** Runs {@code body} on a fresh pool of {@code n} threads, which is terminated whatever happens. */
    private static void withPool(int n, java.util.function.Consumer<Pool> body) {
        Pool pool = new ThreadPool(n);
        try {
            // short tasks first: every worker has proved fast, so that the engine queues tasks ahead to them
            pool.map(x -> x, IntStream.range(0, 64).boxed().toList(), 1);
            body.accept(pool);
        } finally {
            pool.terminate();
        }
    }

    /** Runs {@code inner} from a task of the pool, {@link #ROUNDS} times, and checks each result. */
    private static <R> void nested(Pool pool, Function<Pool, R> inner, R expected) {
        for (int i = 0; i < ROUNDS; i++) {
            AsyncResult<R> r = pool.applyAsync(() -> inner.apply(pool));
            assertEquals(expected, r.get(WAIT), "round " + i);
        }
    }

    @Test
    void aMapFromATaskIsDoneByTheIdleWorkers() {
        withPool(3, pool -> nested(pool, p -> p.map(x -> 2 * x, ITEMS, 1), DOUBLED));
    }

    @Test
    void aMapWithTheDefaultChunksizeFromATask() {
        List<Integer> items = IntStream.range(0, 100).boxed().toList();
        List<Integer> doubled = items.stream().map(x -> 2 * x).toList();
        withPool(3, pool -> nested(pool, p -> p.map(x -> 2 * x, items), doubled));
    }

    @Test
    void aMapAsyncFromATask() {
        withPool(3, pool -> nested(pool, p -> p.mapAsync((Integer x) -> 2 * x, ITEMS, 1, null, null).get(WAIT), DOUBLED));
    }

    @Test
    void anImapFromATask() {
        withPool(3, pool -> nested(pool, p -> {
            List<Integer> out = new ArrayList<>();
            try (ResultIterator<Integer> it = p.imap(x -> 2 * x, ITEMS, 1)) {
                while (it.hasNext()) {
                    out.add(it.next(WAIT));
                }
            }
            return out;
        }, DOUBLED));
    }

    @Test
    void anImapUnorderedFromATask() {
        withPool(3, pool -> nested(pool, p -> {
            List<Integer> out = new ArrayList<>();
            try (ResultIterator<Integer> it = p.imapUnordered(x -> 2 * x, ITEMS, 1)) {
                while (it.hasNext()) {
                    out.add(it.next(WAIT));
                }
            }
            return out.stream().sorted().toList();
        }, DOUBLED));
    }

    @Test
    void aStarmapFromATask() {
        List<Map.Entry<Integer, Integer>> pairs = List.of(Map.entry(1, 2), Map.entry(3, 4), Map.entry(5, 6),
                Map.entry(7, 8));
        withPool(3, pool -> nested(pool, p -> p.starmap((Integer a, Integer b) -> a * b, pairs, 1),
                List.of(2, 12, 30, 56)));
    }

    @Test
    void applyFromATask() {
        withPool(3, pool -> nested(pool, p -> {
            List<AsyncResult<Integer>> rs = new ArrayList<>();
            for (int x : ITEMS) {
                rs.add(p.applyAsync(() -> 2 * x));
            }
            List<Integer> out = new ArrayList<>();
            for (AsyncResult<Integer> r : rs) {
                out.add(r.get(WAIT));
            }
            out.add(p.apply(() -> 0));
            return out;
        }, List.of(2, 4, 6, 8, 0)));
    }

    @Test
    void twoTasksMapAtOnceWithOneWorkerIdle() {
        withPool(3, pool -> {
            for (int i = 0; i < ROUNDS; i++) {
                AsyncResult<List<Integer>> a = pool.applyAsync(() -> pool.map(x -> 2 * x, ITEMS, 1));
                AsyncResult<List<Integer>> b = pool.applyAsync(() -> pool.map(x -> 3 * x, ITEMS, 1));
                assertEquals(DOUBLED, a.get(WAIT), "round " + i);
                assertEquals(List.of(3, 6, 9, 12), b.get(WAIT), "round " + i);
            }
        });
    }

    @Test
    void maxTasksPerChildHoldsWithNestedMaps() {
        AtomicInteger maxPerThread = new AtomicInteger();
        Pool pool = Pool.builder().processes(3).context(Multiprocessing.dummy()).maxTasksPerChild(3).build();
        try {
            ThreadLocal<int[]> count = ThreadLocal.withInitial(() -> new int[1]);
            dev.mp4j.function.SerializableFunction<Integer, Integer> counted = x -> {
                int c = ++count.get()[0];
                maxPerThread.accumulateAndGet(c, Math::max);
                return 2 * x;
            };
            for (int i = 0; i < ROUNDS; i++) {
                AsyncResult<List<Integer>> r = pool.applyAsync(() -> {
                    int c = ++count.get()[0];
                    maxPerThread.accumulateAndGet(c, Math::max);
                    return pool.map(counted, ITEMS, 1);
                });
                assertEquals(DOUBLED, r.get(WAIT), "round " + i);
            }
            assertTrue(maxPerThread.get() <= 3, "a worker thread ran " + maxPerThread.get() + " tasks");
        } finally {
            pool.terminate();
        }
    }

    @Test
    void aTimeLimitCountsFromWhenATaskRunsWhereverItRuns() {
        Pool pool = Pool.builder().processes(3).context(Multiprocessing.dummy()).timeLimit(Duration.ofMillis(300))
                .build();
        try {
            // every worker proves fast, so the outer task's worker gets the map's third chunk queued behind it,
            // and an idle worker takes it back once it ran its first chunk
            pool.map(x -> x, IntStream.range(0, 64).boxed().toList(), 1);
            Map<String, String> threads = new ConcurrentHashMap<>();
            dev.mp4j.function.SerializableFunction<Integer, Integer> slowLast = x -> {
                if (x < 2) {
                    Thread.sleep(100); // within the limit: the other workers are busy when the third chunk is sent
                } else {
                    threads.put("slow", Thread.currentThread().getName());
                    Thread.sleep(30_000); // past the limit: its worker is killed and it fails
                }
                return x;
            };
            AsyncResult<String> outer = pool.applyAsync(() -> {
                threads.put("outer", Thread.currentThread().getName());
                try {
                    pool.map(slowLast, List.of(0, 1, 2), 1);
                    return "no error";
                } catch (RuntimeException e) {
                    return e.getClass().getSimpleName();
                }
            }, Duration.ofSeconds(30)); // its own limit: it waits for the slow chunk's
            assertEquals(TimeoutError.class.getSimpleName(), outer.get(WAIT));
            assertTrue(threads.containsKey("slow"), threads.toString());
            assertTrue(!threads.get("slow").equals(threads.get("outer")),
                    "the slow chunk ran on the outer task's worker thread: " + threads);
            // the pool goes on: the killed worker was replaced
            assertEquals(DOUBLED, pool.applyAsync(() -> pool.map(x -> 2 * x, ITEMS, 1), Duration.ofSeconds(30))
                    .get(WAIT));
        } finally {
            pool.terminate();
        }
    }

    @Test
    void aNestedMapQueuedBehindABlockedWorkerGoesOnOnceAnotherWorkerIsFree() {
        withPool(2, pool -> {
            CountDownLatch release = new CountDownLatch(1);
            AsyncResult<Boolean> blocker = pool.applyAsync(() -> release.await(60, TimeUnit.SECONDS));
            AsyncResult<List<Integer>> outer = pool.applyAsync(() -> pool.map(x -> 2 * x, ITEMS, 1));
            assertThrows(TimeoutError.class, () -> outer.get(Duration.ofMillis(200)));
            release.countDown();
            assertTrue(blocker.get(WAIT));
            assertEquals(DOUBLED, outer.get(WAIT));
        });
    }

    @Test
    void whenEveryWorkerWaitsForItsOwnMapThePoolWaitsAndTerminateEndsIt() throws InterruptedException {
        Pool pool = new ThreadPool(2);
        try {
            pool.map(x -> x, IntStream.range(0, 16).boxed().toList(), 1);
            CountDownLatch both = new CountDownLatch(2);
            List<AsyncResult<List<Integer>>> outer = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                outer.add(pool.applyAsync(() -> {
                    both.countDown();
                    both.await(30, TimeUnit.SECONDS); // both workers run one of these before either maps
                    return pool.map(x -> 2 * x, ITEMS, 1);
                }));
            }
            assertTrue(both.await(30, TimeUnit.SECONDS));
            assertThrows(TimeoutError.class, () -> outer.get(0).get(Duration.ofMillis(300)));
            ExecutorStats s = pool.stats();
            assertEquals(2, s.busyWorkers(), s.toString());
        } finally {
            pool.terminate();
        }
        assertEquals(0, pool.stats().workers());
    }
}
