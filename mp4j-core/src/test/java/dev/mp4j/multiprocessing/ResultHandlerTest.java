package dev.mp4j.multiprocessing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The order in which a pool's result handler runs what is posted to it and what runs in place. */
@Timeout(30)
class ResultHandlerTest {
    @Test
    void anIdleHandlerLetsAResultBeMadeReadyInTheCallersThread() {
        PoolResults.Handler handler = new PoolResults.Handler("test");
        try {
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            assertTrue(handler.runIfIdle(() -> ranOn.set(Thread.currentThread())));
            assertSame(Thread.currentThread(), ranOn.get());
        } finally {
            handler.stop();
        }
    }

    @Test
    void nothingRunsInPlaceAheadOfWhatWasPostedBefore() throws Exception {
        PoolResults.Handler handler = new PoolResults.Handler("test");
        try {
            List<String> order = new CopyOnWriteArrayList<>();
            CountDownLatch release = new CountDownLatch(1);
            handler.post(() -> {
                await(release);
                order.add("posted");
            });
            assertFalse(handler.runIfIdle(() -> order.add("in place")), "it ran ahead of what was posted before");
            CountDownLatch done = new CountDownLatch(1);
            handler.post(() -> {
                order.add("posted after");
                done.countDown();
            });
            release.countDown();
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals(List.of("posted", "posted after"), order);
            // once what was posted has run, the handler is idle again
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            boolean ran = false;
            while (!ran && System.nanoTime() < deadline) {
                ran = handler.runIfIdle(() -> order.add("in place"));
                Thread.sleep(1); // the handler thread counts its last run done just after it
            }
            assertTrue(ran, "the handler stayed busy");
        } finally {
            handler.stop();
        }
    }

    @Test
    void whatIsPostedWhileARunInPlaceIsUnderWayRunsAfterIt() throws Exception {
        PoolResults.Handler handler = new PoolResults.Handler("test");
        try {
            List<String> order = new CopyOnWriteArrayList<>();
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread inPlace = Thread.ofPlatform().start(() -> handler.runIfIdle(() -> {
                inside.countDown();
                await(release);
                order.add("in place");
            }));
            assertTrue(inside.await(10, TimeUnit.SECONDS));
            CountDownLatch done = new CountDownLatch(1);
            handler.post(() -> {
                order.add("posted");
                done.countDown();
            });
            assertFalse(handler.runIfIdle(() -> order.add("second in place")), "two ran in place at once");
            assertFalse(done.await(200, TimeUnit.MILLISECONDS), "what was posted ran during the run in place");
            release.countDown();
            assertTrue(done.await(10, TimeUnit.SECONDS));
            inPlace.join(10_000);
            assertEquals(List.of("in place", "posted"), order);
        } finally {
            handler.stop();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
