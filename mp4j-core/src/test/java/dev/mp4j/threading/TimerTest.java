package dev.mp4j.threading;

import static dev.mp4j.threading.Waits.since;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link Timer}: Python's {@code threading.Timer}. */
class TimerTest {
    @Test
    void firesAfterTheInterval() throws InterruptedException {
        AtomicLong firedAt = new AtomicLong();
        CountDownLatch fired = new CountDownLatch(1);
        Timer timer = new Timer(Duration.ofMillis(200), () -> {
            firedAt.set(System.nanoTime());
            fired.countDown();
        });
        assertFalse(timer.isAlive()); // nothing happens before start()
        long start = System.nanoTime();
        timer.start();
        assertTrue(fired.await(20, TimeUnit.SECONDS));
        Waits.join(timer);
        Waits.assertTimeout((firedAt.get() - start) / 1e9, 0.2);
    }

    @Test
    void cancelBeforeTheIntervalStopsTheAction() {
        AtomicInteger runs = new AtomicInteger();
        Timer timer = new Timer(Duration.ofSeconds(30), runs::incrementAndGet);
        timer.start();
        long start = System.nanoTime();
        timer.cancel();
        Waits.join(timer);
        assertTrue(since(start) < 20, "cancel ends the wait");
        assertEquals(0, runs.get());
    }

    @Test
    void cancelBeforeStartStopsTheAction() {
        AtomicInteger runs = new AtomicInteger();
        Timer timer = new Timer(Duration.ZERO, runs::incrementAndGet);
        timer.cancel();
        timer.start();
        Waits.join(timer);
        assertEquals(0, runs.get());
    }

    @Test
    void cancelAfterFiringChangesNothing() {
        AtomicInteger runs = new AtomicInteger();
        Timer timer = new Timer(Duration.ZERO, runs::incrementAndGet);
        timer.start();
        Waits.join(timer);
        timer.cancel();
        assertEquals(1, runs.get());
    }

    @Test
    void negativeIntervalFiresAtOnce() {
        AtomicInteger runs = new AtomicInteger();
        Timer timer = new Timer(Duration.ofSeconds(-100), runs::incrementAndGet);
        long start = System.nanoTime();
        timer.start();
        Waits.join(timer);
        assertEquals(1, runs.get());
        assertTrue(since(start) < 20);
    }

    @Test
    void interruptingTheTimerCancelsIt() {
        AtomicInteger runs = new AtomicInteger();
        Timer timer = new Timer(Duration.ofSeconds(30), runs::incrementAndGet);
        timer.start();
        Waits.awaitBlocked(timer);
        timer.interrupt();
        Waits.join(timer);
        assertEquals(0, runs.get());
    }

    @Test
    void nullArgumentsAreRefusedByName() {
        NullPointerException e1 = assertThrows(NullPointerException.class, () -> new Timer(null, () -> {}));
        assertEquals("interval", e1.getMessage());
        NullPointerException e2 = assertThrows(NullPointerException.class, () -> new Timer(Duration.ZERO, null));
        assertEquals("action", e2.getMessage());
    }

    @Test
    void isAThread() {
        Timer timer = new Timer(Duration.ZERO, () -> {});
        Thread t = timer;
        assertEquals(Thread.State.NEW, t.getState());
    }
}
