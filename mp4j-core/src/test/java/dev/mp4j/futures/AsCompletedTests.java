package dev.mp4j.futures;

import static dev.mp4j.futures.FutureFixtures.cancelledAndNotifiedFuture;
import static dev.mp4j.futures.FutureFixtures.exceptionFuture;
import static dev.mp4j.futures.FutureFixtures.successfulFuture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** CPython's AsCompletedTests, for every executor kind (2 s sleeps shortened to 0.4 s). */
@Timeout(60)
abstract class AsCompletedTests extends ExecutorTestBase {
    private final Future<Object> cancelledAndNotifiedFuture = cancelledAndNotifiedFuture();
    private final Future<Object> exceptionFuture = exceptionFuture();
    private final Future<Object> successfulFuture = successfulFuture();

    @Test
    @DisplayName("test_no_timeout")
    void testNoTimeout() {
        Future<Integer> future1 = executor.submit(() -> FutureFixtures.mul(2, 21));
        Future<Integer> future2 = executor.submit(() -> FutureFixtures.mul(7, 6));

        Set<Future<?>> completed = new HashSet<>(Futures.asCompleted(List.<Future<?>>of(
                cancelledAndNotifiedFuture, exceptionFuture, successfulFuture, future1, future2)).toList());

        assertEquals(Set.of(cancelledAndNotifiedFuture, exceptionFuture, successfulFuture, future1, future2),
                completed);
    }

    @Test
    @DisplayName("test_zero_timeout")
    void testZeroTimeout() {
        Future<Void> future1 = executor.submit(() -> FutureFixtures.sleep(400));
        Set<Future<?>> completedFutures = new HashSet<>();

        assertThrows(TimeoutError.class, () -> {
            for (Future<?> future : Futures.asCompleted(List.<Future<?>>of(
                    cancelledAndNotifiedFuture, exceptionFuture, successfulFuture, future1), Duration.ZERO)) {
                completedFutures.add(future);
            }
        });

        assertEquals(Set.of(cancelledAndNotifiedFuture, exceptionFuture, successfulFuture), completedFutures);
    }

    @Test
    @DisplayName("test_duplicate_futures")
    void testDuplicateFutures() {
        // Issue 20367: duplicate futures are yielded once, without error.
        Future<Void> future1 = executor.submit(() -> FutureFixtures.sleep(400));
        List<Future<Void>> completed = Futures.asCompleted(List.of(future1, future1)).toList();
        assertEquals(List.of(future1), completed);
    }
}
