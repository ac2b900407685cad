package dev.mp4j.futures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CPython's ExecutorTest, for every executor kind. Shutdown and try-with-resources are in
 * {@link ExecutorShutdownTest}.
 */
@Timeout(60)
abstract class ExecutorTest extends ExecutorTestBase {

    @Test
    @DisplayName("test_submit")
    void testSubmit() {
        Future<Integer> future = executor.submit(() -> FutureFixtures.pow(2, 8));
        assertEquals(256, future.result());
    }

    @Test
    @DisplayName("test_submit_keyword (Java has no keyword arguments: the call names its arguments itself)")
    void testSubmitKeyword() {
        int y = 8;
        Future<Integer> future = executor.submit(() -> FutureFixtures.mul(2, y));
        assertEquals(16, future.result());
    }

    @Test
    @DisplayName("test_map")
    void testMap() {
        List<Integer> range = IntStream.range(0, 10).boxed().toList();
        List<Integer> expected = range.stream().map(i -> FutureFixtures.pow(i, i)).toList();
        assertEquals(expected, executor.<Integer, Integer, Integer>map(FutureFixtures::pow, range, range).toList());
    }

    @Test
    @DisplayName("test_map_exception")
    void testMapException() {
        ResultIterator<List<Integer>> i = executor.map(FutureFixtures::divmod, List.of(1, 1, 1, 1), List.of(2, 3, 0, 5));
        assertEquals(List.of(0, 1), i.next());
        assertEquals(List.of(0, 1), i.next());
        assertThrows(ArithmeticException.class, i::next);
    }

    @Test
    @DisplayName("test_map_timeout")
    void testMapTimeout() {
        List<Void> results = new ArrayList<>();
        assertThrows(TimeoutError.class, () -> {
            for (Void i : executor.<Long, Void>map(FutureFixtures::sleep, List.of(0L, 0L, 1000L),
                    Duration.ofMillis(500), 1)) {
                results.add(i);
            }
        }, "expected TimeoutError");
        assertEquals(Collections.nCopies(2, null), results);
    }

    @Test
    @DisplayName("test_shutdown_race_issue12456")
    void testShutdownRaceIssue12456() {
        // Issue #12456: shutdown right after more calls than workers were queued must not hang.
        ResultIterator<String> it = executor.map(x -> String.valueOf(x),
                Collections.nCopies(workerCount() + 1, 2));
        executor.shutdown();
        assertEquals(Collections.nCopies(workerCount() + 1, "2"), it.toList());
    }

    @Test
    @DisplayName("test_no_stale_references")
    void testNoStaleReferences() throws InterruptedException {
        // Issue #16284: the executor must not hold on to a task (and what it captures) once it has run.
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> ref = submitAndDiscard(executor, queue);
        Reference<?> collected = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (collected == null && System.nanoTime() < deadline) {
            System.gc();
            collected = queue.remove(50);
        }
        assertNotNull(collected, "Stale reference not collected within timeout.");
        assertTrue(ref.refersTo(null));
    }

    /** Submits a call of a fresh object's method and discards both the object and the future. */
    private static WeakReference<Object> submitAndDiscard(Executor executor, ReferenceQueue<Object> queue) {
        FutureFixtures.MyObject myObject = new FutureFixtures.MyObject();
        WeakReference<Object> ref = new WeakReference<>(myObject, queue);
        executor.submit(() -> myObject.myMethod());
        return ref;
    }

    @Test
    @DisplayName("test_max_workers_negative")
    void testMaxWorkersNegative() {
        for (int number : new int[] {0, -1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> newExecutor(number));
            assertEquals("maxWorkers must be greater than 0", e.getMessage());
        }
    }
}
