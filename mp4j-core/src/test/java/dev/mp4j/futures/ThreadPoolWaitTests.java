package dev.mp4j.futures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** CPython's ThreadPoolWaitTests. */
class ThreadPoolWaitTests extends WaitTests {
    @Override
    protected Executor newExecutor(int maxWorkers) {
        return new ThreadPoolExecutor(maxWorkers);
    }

    @Test
    @DisplayName("test_pending_calls_race")
    void testPendingCallsRace() {
        // Issue #14406: many futures completing at once while wait() registers its waiter.
        CountDownLatch event = new CountDownLatch(1);
        Set<Future<Boolean>> fs = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            fs.add(executor.submit(() -> event.await(30, TimeUnit.SECONDS)));
        }
        event.countDown();
        DoneAndNotDone<Future<Boolean>> r = Futures.wait(fs, ReturnWhen.ALL_COMPLETED);
        assertEquals(fs, r.done());
        assertTrue(r.notDone().isEmpty());
    }
}
