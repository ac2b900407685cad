package dev.mp4j.multiprocessing.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.mp4j.multiprocessing.AsyncResult;
import dev.mp4j.multiprocessing.ThreadPool;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A pool that nobody references is terminated; one whose result someone waits for is not (Pool's class
 * contract). Shown on a ThreadPool, whose engine is the one a pool of worker JVMs has.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PoolReachabilityTest {
    @Test
    void anUnreachablePoolIsTerminated() throws Exception {
        Thread handler = resultHandlerOfADroppedPool();
        for (int i = 0; i < 200 && handler.isAlive(); i++) {
            System.gc();
            handler.join(100);
        }
        assertFalse(handler.isAlive(), "the result-handler thread of an unreachable pool ends: " + handler);
    }

    @Test
    void aResultSomeoneWaitsForKeepsItsPool() {
        CountDownLatch go = new CountDownLatch(1);
        AsyncResult<Integer> r = new ThreadPool(1).applyAsync(() -> {
            go.await();
            return 5;
        });
        for (int i = 0; i < 5; i++) {
            System.gc();
            assertFalse(r.await(Duration.ofMillis(50)));
        }
        go.countDown();
        assertEquals(5, r.get(Duration.ofSeconds(10)));
    }

    /** @return the result-handler thread of a pool no longer referenced once this returns */
    private static Thread resultHandlerOfADroppedPool() throws Exception {
        CompletableFuture<Thread> handler = new CompletableFuture<>();
        AsyncResult<Integer> r = new ThreadPool(1).applyAsync(() -> 1, v -> handler.complete(Thread.currentThread()),
                handler::completeExceptionally);
        assertEquals(1, r.get(Duration.ofSeconds(10)));
        Thread t = handler.get(10, TimeUnit.SECONDS);
        assertNotNull(t);
        return t;
    }
}
