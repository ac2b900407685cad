package dev.mp4j.futures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.function.SerializableCallable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ExecutorApiTest on a ThreadPoolExecutor, plus what only a thread pool has: the builder, maxWorkers,
 * worker names and reuse, the initializer, virtual threads, and interrupts. Tasks here may capture
 * latches: they never leave the JVM.
 */
class ThreadPoolExecutorApiTest extends ExecutorApiTest {
    private static final String BROKEN = "A thread initializer failed, the thread pool is not usable anymore";
    private static final ThreadLocal<Boolean> INITIALIZED = ThreadLocal.withInitial(() -> false);

    /** Opened by each test's end so that no task stays blocked. */
    private final CountDownLatch gate = new CountDownLatch(1);
    private final List<Executor> others = new ArrayList<>();

    @Override
    protected Executor newExecutor(int maxWorkers) {
        return new ThreadPoolExecutor(maxWorkers);
    }

    private <E extends Executor> E track(E e) {
        others.add(e);
        return e;
    }

    @AfterEach
    void openGateAndCloseOthers() {
        gate.countDown();
        for (Executor e : others) {
            e.shutdown(true);
        }
    }

    /** Blocks until the gate opens, after counting down {@code started}; records an interrupt. */
    private boolean blockOnGate(CountDownLatch started, CountDownLatch interrupted) throws InterruptedException {
        started.countDown();
        try {
            return gate.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
        }
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertTrue(latch.await(10, TimeUnit.SECONDS), "latch not reached in time");
    }

    // ---- maxWorkers

    @Test
    void maxWorkersMustBePositive() {
        for (int n : new int[] {0, -1}) {
            assertEquals("maxWorkers must be greater than 0",
                    assertThrows(IllegalArgumentException.class, () -> new ThreadPoolExecutor(n)).getMessage());
            assertEquals("maxWorkers must be greater than 0",
                    assertThrows(IllegalArgumentException.class,
                            () -> ThreadPoolExecutor.builder().maxWorkers(n).build()).getMessage());
        }
    }

    @Test
    void defaultMaxWorkers() {
        int expected = Math.min(32, Runtime.getRuntime().availableProcessors() + 4);
        assertEquals(expected, track(new ThreadPoolExecutor()).maxWorkers());
        assertEquals(expected, track(ThreadPoolExecutor.builder().build()).maxWorkers());
        assertEquals(7, track(new ThreadPoolExecutor(7)).maxWorkers());
        assertEquals(3, track(ThreadPoolExecutor.builder().maxWorkers(3).build()).maxWorkers());
    }

    // ---- workers: reuse, names, lazy start

    @Test
    void idleWorkerIsReused() {
        // CPython's test_idle_thread_reuse: sequential calls run on one thread.
        ThreadPoolExecutor e = track(new ThreadPoolExecutor(5));
        SerializableCallable<String> name = () -> Thread.currentThread().getName();
        String first = e.submit(name).result();
        assertEquals(first, e.submit(name).result());
        assertEquals(first, e.submit(name).result());
    }

    @Test
    void workersStartOnePerSubmitUpToMaxWorkersWithPrefixedNames() throws Exception {
        ThreadPoolExecutor e = track(ThreadPoolExecutor.builder().maxWorkers(3).threadNamePrefix("SpecialPool").build());
        CountDownLatch started = new CountDownLatch(3);
        CountDownLatch interrupted = new CountDownLatch(1);
        List<Future<String>> fs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            fs.add(e.submit(() -> {
                blockOnGate(started, interrupted);
                return Thread.currentThread().getName();
            }));
        }
        await(started);
        gate.countDown();
        Set<String> names = new HashSet<>();
        for (Future<String> f : fs) {
            names.add(f.result());
        }
        assertEquals(Set.of("SpecialPool_0", "SpecialPool_1", "SpecialPool_2"), names);
    }

    @Test
    void defaultThreadNames() throws Exception {
        ThreadPoolExecutor e = track(new ThreadPoolExecutor(2));
        String name = e.submit(() -> Thread.currentThread().getName()).result();
        assertTrue(name.matches("ThreadPoolExecutor-\\d+_0"), name);
        ThreadPoolExecutor e2 = track(new ThreadPoolExecutor(2));
        String name2 = e2.submit(() -> Thread.currentThread().getName()).result();
        assertTrue(name2.matches("ThreadPoolExecutor-\\d+_0"), name2);
        assertFalse(name.equals(name2), "each executor has its own prefix: " + name);
    }

    // ---- initializer

    @Test
    void initializerRunsOncePerWorkerBeforeItsFirstTask() throws Exception {
        ConcurrentLinkedQueue<String> inits = new ConcurrentLinkedQueue<>();
        ThreadPoolExecutor e = track(ThreadPoolExecutor.builder()
                .maxWorkers(3)
                .initializer(() -> {
                    inits.add(Thread.currentThread().getName());
                    INITIALIZED.set(true);
                })
                .build());
        CountDownLatch started = new CountDownLatch(3);
        CountDownLatch interrupted = new CountDownLatch(1);
        List<Future<Boolean>> fs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            fs.add(e.submit(() -> {
                blockOnGate(started, interrupted);
                return INITIALIZED.get();
            }));
        }
        await(started);
        gate.countDown();
        for (int i = 0; i < 10; i++) {
            fs.add(e.submit(() -> INITIALIZED.get()));
        }
        for (Future<Boolean> f : fs) {
            assertEquals(Boolean.TRUE, f.result());
        }
        assertEquals(3, inits.size(), inits.toString());
        assertEquals(3, Set.copyOf(inits).size(), inits.toString());
    }

    @Test
    void failingInitializerBreaksThePool() throws Exception {
        CountDownLatch initializerEntered = new CountDownLatch(1);
        ThreadPoolExecutor e = track(ThreadPoolExecutor.builder()
                .maxWorkers(2)
                .initializer(() -> {
                    initializerEntered.countDown();
                    try {
                        gate.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException x) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IllegalStateException("init failed");
                })
                .build());
        List<Future<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            fs.add(e.submit(() -> FutureFixtures.mul(6, 7)));
        }
        await(initializerEntered);
        try (LogCapture log = new LogCapture("dev.mp4j.futures")) {
            gate.countDown();
            for (Future<Integer> f : fs) {
                f.exception();
            }
            // As CPython, the failure is logged ("Exception in initializer:") with the initializer's exception.
            List<LogCapture.Entry> records = log.records();
            assertFalse(records.isEmpty());
            for (LogCapture.Entry r : records) {
                assertEquals("SEVERE", r.level());
                assertEquals("Exception in initializer:", r.message());
                assertEquals("init failed", r.thrown().getMessage());
            }
        }
        for (Future<Integer> f : fs) {
            BrokenThreadPool b = assertThrows(BrokenThreadPool.class, f::result);
            assertEquals(BROKEN, b.getMessage());
            assertInstanceOf(IllegalStateException.class, b.getCause());
            assertEquals("init failed", b.getCause().getMessage());
            assertInstanceOf(BrokenThreadPool.class, f.exception());
        }
        BrokenThreadPool later = assertThrows(BrokenThreadPool.class, () -> e.submit(() -> FutureFixtures.mul(1, 1)));
        assertEquals(BROKEN, later.getMessage());
        assertInstanceOf(IllegalStateException.class, later.getCause());
        assertInstanceOf(BrokenExecutor.class, later);
    }

    // ---- virtual threads

    @Test
    void virtualThreads() {
        ThreadPoolExecutor v = track(ThreadPoolExecutor.builder().virtualThreads(true).maxWorkers(2).build());
        assertEquals(Boolean.TRUE, v.submit(() -> Thread.currentThread().isVirtual()).result());
        ThreadPoolExecutor p = track(ThreadPoolExecutor.builder().virtualThreads(false).maxWorkers(2).build());
        assertEquals(Boolean.FALSE, p.submit(() -> Thread.currentThread().isVirtual()).result());
        assertEquals(Boolean.FALSE, executor.submit(() -> Thread.currentThread().isVirtual()).result());
    }

    @Test
    void virtualThreadsWithPrefixAndInitializer() {
        ThreadPoolExecutor v = track(ThreadPoolExecutor.builder().virtualThreads(true).maxWorkers(1)
                .threadNamePrefix("vt").initializer(() -> INITIALIZED.set(true)).build());
        assertEquals("vt_0 true true", v.submit(() -> Thread.currentThread().getName() + " "
                + Thread.currentThread().isVirtual() + " " + INITIALIZED.get()).result());
    }

    // ---- cancel and interrupts

    @Test
    void cancelTrueInterruptsARunningTask() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Future<Boolean> f = executor.submit(() -> blockOnGate(started, interrupted));
        await(started);
        assertFalse(f.cancel(false), "Python cancel() of a running future");
        assertFalse(f.cancel());
        assertTrue(f.running());
        assertTrue(f.cancel(true));
        assertTrue(f.cancelled());
        assertTrue(f.isCancelled());
        assertTrue(f.done());
        assertThrows(CancelledError.class, f::result);
        await(interrupted);
        // The worker goes on.
        assertEquals(42, executor.submit(() -> FutureFixtures.mul(6, 7)).result());
    }

    @Test
    void cancelOfPendingTaskMeansItNeverRuns() throws Exception {
        executor.shutdown(true);
        executor = newExecutor(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        ConcurrentLinkedQueue<String> ran = new ConcurrentLinkedQueue<>();
        Future<Boolean> blocker = executor.submit(() -> blockOnGate(started, interrupted));
        await(started);
        Future<Boolean> pending = executor.submit(() -> ran.add("pending"));
        assertTrue(pending.cancel());
        gate.countDown();
        assertEquals(Boolean.TRUE, blocker.result());
        executor.shutdown(true);
        assertEquals(List.of(), List.copyOf(ran));
        assertThrows(CancelledError.class, pending::result);
    }

    @Test
    void shutdownDoesNotWait() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Future<Boolean> f = executor.submit(() -> blockOnGate(started, interrupted));
        await(started);
        executor.shutdown();
        assertTrue(executor.isShutdown());
        assertFalse(f.done());
        assertFalse(executor.isTerminated());
        gate.countDown();
        assertEquals(Boolean.TRUE, f.result());
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(executor.isTerminated());
    }

    @Test
    void shutdownWaitFalseDoesNotWait() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Future<Boolean> f = executor.submit(() -> blockOnGate(started, interrupted));
        await(started);
        executor.shutdown(false);
        assertFalse(f.done());
        gate.countDown();
        assertEquals(Boolean.TRUE, f.result());
    }

    @Test
    void shutdownWithCancelFuturesCancelsPendingAndRunningOnesComplete() throws Exception {
        executor.shutdown(true);
        executor = newExecutor(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        ConcurrentLinkedQueue<Integer> ran = new ConcurrentLinkedQueue<>();
        Future<Boolean> running = executor.submit(() -> blockOnGate(started, interrupted));
        await(started);
        List<Future<Boolean>> pending = new ArrayList<>();
        CountDownLatch pendingDone = new CountDownLatch(5);
        for (int i = 0; i < 5; i++) {
            int n = i;
            Future<Boolean> f = executor.submit(() -> ran.add(n));
            f.addDoneCallback(x -> pendingDone.countDown());
            pending.add(f);
        }
        // The running task may finish only once every pending one was cancelled: shutdown(true, true)
        // must cancel them before it waits.
        Thread opener = Thread.ofPlatform().start(() -> {
            try {
                if (pendingDone.await(30, TimeUnit.SECONDS)) {
                    gate.countDown();
                }
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            executor.shutdown(true, true);
        } finally {
            gate.countDown();
            opener.join(10_000);
        }
        assertTrue(running.done());
        assertFalse(running.cancelled());
        assertEquals(Boolean.TRUE, running.result());
        for (Future<Boolean> f : pending) {
            assertTrue(f.cancelled(), f.toString());
            assertThrows(CancelledError.class, f::result);
        }
        assertEquals(List.of(), List.copyOf(ran));
        assertTrue(executor.isTerminated());
    }

    @Test
    void shutdownWithoutWaitButCancelFutures() throws Exception {
        executor.shutdown(true);
        executor = newExecutor(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Future<Boolean> running = executor.submit(() -> blockOnGate(started, interrupted));
        await(started);
        Future<Integer> pending = executor.submit(() -> FutureFixtures.abs(-1));
        executor.shutdown(false, true);
        assertTrue(pending.cancelled());
        assertFalse(running.done());
        gate.countDown();
        assertEquals(Boolean.TRUE, running.result(Duration.ofSeconds(10)));
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void shutdownNowCancelsPendingReturnsThemAndInterruptsWorkers() throws Exception {
        executor.shutdown(true);
        executor = newExecutor(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        ConcurrentLinkedQueue<Integer> ran = new ConcurrentLinkedQueue<>();
        Future<Boolean> running = executor.submit(() -> blockOnGate(started, interrupted));
        await(started);
        List<Future<Boolean>> pending = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            pending.add(executor.submit(() -> ran.add(n)));
        }
        List<Runnable> notRun = executor.shutdownNow();
        assertEquals(3, notRun.size());
        for (Future<Boolean> f : pending) {
            assertTrue(f.cancelled());
        }
        await(interrupted);
        assertTrue(executor.isShutdown());
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(executor.isTerminated());
        assertTrue(running.done());
        assertEquals(List.of(), List.copyOf(ran));
    }

    @Test
    void invokeAllWithTimeoutInterruptsUnfinishedTasks() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        List<SerializableCallable<Boolean>> tasks = List.of(
                () -> true,
                () -> blockOnGate(started, interrupted));
        List<java.util.concurrent.Future<Boolean>> fs = executor.invokeAll(tasks, 200, TimeUnit.MILLISECONDS);
        assertEquals(Boolean.TRUE, fs.get(0).get());
        assertTrue(fs.get(1).isCancelled());
        await(started);
        await(interrupted);
    }

    @Test
    void executeRunsTheRunnable() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        executor.execute(ran::countDown);
        await(ran);
    }

    @Test
    void executeLogsAFailingRunnableAndGoesOn() throws Exception {
        try (LogCapture log = new LogCapture("dev.mp4j.futures")) {
            IllegalStateException boom = new IllegalStateException("from execute");
            executor.execute(() -> {
                throw boom;
            });
            executor.shutdown(true);
            List<LogCapture.Entry> records = log.records();
            assertEquals(1, records.size(), records.toString());
            assertSame(boom, records.getFirst().thrown());
        }
    }

    // ---- map cancels what it will not yield

    @Test
    void mapCancelsTheRemainingCallsAfterAnException() throws Exception {
        executor.shutdown(true);
        executor = newExecutor(1);
        ConcurrentLinkedQueue<Integer> ran = new ConcurrentLinkedQueue<>();
        ResultIterator<Integer> it = executor.map(x -> {
            ran.add(x);
            if (x == 0) {
                throw new ArithmeticException("first");
            }
            gate.await(30, TimeUnit.SECONDS);
            return x;
        }, IntStream.range(0, 10).boxed().toList());
        assertThrows(ArithmeticException.class, it::next);
        assertFalse(it.hasNext());
        gate.countDown();
        executor.shutdown(true);
        assertTrue(Set.of(0, 1).containsAll(ran), ran.toString());
    }

    @Test
    void mapCancelsTheRemainingCallsAfterATimeout() throws Exception {
        executor.shutdown(true);
        executor = newExecutor(1);
        ConcurrentLinkedQueue<Integer> ran = new ConcurrentLinkedQueue<>();
        ResultIterator<Integer> it = executor.map(x -> {
            ran.add(x);
            gate.await(30, TimeUnit.SECONDS);
            return x;
        }, IntStream.range(0, 10).boxed().toList(), Duration.ofMillis(100), 1);
        assertThrows(TimeoutError.class, it::next);
        assertFalse(it.hasNext());
        gate.countDown();
        executor.shutdown(true);
        assertTrue(Set.of(0).containsAll(ran), ran.toString());
    }

    @Test
    void taskExceptionInstancesArriveUnchanged() {
        IllegalStateException unchecked = new IllegalStateException("same");
        assertSame(unchecked, assertThrows(IllegalStateException.class,
                () -> executor.submit(() -> {
                    throw unchecked;
                }).result()));
        java.io.IOException checked = new java.io.IOException("same");
        Future<Object> f = executor.submit(() -> {
            throw checked;
        });
        assertSame(checked, assertThrows(java.util.concurrent.CompletionException.class, f::result).getCause());
        assertSame(checked, f.exception());
    }
}
