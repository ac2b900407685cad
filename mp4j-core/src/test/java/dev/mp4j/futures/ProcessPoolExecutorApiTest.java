package dev.mp4j.futures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.RemoteTraceback;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What only a process pool has: maxWorkers and its default, the initializer, maxTasksPerChild, chunked
 * map, shutdown with cancelFutures, shutdownNow, cancel(true) of a running task, the workers' identity, the
 * forkserver context. The common Executor API is in {@link ProcessPoolCommonApiTest}. Tasks run in other
 * JVMs: they reach the test only through what they return. Each test makes the pools it needs.
 */
@Timeout(60)
class ProcessPoolExecutorApiTest {
    @RegisterExtension
    static final ProcessPoolWorkers WORKERS = new ProcessPoolWorkers();

    private static final String INIT_KEY = "dev.mp4j.test.initializedIn";
    private static final String INIT_COUNT_KEY = "dev.mp4j.test.initializerRuns";
    /** Counts the calls of {@link #pidAndSequence} in each worker JVM. */
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private static ProcessPoolExecutor track(ProcessPoolExecutor e) {
        return WORKERS.track(e);
    }

    static long pid() {
        return ProcessHandle.current().pid();
    }

    /** Primes a one-worker pool and returns its worker's pid: from then on that worker is idle and ready. */
    private static long prime(ProcessPoolExecutor e) {
        return WORKERS.saw(e.submit(ProcessPoolExecutorApiTest::pid).result());
    }

    private static void awaitExit(long pid) {
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).join());
    }

    // ---- maxWorkers

    @Test
    void maxWorkersMustBePositive() {
        for (int n : new int[] {0, -1}) {
            assertEquals("maxWorkers must be greater than 0",
                    assertThrows(IllegalArgumentException.class, () -> new ProcessPoolExecutor(n)).getMessage());
            assertEquals("maxWorkers must be greater than 0",
                    assertThrows(IllegalArgumentException.class,
                            () -> ProcessPoolExecutor.builder().maxWorkers(n).build()).getMessage());
        }
    }

    @Test
    void defaultMaxWorkersIsCpuCountAndWorkersStartAtTheFirstSubmit() {
        int cpus = Multiprocessing.cpuCount();
        ProcessPoolExecutor a = track(new ProcessPoolExecutor());
        ProcessPoolExecutor b = track(ProcessPoolExecutor.builder().build());
        ProcessPoolExecutor c = track(ProcessPoolExecutor.builder().maxWorkers(3).build());
        assertEquals(cpus, a.maxWorkers());
        assertEquals(cpus, b.maxWorkers());
        assertEquals(3, c.maxWorkers());
        for (ProcessPoolExecutor e : List.of(a, b, c)) {
            assertEquals(List.of(), e.processes());
            e.shutdown(true);
            assertTrue(e.isTerminated());
        }
    }

    // ---- initializer

    static void initialize() {
        System.setProperty(INIT_KEY, String.valueOf(pid()));
        System.setProperty(INIT_COUNT_KEY, String.valueOf(Integer.getInteger(INIT_COUNT_KEY, 0) + 1));
    }

    /** [the worker's pid, the pid the initializer saw, how often the initializer ran], read by a task. */
    static List<String> initState() throws InterruptedException {
        Thread.sleep(100);
        return Arrays.asList(String.valueOf(pid()), System.getProperty(INIT_KEY), System.getProperty(INIT_COUNT_KEY));
    }

    @Test
    void initializerRunsOnceInEachWorkerBeforeItsTasks() {
        ProcessPoolExecutor e = track(ProcessPoolWorkers.builder(2)
                .initializer(ProcessPoolExecutorApiTest::initialize)
                .build());
        List<Future<List<String>>> fs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            fs.add(e.submit(ProcessPoolExecutorApiTest::initState));
        }
        assertEquals(2, WORKERS.saw(e).size());
        for (Future<List<String>> f : fs) {
            List<String> state = f.result();
            assertEquals(state.get(0), state.get(1), "the initializer ran in the task's own worker");
            assertEquals("1", state.get(2), "the initializer ran once");
        }
        assertNull(System.getProperty(INIT_KEY), "the initializer ran in the test JVM");
        e.shutdown(true);
    }

    static void failInitializer() {
        throw new IllegalStateException("init failed");
    }

    @Test
    @Timeout(30)
    void failingInitializerBreaksThePoolForPendingAndLaterWork() {
        ProcessPoolExecutor e = track(ProcessPoolWorkers.builder(2)
                .initializer(ProcessPoolExecutorApiTest::failInitializer)
                .build());
        List<Future<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fs.add(e.submit(() -> FutureFixtures.mul(6, 7)));
        }
        WORKERS.saw(e);
        for (Future<Integer> f : fs) {
            BrokenProcessPool broken = assertThrows(BrokenProcessPool.class, f::result);
            assertEquals("A process initializer failed, the process pool is not usable anymore", broken.getMessage());
            IllegalStateException cause = assertInstanceOf(IllegalStateException.class, broken.getCause());
            assertEquals("init failed", cause.getMessage());
        }
        BrokenProcessPool later = assertThrows(BrokenProcessPool.class, () -> e.submit(() -> FutureFixtures.mul(6, 7)));
        assertEquals("A process initializer failed, the process pool is not usable anymore", later.getMessage());
        e.shutdown(true);
        assertTrue(e.isTerminated());
    }

    // ---- maxTasksPerChild

    @Test
    void maxTasksPerChildMustBePositive() {
        for (int n : new int[] {0, -1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ProcessPoolExecutor.builder().maxTasksPerChild(n).build());
            assertEquals("maxTasksPerChild must be >= 1, got " + n, e.getMessage());
        }
    }

    @Test
    void maxTasksPerChildReplacesTheWorkerAfterThatManyTasks() throws Exception {
        // CPython's test_max_tasks_per_child: one worker, three tasks each.
        ProcessPoolExecutor e = track(ProcessPoolWorkers.builder(1).maxTasksPerChild(3).build());
        long original = prime(e);
        assertEquals(original, WORKERS.saw(e.submit(ProcessPoolExecutorApiTest::pid).result()));
        assertEquals(1, e.processes().size());
        assertEquals(original, WORKERS.saw(e.submit(ProcessPoolExecutorApiTest::pid).result()));
        long next = WORKERS.saw(e.submit(ProcessPoolExecutorApiTest::pid).result());
        assertNotEquals(original, next, "a fresh worker after three tasks");
        // the spent worker exits
        awaitExit(original);
        e.shutdown(true);
    }

    @Test
    void maxTasksPerChildWithTasksQueuedAtOnce() {
        ProcessPoolExecutor e = track(ProcessPoolWorkers.builder(1).maxTasksPerChild(2).build());
        List<Future<Long>> fs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            fs.add(e.submit(ProcessPoolExecutorApiTest::pid));
        }
        List<Long> pids = new ArrayList<>();
        for (Future<Long> f : fs) {
            pids.add(WORKERS.saw(f.result()));
        }
        for (int i = 0; i < 6; i += 2) {
            assertEquals(pids.get(i), pids.get(i + 1), "two tasks per worker: " + pids);
        }
        assertEquals(3, new HashSet<>(pids).size(), "three workers in turn: " + pids);
        e.shutdown(true);
    }

    @Test
    @Timeout(30)
    void maxTasksPerChildEarlyShutdown() {
        // CPython's test_max_tasks_early_shutdown: shutting down while workers are being replaced.
        ProcessPoolExecutor e = track(ProcessPoolWorkers.builder(2).maxTasksPerChild(1).build());
        List<Future<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            fs.add(e.submit(() -> FutureFixtures.mul(n, 2)));
        }
        WORKERS.saw(e);
        e.shutdown(true);
        for (int i = 0; i < 5; i++) {
            assertEquals(2 * i, fs.get(i).result());
        }
        assertEquals(List.of(), e.processes());
    }

    // ---- map and chunksize

    /** [this worker's pid, how many calls this worker JVM has seen, this one included]. */
    static List<Long> pidAndSequence(Integer ignored) {
        return List.of(pid(), SEQUENCE.incrementAndGet());
    }

    /** {@code got}: 20 results of {@link #pidAndSequence}; each chunk ran on one worker, its calls consecutive. */
    private static void assertChunksRanWholeOnOneWorker(List<List<Long>> got, int chunksize) {
        assertEquals(20, got.size());
        for (int chunk = 0; chunk < 20; chunk += chunksize) {
            List<List<Long>> items = got.subList(chunk, chunk + chunksize);
            long pid = WORKERS.saw(items.getFirst().get(0));
            long first = items.getFirst().get(1);
            for (int i = 0; i < chunksize; i++) {
                assertEquals(pid, items.get(i).get(0), "chunk at " + chunk + " on one worker: " + got);
                assertEquals(first + i, items.get(i).get(1), "chunk at " + chunk + " run consecutively: " + got);
            }
        }
    }

    @Test
    void mapChunksizeSendsEachChunkToOneWorkerWhichRunsItConsecutively() {
        ProcessPoolExecutor e = WORKERS.newPool(2);
        int chunksize = 4;
        List<List<Long>> got = e.<Integer, List<Long>>map(ProcessPoolExecutorApiTest::pidAndSequence,
                IntStream.range(0, 20).boxed().toList(), null, chunksize).toList();
        assertChunksRanWholeOnOneWorker(got, chunksize);
        e.shutdown(true);
    }

    /** As {@link #pidAndSequence}, for the two-iterable map. */
    static List<Long> pidAndSequence2(Integer ignored, String alsoIgnored) {
        return pidAndSequence(ignored);
    }

    @Test
    void mapOfTwoIterablesSendsEachChunkOfPairsToOneWorker() {
        ProcessPoolExecutor e = WORKERS.newPool(2);
        int chunksize = 5;
        List<String> tags = IntStream.range(0, 30).mapToObj(i -> "t" + i).toList();
        List<List<Long>> got = e.<Integer, String, List<Long>>map(ProcessPoolExecutorApiTest::pidAndSequence2,
                IntStream.range(0, 20).boxed().toList(), tags, Duration.ofSeconds(30), chunksize).toList();
        assertChunksRanWholeOnOneWorker(got, chunksize);
        e.shutdown(true);
    }

    @Test
    void mapExceptionIsRaisedAtItsItemWhateverTheChunksize() {
        ProcessPoolExecutor pool = WORKERS.newPool(1);
        List<Integer> xs = IntStream.range(0, 10).boxed().toList();
        for (int chunksize : new int[] {1, 2, 3, 5, 6, 10, 20}) {
            ResultIterator<Integer> it = pool.map(x -> ExecutorApiTest.failAt(x, 5), xs, null, chunksize);
            for (int i = 0; i < 5; i++) {
                assertEquals(i, it.next(), "chunksize " + chunksize);
            }
            ArithmeticException e = assertThrows(ArithmeticException.class, it::next, "chunksize " + chunksize);
            assertEquals("bad 5", e.getMessage());
            assertTrue(Arrays.stream(e.getSuppressed()).anyMatch(RemoteTraceback.class::isInstance),
                    "raised in a worker: " + Arrays.toString(e.getSuppressed()));
            assertFalse(it.hasNext(), "chunksize " + chunksize);
        }
        WORKERS.saw(pool);
        pool.shutdown(true);
    }

    @Test
    void mapTimeoutWithChunks() {
        // chunks [0, 0] and [0, 600]: the second chunk, so its first item too, is late for the 300 ms.
        ProcessPoolExecutor e = WORKERS.newPool(1);
        prime(e);
        List<Void> results = new ArrayList<>();
        assertThrows(TimeoutError.class, () -> {
            for (Void v : e.<Long, Void>map(FutureFixtures::sleep, List.of(0L, 0L, 0L, 600L),
                    Duration.ofMillis(300), 2)) {
                results.add(v);
            }
        });
        assertEquals(Arrays.asList(null, null), results);
        e.shutdown(true);
    }

    // ---- shutdown(wait, cancelFutures), shutdownNow, awaitTermination

    @Test
    void shutdownWithCancelFuturesCancelsWhatNoWorkerTook() {
        ProcessPoolExecutor e = WORKERS.newPool(1);
        prime(e);
        // The idle worker takes one task (it runs it); the rest wait in the pool.
        List<Future<Void>> fs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            fs.add(e.submit(() -> FutureFixtures.sleep(200)));
        }
        assertTrue(fs.get(0).running());
        for (Future<Void> f : fs.subList(1, 6)) {
            assertFalse(f.running());
        }
        e.shutdown(true, true);
        assertTrue(e.isTerminated());
        assertNull(fs.get(0).result());
        for (Future<Void> f : fs.subList(1, 6)) {
            assertTrue(f.cancelled(), f.toString());
        }
    }

    @Test
    void shutdownWithoutCancelFuturesRunsEverything() {
        ProcessPoolExecutor e = WORKERS.newPool(1);
        prime(e);
        List<Future<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int n = i;
            fs.add(e.submit(() -> FutureFixtures.mul(n, 3)));
        }
        e.shutdown(true, false);
        for (int i = 0; i < 6; i++) {
            assertEquals(3 * i, fs.get(i).result());
        }
    }

    @Test
    @Timeout(30)
    void shutdownNowCancelsEverythingKillsTheWorkerAndReturnsTheUnstarted() throws Exception {
        ProcessPoolExecutor e = WORKERS.newPool(1);
        long pid = prime(e);
        Future<Void> running = e.submit(() -> FutureFixtures.sleep(10_000));
        Future<Integer> pending0 = e.submit(() -> FutureFixtures.mul(1, 2));
        Future<Integer> pending1 = e.submit(() -> FutureFixtures.mul(3, 4));
        Future<Integer> pending2 = e.submit(() -> FutureFixtures.mul(5, 6));
        assertTrue(running.running());

        List<Runnable> never = e.shutdownNow();

        assertEquals(3, never.size(), "the three tasks no worker took");
        for (Future<?> f : List.of(running, pending0, pending1, pending2)) {
            assertTrue(f.cancelled(), f.toString());
            assertThrows(CancelledError.class, f::result);
        }
        assertTrue(e.isShutdown());
        assertTrue(e.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(e.isTerminated());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the worker was killed");
        assertThrows(RejectedExecutionException.class, () -> e.submit(() -> FutureFixtures.mul(1, 1)));
        // what shutdownNow returns runs in this JVM
        for (Runnable r : never) {
            r.run();
        }
    }

    @Test
    void awaitTerminationWaitsForTheWorkersToExit() throws Exception {
        ProcessPoolExecutor e = WORKERS.newPool(1);
        long pid = prime(e);
        Future<Void> f = e.submit(() -> FutureFixtures.sleep(300));
        e.shutdown(false);
        assertTrue(e.isShutdown());
        assertFalse(e.isTerminated());
        assertFalse(e.awaitTermination(10, TimeUnit.MILLISECONDS));
        assertTrue(e.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(e.isTerminated());
        assertNull(f.result());
        assertEquals(List.of(), e.processes());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the worker exited");
    }

    // ---- cancel

    @Test
    void cancelOfAPendingTask() {
        ProcessPoolExecutor e = WORKERS.newPool(1);
        prime(e);
        Future<Void> first = e.submit(() -> FutureFixtures.sleep(300));
        Future<Integer> second = e.submit(() -> FutureFixtures.mul(2, 3));
        Future<Integer> third = e.submit(() -> FutureFixtures.mul(4, 5));
        assertFalse(first.cancel(), "its worker runs it");
        assertTrue(third.cancel(), "no worker took it: a worker holds one task at a time");
        assertNull(first.result());
        assertEquals(6, second.result());
        assertThrows(CancelledError.class, third::result);
        e.shutdown(true);
    }

    @Test
    @Timeout(30)
    void cancelTrueOfARunningTaskKillsItsWorkerWhichIsReplaced() throws Exception {
        ProcessPoolExecutor e = WORKERS.newPool(1);
        long pid = prime(e);
        Future<Void> running = e.submit(() -> FutureFixtures.sleep(10_000));
        Future<Integer> queued = e.submit(() -> FutureFixtures.mul(6, 7));
        assertTrue(running.running());

        assertTrue(running.cancel(true));

        assertTrue(running.cancelled());
        assertThrows(CancelledError.class, running::result);
        awaitExit(pid);
        // the task the killed worker held but had not started runs on the replacement; the pool is not broken
        assertEquals(42, queued.result());
        long replacement = WORKERS.saw(e.submit(ProcessPoolExecutorApiTest::pid).result());
        assertNotEquals(pid, replacement);
        assertEquals(1, WORKERS.saw(e).size());
        e.shutdown(true);
    }

    /** Tells the test it started (by connecting to its port), then sleeps. */
    static String announceAndSleep(int port, long millis) throws IOException, InterruptedException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write(1);
        }
        Thread.sleep(millis);
        return "done";
    }

    @Test
    @Timeout(30)
    void cancelTrueOfATaskQueuedBehindAnotherDoesNotRunTheOtherTwice() throws Exception {
        // A worker holds one task at a time, so the second waits in the pool; cancelling it must not
        // disturb the task that runs (in particular, not make it run a second time).
        ProcessPoolExecutor e = WORKERS.newPool(1);
        prime(e);
        try (ServerSocket starts = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            starts.setSoTimeout(10_000);
            int port = starts.getLocalPort();
            Future<String> first = e.submit(() -> announceAndSleep(port, 300));
            Future<Integer> second = e.submit(() -> FutureFixtures.mul(6, 7));
            assertFalse(second.running(), "a worker holds one task at a time");
            starts.accept().close(); // the first task has started

            assertTrue(second.cancel(true));
            first.exception();

            starts.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> starts.accept().close(),
                    "the first task was started a second time: " + first);
        }
        e.shutdown(true);
    }

    // ---- the workers

    static List<String> identity() {
        return List.of(Multiprocessing.currentProcess().name(), String.valueOf(pid()),
                String.valueOf(Multiprocessing.parentProcess().pid().orElseThrow()),
                Multiprocessing.parentProcess().name());
    }

    @Test
    void workersAreSpawnProcessesWhoseParentIsThisJvm() {
        ProcessPoolExecutor e = track(new ProcessPoolExecutor(2));
        Set<String> names = new HashSet<>();
        List<Future<List<String>>> fs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fs.add(e.submit(ProcessPoolExecutorApiTest::identity));
        }
        for (Future<List<String>> f : fs) {
            List<String> id = f.result();
            assertTrue(id.get(0).startsWith("SpawnProcess-"), id.toString());
            names.add(id.get(0));
            WORKERS.saw(Long.parseLong(id.get(1)));
            assertEquals(String.valueOf(pid()), id.get(2));
            assertEquals("MainProcess", id.get(3));
        }
        assertEquals("MainProcess", Multiprocessing.currentProcess().name());
        assertTrue(names.size() <= 2, names.toString());
        e.shutdown(true);
    }

    @Test
    void forkserverContextWorks() {
        ProcessPoolExecutor e = track(ProcessPoolExecutor.builder()
                .maxWorkers(2)
                .context(Multiprocessing.getContext("forkserver"))
                .build());
        assertEquals(List.of(5, 4, 3, 2, 1, 0, 1, 2, 3, 4),
                e.<Integer, Integer>map(FutureFixtures::abs, IntStream.range(-5, 5).boxed().toList()).toList());
        List<String> id = e.submit(ProcessPoolExecutorApiTest::identity).result();
        assertTrue(id.get(0).startsWith("ForkServerProcess-"), id.toString());
        WORKERS.saw(Long.parseLong(id.get(1)));
        assertEquals(String.valueOf(pid()), id.get(2));
        assertEquals(2, WORKERS.saw(e).size());
        assertThrows(ArithmeticException.class, () -> e.submit(() -> FutureFixtures.divmod(1, 0)).result());
        e.shutdown(true);
        assertEquals(List.of(), e.processes());
    }
}
