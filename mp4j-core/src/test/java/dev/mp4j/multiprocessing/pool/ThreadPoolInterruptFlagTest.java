package dev.mp4j.multiprocessing.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mp4j.multiprocessing.AsyncResult;
import dev.mp4j.multiprocessing.Pool;
import dev.mp4j.multiprocessing.ThreadPool;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A ThreadPool task that ends with its thread's interrupt flag set does not end its worker thread. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ThreadPoolInterruptFlagTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aTaskThatLeavesItsThreadInterruptedDoesNotFailTheNext() {
        Pool pool = new ThreadPool(1);
        try {
            pool.map(x -> x, List.of(1, 2, 3, 4, 5, 6, 7, 8), 1);
            AsyncResult<Integer> first = pool.applyAsync(() -> {
                Thread.sleep(200);
                Thread.currentThread().interrupt(); // the idiom after catching an InterruptedException
                return 1;
            });
            AsyncResult<Integer> second = pool.applyAsync(() -> 2);
            assertEquals(1, first.get(WAIT));
            assertEquals(2, second.get(WAIT));
            assertEquals(3, pool.apply(() -> 3));
            assertEquals(0, pool.stats().workersLost(), pool.stats().toString());
            assertEquals(1, pool.stats().workersStarted(), pool.stats().toString());
        } finally {
            pool.terminate();
        }
    }
}
