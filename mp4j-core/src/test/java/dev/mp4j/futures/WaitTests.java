package dev.mp4j.futures;

import static dev.mp4j.futures.FutureFixtures.cancelledAndNotifiedFuture;
import static dev.mp4j.futures.FutureFixtures.cancelledFuture;
import static dev.mp4j.futures.FutureFixtures.exceptionFuture;
import static dev.mp4j.futures.FutureFixtures.successfulFuture;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CPython's WaitTests, for every executor kind. Sleeps are shortened (1.5 s to 0.3 s, 3 s to 0.6 s, 6 s
 * to 1 s, the 5 s timeout to 0.5 s), keeping their order.
 */
@Timeout(60)
abstract class WaitTests extends ExecutorTestBase {
    private final Future<Object> cancelledFuture = cancelledFuture();
    private final Future<Object> cancelledAndNotifiedFuture = cancelledAndNotifiedFuture();
    private final Future<Object> exceptionFuture = exceptionFuture();
    private final Future<Object> successfulFuture = successfulFuture();

    @Test
    @DisplayName("test_first_completed")
    void testFirstCompleted() {
        Future<Integer> future1 = executor.submit(() -> FutureFixtures.mul(21, 2));
        Future<Void> future2 = executor.submit(() -> FutureFixtures.sleep(300));

        DoneAndNotDone<Future<?>> r = Futures.wait(
                List.<Future<?>>of(cancelledFuture, future1, future2), ReturnWhen.FIRST_COMPLETED);

        assertEquals(Set.of(future1), r.done());
        assertEquals(Set.of(cancelledFuture, future2), r.notDone());
    }

    @Test
    @DisplayName("test_first_completed_some_already_completed")
    void testFirstCompletedSomeAlreadyCompleted() {
        Future<Void> future1 = executor.submit(() -> FutureFixtures.sleep(300));

        DoneAndNotDone<Future<?>> r = Futures.wait(
                List.<Future<?>>of(cancelledAndNotifiedFuture, successfulFuture, future1),
                ReturnWhen.FIRST_COMPLETED);

        assertEquals(Set.of(cancelledAndNotifiedFuture, successfulFuture), r.done());
        assertEquals(Set.of(future1), r.notDone());
    }

    @Test
    @DisplayName("test_first_exception")
    void testFirstException() {
        Future<Integer> future1 = executor.submit(() -> FutureFixtures.mul(2, 21));
        Future<Object> future2 = executor.submit(() -> FutureFixtures.sleepAndRaise(300));
        Future<Void> future3 = executor.submit(() -> FutureFixtures.sleep(600));

        DoneAndNotDone<Future<?>> r = Futures.wait(
                List.<Future<?>>of(future1, future2, future3), ReturnWhen.FIRST_EXCEPTION);

        assertEquals(Set.of(future1, future2), r.done());
        assertEquals(Set.of(future3), r.notDone());
    }

    @Test
    @DisplayName("test_first_exception_some_already_complete")
    void testFirstExceptionSomeAlreadyComplete() {
        Future<List<Integer>> future1 = executor.submit(() -> FutureFixtures.divmod(21, 0));
        Future<Void> future2 = executor.submit(() -> FutureFixtures.sleep(300));

        DoneAndNotDone<Future<?>> r = Futures.wait(
                List.<Future<?>>of(successfulFuture, cancelledFuture, cancelledAndNotifiedFuture, future1, future2),
                ReturnWhen.FIRST_EXCEPTION);

        assertEquals(Set.of(successfulFuture, cancelledAndNotifiedFuture, future1), r.done());
        assertEquals(Set.of(cancelledFuture, future2), r.notDone());
    }

    @Test
    @DisplayName("test_first_exception_one_already_failed")
    void testFirstExceptionOneAlreadyFailed() {
        Future<Void> future1 = executor.submit(() -> FutureFixtures.sleep(400));

        DoneAndNotDone<Future<?>> r = Futures.wait(
                List.<Future<?>>of(exceptionFuture, future1), ReturnWhen.FIRST_EXCEPTION);

        assertEquals(Set.of(exceptionFuture), r.done());
        assertEquals(Set.of(future1), r.notDone());
    }

    @Test
    @DisplayName("test_all_completed")
    void testAllCompleted() {
        Future<List<Integer>> future1 = executor.submit(() -> FutureFixtures.divmod(2, 0));
        Future<Integer> future2 = executor.submit(() -> FutureFixtures.mul(2, 21));

        DoneAndNotDone<Future<?>> r = Futures.wait(
                List.<Future<?>>of(successfulFuture, cancelledAndNotifiedFuture, exceptionFuture, future1, future2),
                ReturnWhen.ALL_COMPLETED);

        assertEquals(Set.of(successfulFuture, cancelledAndNotifiedFuture, exceptionFuture, future1, future2),
                r.done());
        assertEquals(Set.of(), r.notDone());
    }

    @Test
    @DisplayName("test_timeout")
    void testTimeout() {
        Future<Integer> future1 = executor.submit(() -> FutureFixtures.mul(6, 7));
        Future<Void> future2 = executor.submit(() -> FutureFixtures.sleep(1000));

        DoneAndNotDone<Future<?>> r = Futures.wait(
                List.<Future<?>>of(cancelledAndNotifiedFuture, exceptionFuture, successfulFuture, future1, future2),
                Duration.ofMillis(500), ReturnWhen.ALL_COMPLETED);

        assertEquals(Set.of(cancelledAndNotifiedFuture, exceptionFuture, successfulFuture, future1), r.done());
        assertEquals(Set.of(future2), r.notDone());
    }
}
