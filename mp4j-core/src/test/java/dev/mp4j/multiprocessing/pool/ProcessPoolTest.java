package dev.mp4j.multiprocessing.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.futures.BrokenProcessPool;
import dev.mp4j.multiprocessing.AsyncResult;
import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pool;
import dev.mp4j.multiprocessing.ProcessError;
import dev.mp4j.multiprocessing.WorkerLostError;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shared pool tests on worker JVMs, plus CPython's process-only ones ({@code _TestPoolWorkerLifetime},
 * {@code _TestPoolWorkerErrors}) and the worker deaths Python cannot survive.
 */
class ProcessPoolTest extends PoolTests {
    /** Spawned workers that compile with C1 only: they boot faster on a small machine. */
    static final Context QUICK = Multiprocessing.getContext("spawn").withJvmOptions(List.of("-XX:TieredStopAtLevel=1"));

    private final List<Long> seen = new CopyOnWriteArrayList<>();

    @Override
    Pool newPool(int n) {
        return Pool.builder().processes(n).context(QUICK).build();
    }

    @Override
    boolean workersAreProcesses() {
        return true;
    }

    @Override
    @BeforeAll
    void makePool() {
        super.makePool();
        // both workers booted before the tests begin
        pool.map(x -> Work.sqr(x, 100), Work.range(2), 1);
    }

    private List<Long> pidsOf(Pool p) {
        List<Long> pids = new ArrayList<>();
        for (ProcessHandle h : p.processes()) {
            pids.add(h.pid());
        }
        seen.addAll(pids);
        return pids;
    }

    /** Every worker JVM these tests saw has exited once its pool was closed. */
    @AfterAll
    void workersAreGone() {
        closePool();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (long pid : seen) {
            ProcessHandle.of(pid).ifPresent(h -> {
                try {
                    h.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (Exception e) {
                    throw new AssertionError("worker " + pid + " outlived its pool", e);
                }
            });
        }
    }

    @Test
    void workersAreNamedAndStartWhenThePoolIsMade() {
        List<Long> pids = pidsOf(pool);
        assertEquals(2, pids.size());
        assertFalse(pids.contains(ProcessHandle.current().pid()));
        String name = pool.apply(Work::processName);
        assertTrue(name.startsWith("SpawnPoolWorker-"), name);
        long pid = pool.apply(Work::pid);
        assertTrue(pids.contains(pid), pid + " in " + pids);
    }

    /**
     * Chunks of the same size come back in frames of the same length, which the parent and the workers read
     * into the array of the frame before: every value must still be its own, whole.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void valuesOfEqualChunksStayWholeWhileTheirFramesAreReused() {
        for (int pass = 0; pass < 2; pass++) {
            List<byte[]> arrays = pool.map(Work::pattern, Work.range(400), 50);
            List<String> strings = pool.map(x -> "item-" + (1000 + x), Work.range(400), 50);
            assertEquals(400, arrays.size());
            Set<byte[]> distinct = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (int x = 0; x < 400; x++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(Work.pattern(x), arrays.get(x), "item " + x);
                assertEquals("item-" + (1000 + x), strings.get(x));
                distinct.add(arrays.get(x));
            }
            assertEquals(400, distinct.size());
        }
        List<Integer> streamed = new ArrayList<>();
        for (int v : pool.imap(Work::sqr, Work.range(1000), 100)) {
            streamed.add(v);
        }
        for (int x = 0; x < 1000; x++) {
            assertEquals(x * x, streamed.get(x));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void mapsOfAsManyItemsReadEachTheirOwnItemsAndGiveEachTheirOwnResults() {
        // a map reuses the items array and the argument buffers of the map before when as long: what a map
        // returned and what the caller changed since stay as they are
        List<Integer> items = Work.range(2000);
        List<Integer> first = pool.map(Work::sqr, items);
        List<Integer> firstCopy = List.copyOf(first);
        for (int i = 0; i < items.size(); i++) {
            items.set(i, items.get(i) + 1);
        }
        AsyncResult<List<Integer>> second = pool.mapAsync(Work::sqr, items);
        items.replaceAll(x -> -1); // after mapAsync returned: the map has its items already
        List<Integer> third = pool.map(Work::sqr, Work.range(2000));
        assertEquals(firstCopy, first);
        assertEquals(Work.squares(2000), first);
        List<Integer> shifted = new ArrayList<>();
        for (int i = 1; i <= 2000; i++) {
            shifted.add(i * i);
        }
        assertEquals(shifted, second.get(Duration.ofSeconds(30)));
        assertEquals(Work.squares(2000), third);
        List<Object> mixed = new ArrayList<>(Work.range(2000));
        mixed.set(1999, "x"); // not all numbers: no bulk form, another length
        assertEquals("x", pool.map(ProcessPoolTest::same, mixed).get(1999));
        assertEquals(Work.squares(2000), pool.map(Work::sqr, Work.range(2000)));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void imapChunksFilledIntoOneReusedArrayEachCarryTheirOwnItems() {
        for (int chunksize : new int[] {1, 7, 100}) {
            List<Integer> out = new ArrayList<>();
            for (int r : pool.imap(Work::sqr, Work.range(1000), chunksize)) {
                out.add(r);
            }
            assertEquals(Work.squares(1000), out, () -> "chunksize " + chunksize);
        }
    }

    static Object same(Object x) {
        return x;
    }

    /** @return a collection whose size() says one item more than it holds, as a shrinking concurrent one may */
    private static java.util.Collection<Object> oneShort(int size) {
        return new java.util.AbstractCollection<>() {
            @Override
            public java.util.Iterator<Object> iterator() {
                return List.<Object>copyOf(Work.range(size - 1)).iterator();
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aMapOfAsManyItemsAsTheMapBeforeGetsNoItemItsCollectionDidNotHold() {
        assertEquals(Work.range(9), pool.map(ProcessPoolTest::same, oneShort(10)));
        pool.map(ProcessPoolTest::same, Work.range(10)); // leaves its 10 slots for the next map of 10
        assertEquals(Work.range(9), pool.map(ProcessPoolTest::same, oneShort(10)));
    }

    /** A worker with a small heap collects what its boot left once it has waited a while without a task. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anIdleWorkerCollectsItsBootOnce() throws InterruptedException {
        try (Pool p = Pool.builder().processes(1).context(QUICK).build()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long full;
            while ((full = p.apply(Work::fullCollections)) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(300); // longer than the idle delay
            }
            assertEquals(1, full);
        }
    }

    @Test
    void forkserverWorkersAreNamedSo() {
        try (Pool p = Multiprocessing.getContext("forkserver").pool(1)) {
            pidsOf(p);
            String name = p.apply(Work::processName);
            assertTrue(name.startsWith("ForkServerPoolWorker-"), name);
        }
    }

    /** CPython's _TestPoolWorkerLifetime.test_pool_worker_lifetime: with maxTasksPerChild, pids change. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void testPoolWorkerLifetime() {
        try (Pool p = Pool.builder().processes(2).maxTasksPerChild(3).context(QUICK).build()) {
            List<Long> original = pidsOf(p);
            assertEquals(2, original.size());
            List<AsyncResult<Long>> results = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                results.add(p.applyAsync(Work::pid));
            }
            Set<Long> ranIn = new HashSet<>();
            for (AsyncResult<Long> r : results) {
                ranIn.add(r.get());
            }
            seen.addAll(ranIn);
            assertTrue(ranIn.size() >= 4, "12 tasks, 3 per worker: at least 4 workers, got " + ranIn);
            // fresh workers replaced the originals (which may still be exiting)
            List<Long> now = pidsOf(p);
            assertTrue(now.stream().anyMatch(pid -> !original.contains(pid)), original + " then " + now);
            assertEquals(2, p.size());
        }
    }

    /** CPython's _TestPoolWorkerLifetime.test_pool_worker_lifetime_early_close. */
    @Test
    void testPoolWorkerLifetimeEarlyClose() {
        AsyncResult<Integer> result;
        try (Pool p = Pool.builder().processes(1).maxTasksPerChild(1).context(QUICK).build()) {
            result = p.applyAsync(() -> Work.sqr(7, 100));
        }
        assertEquals(49, result.get(Duration.ZERO));
    }

    /** CPython's _TestPoolWorkerErrors.test_async_error_callback. */
    @Test
    void testAsyncErrorCallback() {
        List<Throwable> scratchpad = new CopyOnWriteArrayList<>();
        try (Pool p = newPool(2)) {
            p.applyAsync(Work::raising, null, scratchpad::add);
        }
        assertEquals(1, scratchpad.size());
        assertInstanceOf(IllegalStateException.class, scratchpad.get(0));
    }

    /** CPython's _TestPoolWorkerErrors.test_unpickleable_result. */
    @Test
    void testUnserializableResult() {
        for (int i = 0; i < 3; i++) {
            List<Throwable> scratchpad = new CopyOnWriteArrayList<>();
            AsyncResult<Work.BadResult> res = pool.applyAsync(Work.BadResult::new, null, scratchpad::add);
            ProcessError e = assertThrows(ProcessError.class, res::get);
            assertTrue(e.getMessage().contains("cannot be sent back"), e.getMessage());
            assertEquals(List.of(e), scratchpad);
        }
        assertEquals(4, pool.apply(() -> Work.sqr(2)));
    }

    /** CPython's test_map_unpicklable: a task that cannot be sent fails its own result. */
    @Test
    void testMapUnserializable() {
        Work.Unserializable u = new Work.Unserializable();
        List<Object> items = List.of(u);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pool.map(x -> x, items));
        assertTrue(e.getMessage().contains("cannot send the task"), e.getMessage());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> pool.apply(() -> u.toString()));
        assertTrue(e2.getMessage().contains("not serializable"), e2.getMessage());
        assertEquals(4, pool.apply(() -> Work.sqr(2)));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aWorkerKilledWhileRunningATaskFailsExactlyThatTaskAndIsReplaced() {
        try (Pool p = newPool(2)) {
            List<Long> before = pidsOf(p);
            AsyncResult<Integer> other = p.applyAsync(() -> Work.sqr(3, 3 * SHORT_MS));
            AsyncResult<Integer> killed = p.applyAsync(Work::killSelf);
            WorkerLostError e = assertThrows(WorkerLostError.class, killed::get);
            assertTrue(e.getMessage().contains("SpawnPoolWorker-"), e.getMessage());
            assertTrue(e.getMessage().contains("exit code -9"), e.getMessage());
            assertFalse(killed.successful());
            assertEquals(9, other.get(), "the other worker's task is not affected");
            // the pool goes on, with a fresh worker in place of the dead one
            List<AsyncResult<Long>> after = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                after.add(p.applyAsync(() -> {
                    Work.sleep(SHORT_MS);
                    return Work.pid();
                }));
            }
            Set<Long> pids = new HashSet<>();
            for (AsyncResult<Long> r : after) {
                pids.add(r.get());
            }
            seen.addAll(pids);
            assertEquals(2, pidsOf(p).size());
            assertFalse(pids.isEmpty());
            assertTrue(pids.stream().anyMatch(pid -> !before.contains(pid)) || pidsOf(p).stream()
                    .anyMatch(pid -> !before.contains(pid)), "a new worker replaced the dead one");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void tasksQueuedInAWorkerThatDiesRunOnItsReplacement() {
        try (Pool p = newPool(1)) {
            for (int i = 0; i < 50; i++) {
                p.apply(() -> 1); // short tasks: the worker gets the next ones while it runs one
            }
            AsyncResult<Integer> killed = p.applyAsync(() -> {
                Work.sleep(SHORT_MS);
                return Work.killSelf();
            });
            List<AsyncResult<Integer>> queued = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int k = i;
                queued.add(p.applyAsync(() -> Work.sqr(k)));
            }
            assertThrows(WorkerLostError.class, killed::get);
            for (int i = 0; i < 5; i++) {
                assertEquals(i * i, queued.get(i).get(Duration.ofSeconds(30)), "task " + i + " after the lost one");
            }
            seen.addAll(pidsOf(p));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void eachMapCallSendsItsOwnFunctionAsOfTheCall() {
        try (Pool p = newPool(1)) {
            // more calls than a worker keeps functions: the oldest are forgotten on both sides alike
            for (int k = 0; k < 20; k++) {
                int factor = k;
                assertEquals(List.of(0, factor, 2 * factor), p.map(x -> x * factor, Work.range(3), 1), "call " + k);
            }
            int[] box = {2};
            SerializableFunctionHolder h = new SerializableFunctionHolder(box);
            assertEquals(List.of(0, 2, 4, 6), p.map(h::times, Work.range(4), 1));
            box[0] = 3; // what the function captures is read when its call sends it
            assertEquals(List.of(0, 3, 6, 9), p.map(h::times, Work.range(4), 1));
            List<Integer> imap = new ArrayList<>();
            p.imap(h::times, Work.range(4)).forEachRemaining(imap::add);
            assertEquals(List.of(0, 3, 6, 9), imap);
            seen.addAll(pidsOf(p));
        }
    }

    /** A function with mutable state, captured by reference. */
    record SerializableFunctionHolder(int[] box) implements java.io.Serializable {
        int times(int x) {
            return x * box[0];
        }
    }

    @Test
    void aWorkerKilledFromOutsideFailsItsTaskWithItsExitCode() {
        try (Pool p = newPool(1)) {
            long pid = p.apply(Work::pid);
            seen.add(pid);
            AsyncResult<Integer> res = p.applyAsync(() -> Work.sqr(2, 30_000));
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            WorkerLostError e = assertThrows(WorkerLostError.class, () -> res.get(Duration.ofSeconds(30)));
            assertTrue(e.getMessage().contains("pid " + pid), e.getMessage());
            long next = p.apply(Work::pid);
            seen.add(next);
            assertNotEquals(pid, next);
        }
    }

    @Test
    @Timeout(90)
    void aWorkerWhoseTaskLeftAThreadRunningStillEndsWithThePool() throws Exception {
        Pool p = newPool(1);
        long pid = p.apply(Work::leaveAThreadRunning);
        seen.add(pid);
        p.close();
        p.join(); // the worker exits (0) even though a non-daemon thread of its task still runs
        ProcessHandle worker = ProcessHandle.of(pid).orElse(null);
        if (worker != null) {
            worker.onExit().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTaskThatExitsItsWorkerFailsWithWorkerLostError() {
        try (Pool p = newPool(1)) {
            seen.addAll(pidsOf(p));
            AsyncResult<Integer> res = p.applyAsync(() -> {
                System.exit(3);
                return 0;
            });
            WorkerLostError e = assertThrows(WorkerLostError.class, res::get);
            assertTrue(e.getMessage().contains("exit code 3"), e.getMessage());
            assertEquals(List.of(0, 1, 4), p.map(Work::sqr, Work.range(3)));
            seen.addAll(pidsOf(p));
        }
    }

    @Test
    void theInitializerRunsInEveryWorker() {
        try (Pool p = Pool.builder().processes(2).context(QUICK)
                .initializer(() -> System.setProperty("mp4j.test.init", "done")).build()) {
            pidsOf(p);
            assertEquals(List.of("done", "done", "done"),
                    p.map(x -> System.getProperty("mp4j.test.init"), Work.range(3), 1));
        }
    }

    @Test
    void aFailingInitializerBreaksThePool() {
        Pool p = Pool.builder().processes(1).context(QUICK).initializer(() -> {
            throw new IllegalStateException("init failed on purpose");
        }).build();
        try {
            // the pool may already be broken when the call comes: then the call itself raises it
            BrokenProcessPool e;
            try {
                AsyncResult<Integer> r = p.applyAsync(() -> 1);
                e = assertThrows(BrokenProcessPool.class, r::get);
            } catch (BrokenProcessPool atSubmit) {
                e = atSubmit;
            }
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertThrows(BrokenProcessPool.class, () -> p.apply(() -> 2));
        } finally {
            p.terminate();
        }
    }

    @Test
    void theDefaultContextAndModuleFunctionsMakeProcessPools() {
        try (Pool p = Multiprocessing.pool(1)) {
            assertEquals(1, p.size());
            long pid = p.apply(Work::pid);
            seen.add(pid);
            assertNotEquals(ProcessHandle.current().pid(), pid);
        }
        assertThrows(IllegalArgumentException.class, () -> Multiprocessing.pool(0));
        assertThrows(IllegalArgumentException.class, () -> Pool.builder().maxTasksPerChild(0));
    }

    @Test
    void aCheckedExceptionFromAMapIsWrapped() {
        CompletionException e = assertThrows(CompletionException.class,
                () -> pool.map(x -> Work.raisingChecked(), Work.range(2)));
        assertNotNull(e.getCause());
    }

    @Test
    void aLargeArgumentAndResultTravel() {
        byte[] big = new byte[4 << 20];
        big[big.length - 1] = 7;
        assertEquals(big.length, pool.apply(() -> big.length));
        assertEquals(4 << 20, pool.apply(() -> new byte[4 << 20]).length);
    }
}
