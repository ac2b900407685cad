package dev.mp4j.multiprocessing.pool.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.futures.TimeoutError;
import dev.mp4j.multiprocessing.AsyncResult;
import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pool;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The limits of multiprocessing Pool beyond Python (billiard's): time limits, soft limits, memory recycling. */
class PoolLimitsTest {
    private static final Context QUICK = Multiprocessing.getContext("spawn")
            .withJvmOptions(List.of("-XX:TieredStopAtLevel=1"));
    private static final Duration LONG = Duration.ofSeconds(30);

    private static Pool.Builder builder() {
        return Pool.builder().processes(2).context(QUICK);
    }

    static long sleepThenPid(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return ProcessHandle.current().pid();
    }

    @Test
    @Timeout(60)
    void applyAsyncWithATimeoutKillsOnlyThatTask() {
        try (Pool pool = builder().build()) {
            AsyncResult<Long> slow = pool.applyAsync(() -> sleepThenPid(10_000), Duration.ofMillis(300));
            AsyncResult<Long> other = pool.applyAsync(() -> sleepThenPid(800));
            assertThrows(TimeoutError.class, () -> slow.get(LONG));
            assertTrue(slow.ready() && !slow.successful());
            assertTrue(other.get(LONG) > 0); // the task beside it was not touched
            assertEquals(List.of(1, 4, 9), pool.map(x -> x * x, List.of(1, 2, 3)));
            assertEquals(5L, pool.applyAsync(() -> 5L, null).get(LONG));
        }
    }

    @Test
    @Timeout(60)
    void timeLimitAndSoftTimeLimit() {
        try (Pool pool = builder().softTimeLimit(Duration.ofMillis(300)).timeLimit(Duration.ofMillis(1500)).build()) {
            AsyncResult<String> polite = pool.applyAsync(() -> {
                try {
                    Thread.sleep(10_000);
                    return "slept";
                } catch (InterruptedException e) {
                    return "cleaned up";
                }
            });
            AsyncResult<String> stubborn = pool.applyAsync(() -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                return "done";
            });
            assertEquals("cleaned up", polite.get(LONG));
            assertThrows(TimeoutError.class, () -> stubborn.get(LONG));
            assertEquals(List.of(2, 3), pool.map(x -> x + 1, List.of(1, 2)));
        }
    }

    @Test
    @Timeout(60)
    void maxMemoryPerChildRecyclesAfterEachTask() {
        try (Pool pool = builder().maxMemoryPerChild(1).build()) {
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                assertTrue(seen.add(pool.apply(() -> ProcessHandle.current().pid())), "a worker ran two tasks");
            }
        }
    }

    @Test
    @Timeout(30)
    void threadPoolHonoursTimeLimits() {
        try (Pool pool = Pool.builder().processes(2).context(Multiprocessing.dummy())
                .softTimeLimit(Duration.ofMillis(200)).timeLimit(Duration.ofSeconds(1)).build()) {
            AsyncResult<String> polite = pool.applyAsync(() -> {
                try {
                    Thread.sleep(10_000);
                    return "slept";
                } catch (InterruptedException e) {
                    return "cleaned up";
                }
            });
            assertEquals("cleaned up", polite.get(LONG));
            AsyncResult<Integer> capped = pool.applyAsync(() -> {
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                return 1;
            }, Duration.ofMillis(300));
            assertThrows(TimeoutError.class, () -> capped.get(LONG));
            assertEquals(List.of(1, 2), pool.map(x -> x, List.of(1, 2)));
        }
    }

    @Test
    void invalidLimitsAreRejectedByName() {
        Pool.Builder b = Pool.builder();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.timeLimit(Duration.ofSeconds(-1)))
                .getMessage().contains("timeLimit"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.softTimeLimit(Duration.ZERO))
                .getMessage().contains("softTimeLimit"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.maxMemoryPerChild(-3))
                .getMessage().contains("maxMemoryPerChild"));
    }
}
