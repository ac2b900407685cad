package dev.mp4j.futures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.function.SerializableCallable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Executor API beyond the ported CPython tests, for every executor kind: submit's exception rules,
 * map, shutdown and close, and the java.util.concurrent.ExecutorService methods. Tasks here call static
 * functions only, so that they can travel to another JVM.
 */
@Timeout(60)
abstract class ExecutorApiTest extends ExecutorTestBase {

    @Override
    protected boolean primeExecutor() {
        return false;
    }

    static Object throwChecked(String message) throws IOException {
        throw new IOException(message);
    }

    static Object throwUnchecked(String message) {
        throw new IllegalStateException(message);
    }

    static Object throwError(String message) {
        throw new TaskError(message);
    }

    /** An Error thrown by a task. */
    static final class TaskError extends Error {
        private static final long serialVersionUID = 1L;

        TaskError(String message) {
            super(message);
        }
    }

    static Integer failAt(int x, int bad) {
        if (x == bad) {
            throw new ArithmeticException("bad " + x);
        }
        return x;
    }

    // ---- submit and the task's exception

    @Test
    void checkedTaskExceptionIsWrappedInCompletionException() {
        Future<Object> f = executor.submit(() -> throwChecked("checked"));
        CompletionException e = assertThrows(CompletionException.class, f::result);
        assertInstanceOf(IOException.class, e.getCause());
        assertEquals("checked", e.getCause().getMessage());
        Throwable ex = f.exception();
        assertInstanceOf(IOException.class, ex);
        assertEquals("checked", ex.getMessage());
        ExecutionException ee = assertThrows(ExecutionException.class, f::get);
        assertInstanceOf(IOException.class, ee.getCause());
        assertEquals(java.util.concurrent.Future.State.FAILED, f.state());
    }

    @Test
    void uncheckedTaskExceptionIsRethrownAsIs() {
        Future<Object> f = executor.submit(() -> throwUnchecked("unchecked"));
        IllegalStateException e = assertThrows(IllegalStateException.class, f::result);
        assertEquals("unchecked", e.getMessage());
        assertInstanceOf(IllegalStateException.class, f.exception());
        assertInstanceOf(IllegalStateException.class, assertThrows(ExecutionException.class, f::get).getCause());
    }

    @Test
    void errorThrownByTaskIsRethrownAsIsAndTheWorkerSurvives() {
        Future<Object> f = executor.submit(() -> throwError("fatal"));
        TaskError e = assertThrows(TaskError.class, f::result);
        assertEquals("fatal", e.getMessage());
        assertInstanceOf(TaskError.class, f.exception());
        assertEquals(42, executor.submit(() -> FutureFixtures.mul(6, 7)).result());
    }

    @Test
    void submitRunnableResultIsNull() {
        Future<?> f = executor.submit(() -> {
            FutureFixtures.abs(-1);
        });
        assertNull(f.result());
        assertTrue(f.done());
        assertEquals(java.util.concurrent.Future.State.SUCCESS, f.state());
    }

    @Test
    void submittedFutureToString() {
        Future<Integer> f = executor.submit(() -> FutureFixtures.mul(6, 7));
        f.result();
        FutureTests.assertMatches("<Future at 0x[0-9a-f]+ state=finished returned Integer>", f.toString());
        Future<Object> g = executor.submit(() -> {
            return FutureFixtures.divmod(1, 0);
        });
        g.exception();
        FutureTests.assertMatches("<Future at 0x[0-9a-f]+ state=finished raised ArithmeticException>",
                g.toString());
    }

    // ---- map

    @Test
    void mapOneIterableYieldsInOrder() {
        List<Integer> xs = IntStream.range(-20, 20).boxed().toList();
        ResultIterator<Integer> it = executor.map(FutureFixtures::abs, xs);
        List<Integer> got = new ArrayList<>();
        for (Integer x : it) {
            got.add(x);
        }
        assertEquals(xs.stream().map(Math::abs).toList(), got);
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::next);
    }

    @Test
    void mapOfEmptyIterable() {
        assertEquals(List.of(), executor.<Integer, Integer>map(FutureFixtures::abs, List.of()).toList());
    }

    @Test
    void mapTwoIterablesZipsAndShortestWins() {
        assertEquals(List.of(10, 40, 90),
                executor.<Integer, Integer, Integer>map(FutureFixtures::mul, List.of(1, 2, 3),
                        List.of(10, 20, 30, 40, 50)).toList());
        assertEquals(List.of(10, 40),
                executor.<Integer, Integer, Integer>map(FutureFixtures::mul, List.of(1, 2, 3, 4, 5),
                        List.of(10, 20)).toList());
        assertEquals(List.of(),
                executor.<Integer, Integer, Integer>map(FutureFixtures::mul, List.of(1, 2), List.of()).toList());
    }

    @Test
    void mapWithChunksize() {
        List<Integer> xs = IntStream.range(0, 25).boxed().toList();
        assertEquals(xs, executor.<Integer, Integer>map(FutureFixtures::abs, xs, null, 4).stream().toList());
    }

    @Test
    void mapRejectsChunksizeBelowOne() {
        for (int chunksize : new int[] {0, -1}) {
            assertThrows(IllegalArgumentException.class,
                    () -> executor.<Integer, Integer>map(FutureFixtures::abs, List.of(1), null, chunksize));
        }
    }

    @Test
    void mapRaisesTheExceptionAtItsItemAndEnds() {
        ResultIterator<Integer> it = executor.map(x -> failAt(x, 2), List.of(0, 1, 2, 3, 4));
        assertEquals(0, it.next());
        assertEquals(1, it.next());
        ArithmeticException e = assertThrows(ArithmeticException.class, it::next);
        assertEquals("bad 2", e.getMessage());
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::next);
    }

    @Test
    void mapWrapsCheckedExceptionsAsResultDoes() {
        ResultIterator<Object> it = executor.map(x -> throwChecked("m" + x), List.of(1));
        CompletionException e = assertThrows(CompletionException.class, it::next);
        assertInstanceOf(IOException.class, e.getCause());
    }

    @Test
    void mapTimeoutCountsFromTheCallAndEndsIteration() throws InterruptedException {
        // The second call ends 400 ms after map(): past the 300 ms deadline of the call, but before a
        // deadline counted from next() (called 200 ms after the call).
        ResultIterator<Void> it = executor.map(FutureFixtures::sleep, List.of(0L, 400L), Duration.ofMillis(300), 1);
        Thread.sleep(200);
        assertNull(it.next());
        assertThrows(TimeoutError.class, it::next);
        assertFalse(it.hasNext());
    }

    static Void sleepThen(long millis, String ignored) throws InterruptedException {
        return FutureFixtures.sleep(millis);
    }

    @Test
    void mapTwoIterablesWithChunksizeZipsAndShortestWins() {
        List<Integer> xs = IntStream.range(0, 25).boxed().toList();
        List<Integer> ys = IntStream.range(0, 30).map(y -> 2 * y).boxed().toList();
        for (int chunksize : new int[] {1, 3, 4, 25, 100}) {
            assertEquals(xs.stream().map(x -> x * 2 * x).toList(),
                    executor.<Integer, Integer, Integer>map(FutureFixtures::mul, xs, ys, null, chunksize).toList(),
                    "chunksize " + chunksize);
            assertEquals(List.of(0, 2, 8),
                    executor.<Integer, Integer, Integer>map(FutureFixtures::mul, ys.subList(0, 3), xs, null, chunksize)
                            .toList(), "chunksize " + chunksize);
        }
        assertEquals(List.of(), executor.<Integer, Integer, Integer>map(FutureFixtures::mul, List.of(), xs,
                Duration.ofSeconds(10), 2).toList());
    }

    // test_map_timeout, with two iterables (on started workers, as CPython's ExecutorMixin primes them)
    @Test
    void mapTwoIterablesTimeout() {
        prime();
        List<Void> results = new ArrayList<>();
        assertThrows(TimeoutError.class, () -> {
            for (Void v : executor.<Long, String, Void>map(ExecutorApiTest::sleepThen, List.of(0L, 0L, 3000L),
                    List.of("a", "b", "c"), Duration.ofMillis(1500), 1)) {
                results.add(v);
            }
        });
        assertEquals(java.util.Arrays.asList(null, null), results);
    }

    @Test
    void mapTwoIterablesRaisesTheExceptionAtItsPairAndEnds() {
        for (int chunksize : new int[] {1, 2, 10}) {
            ResultIterator<List<Integer>> it = executor.map(FutureFixtures::divmod, List.of(1, 1, 1, 1),
                    List.of(2, 3, 0, 5), null, chunksize);
            assertEquals(List.of(0, 1), it.next());
            assertEquals(List.of(0, 1), it.next());
            assertThrows(ArithmeticException.class, it::next, "chunksize " + chunksize);
            assertFalse(it.hasNext(), "chunksize " + chunksize);
        }
    }

    @Test
    void mapTwoIterablesRejectsBadArguments() {
        for (int chunksize : new int[] {0, -1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> executor.<Integer, Integer, Integer>map(FutureFixtures::mul, List.of(1), List.of(2), null,
                            chunksize));
            assertTrue(e.getMessage().contains("chunksize") && e.getMessage().contains(String.valueOf(chunksize)),
                    e.getMessage());
        }
        assertThrows(NullPointerException.class,
                () -> executor.<Integer, Integer, Integer>map(null, List.of(1), List.of(2), null, 1));
        assertThrows(NullPointerException.class,
                () -> executor.<Integer, Integer, Integer>map(FutureFixtures::mul, null, List.of(2), null, 1));
        assertThrows(NullPointerException.class,
                () -> executor.<Integer, Integer, Integer>map(FutureFixtures::mul, List.of(1), null, null, 1));
    }

    @Test
    void mapNextWithDurationTimesOut() {
        ResultIterator<Void> it = executor.map(FutureFixtures::sleep, List.of(500L));
        assertThrows(TimeoutError.class, () -> it.next(Duration.ofMillis(50)));
    }

    // ---- shutdown and close

    @Test
    void shutdownWaitTrueWaitsForPendingWork() {
        List<Future<Void>> fs = new ArrayList<>();
        for (int i = 0; i < 2 * workerCount(); i++) {
            fs.add(executor.submit(() -> FutureFixtures.sleep(50)));
        }
        executor.shutdown(true);
        for (Future<Void> f : fs) {
            assertTrue(f.done());
            assertFalse(f.cancelled());
        }
        assertTrue(executor.isShutdown());
        assertTrue(executor.isTerminated());
    }

    @Test
    void closeWaitsAndTryWithResources() {
        List<Future<Void>> fs = new ArrayList<>();
        try (Executor e = newExecutor(2)) {
            for (int i = 0; i < 4; i++) {
                fs.add(e.submit(() -> FutureFixtures.sleep(50)));
            }
        }
        for (Future<Void> f : fs) {
            assertTrue(f.done());
        }
        Executor closed = newExecutor(1);
        closed.close();
        assertTrue(closed.isShutdown());
        assertTrue(closed.isTerminated());
        closed.close();
        closed.shutdown(true);
    }

    @Test
    void everythingIsRejectedAfterShutdown() {
        executor.shutdown(true);
        for (Runnable call : List.<Runnable>of(
                () -> executor.submit(() -> FutureFixtures.mul(1, 2)),
                () -> executor.submit(() -> {
                    FutureFixtures.abs(1);
                }),
                () -> executor.map(FutureFixtures::abs, List.of(1, 2)),
                () -> executor.execute(() -> FutureFixtures.abs(1)))) {
            RejectedExecutionException e = assertThrows(RejectedExecutionException.class, call::run);
            assertEquals("cannot schedule new futures after shutdown", e.getMessage());
        }
    }

    @Test
    void submitAfterCloseIsRejected() {
        Executor e = newExecutor(1);
        e.close();
        assertThrows(RejectedExecutionException.class, () -> e.submit(() -> FutureFixtures.mul(1, 2)));
    }

    // ---- ExecutorService

    @Test
    void invokeAllReturnsDoneFuturesInOrder() throws Exception {
        List<SerializableCallable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int n = i;
            tasks.add(() -> FutureFixtures.mul(n, n));
        }
        List<java.util.concurrent.Future<Integer>> fs = executor.invokeAll(tasks);
        assertEquals(8, fs.size());
        for (int i = 0; i < 8; i++) {
            assertTrue(fs.get(i).isDone());
            assertEquals(i * i, fs.get(i).get());
        }
    }

    @Test
    void invokeAllWithTimeoutCancelsWhatIsUnfinished() throws Exception {
        List<SerializableCallable<Object>> tasks = List.of(
                () -> FutureFixtures.mul(2, 3),
                () -> FutureFixtures.sleep(2_000));
        List<java.util.concurrent.Future<Object>> fs = executor.invokeAll(tasks, 300, TimeUnit.MILLISECONDS);
        assertEquals(6, fs.get(0).get());
        assertTrue(fs.get(1).isDone());
        assertTrue(fs.get(1).isCancelled());
    }

    @Test
    void invokeAnyReturnsASuccessfulResult() throws Exception {
        List<SerializableCallable<Object>> tasks = List.of(
                () -> throwUnchecked("no"),
                () -> FutureFixtures.mul(6, 7),
                () -> throwChecked("no"));
        assertEquals(42, executor.invokeAny(tasks));
        assertEquals(42, executor.invokeAny(tasks, 10, TimeUnit.SECONDS));
    }

    @Test
    void invokeAnyWhenAllFailThrowsExecutionException() {
        List<SerializableCallable<Object>> tasks = List.of(() -> throwUnchecked("a"), () -> throwChecked("b"));
        assertThrows(ExecutionException.class, () -> executor.invokeAny(tasks));
    }

    @Test
    void invokeAnyTimesOutWithJdkTimeoutException() {
        List<SerializableCallable<Void>> tasks = List.of(() -> FutureFixtures.sleep(1_000));
        assertThrows(java.util.concurrent.TimeoutException.class,
                () -> executor.invokeAny(tasks, 100, TimeUnit.MILLISECONDS));
    }

    @Test
    void invokeAnyOfNoTasksIsIllegal() {
        assertThrows(IllegalArgumentException.class, () -> executor.invokeAny(List.<SerializableCallable<Object>>of()));
    }

    @Test
    void invokeAllOfNoTasks() throws Exception {
        assertEquals(List.of(), executor.invokeAll(List.<SerializableCallable<Object>>of()));
    }

    @Test
    void interruptedMapNextThrowsInterruptedError() {
        ResultIterator<Void> it = executor.map(FutureFixtures::sleep, List.of(300L));
        Thread.currentThread().interrupt();
        try {
            assertThrows(dev.mp4j.InterruptedError.class, it::next);
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void awaitTerminationIsShutdownIsTerminated() throws Exception {
        Future<Void> f = executor.submit(() -> FutureFixtures.sleep(200));
        assertFalse(executor.isShutdown());
        assertFalse(executor.isTerminated());
        assertFalse(executor.awaitTermination(20, TimeUnit.MILLISECONDS));
        executor.shutdown();
        assertTrue(executor.isShutdown());
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(executor.isTerminated());
        assertTrue(f.done());
    }
}
