package dev.mp4j.threading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The module functions and factories of {@link Threading}. */
class ThreadingTest {
    @Test
    void currentThread() throws InterruptedException {
        assertSame(Thread.currentThread(), Threading.currentThread());
        AtomicReference<Thread> seen = new AtomicReference<>();
        Thread v = Thread.ofVirtual().start(() -> seen.set(Threading.currentThread()));
        Waits.join(v);
        assertSame(v, seen.get());
    }

    @Test
    void mainThread() {
        Thread main = Threading.mainThread();
        assertNotNull(main);
        assertEquals("main", main.getName());
        assertFalse(main.isVirtual());
        assertSame(main, Threading.mainThread());
        AtomicReference<Thread> fromOther = new AtomicReference<>();
        Thread t = new Thread(() -> fromOther.set(Threading.mainThread()));
        t.start();
        Waits.join(t);
        assertSame(main, fromOther.get());
        assertTrue(Threading.enumerate().contains(main));
    }

    @Test
    void enumerateListsLiveThreads() {
        CountDownLatch release = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "enumerate-me");
        Thread notStarted = new Thread(() -> {});
        t.start();
        try {
            List<Thread> live = Threading.enumerate();
            assertTrue(live.contains(Thread.currentThread()));
            assertTrue(live.contains(t));
            assertFalse(live.contains(notStarted));
            assertThrows(UnsupportedOperationException.class, () -> live.add(notStarted));
        } finally {
            release.countDown();
            Waits.join(t);
        }
        assertFalse(Threading.enumerate().contains(t));
    }

    @Test
    void enumerateFromAVirtualThreadIncludesIt() {
        AtomicReference<List<Thread>> seen = new AtomicReference<>();
        Thread v = Thread.ofVirtual().start(() -> seen.set(Threading.enumerate()));
        Waits.join(v);
        assertTrue(seen.get().contains(v));
        assertTrue(seen.get().contains(Threading.mainThread()));
    }

    @Test
    void activeCountIsTheSizeOfEnumerate() {
        CountDownLatch release = new CountDownLatch(1);
        Bunch b = new Bunch(3, release::await);
        b.waitForStarted();
        try {
            // other JVM threads may come and go between the two calls; they agree on a quiet moment
            boolean agreed = false;
            for (int i = 0; i < 20 && !agreed; i++) {
                agreed = Threading.activeCount() == Threading.enumerate().size();
            }
            assertTrue(agreed);
            assertTrue(Threading.activeCount() >= 4);
        } finally {
            release.countDown();
            b.waitForFinished();
        }
    }

    @Test
    void factoriesMakeFreshObjects() {
        assertFalse(Threading.lock().locked());
        assertFalse(Threading.rlock().locked());
        assertTrue(Threading.rlock() instanceof RLock);
        assertFalse(Threading.condition().locked());
        assertEquals(4, Threading.semaphore(4).value());
        assertEquals(4, Threading.boundedSemaphore(4).value());
        assertFalse(Threading.event().isSet());
        assertEquals(2, Threading.barrier(2).parties());
        assertEquals(3, Threading.barrier(3, null, null).parties());
        assertThrows(IllegalArgumentException.class, () -> Threading.barrier(0));
        assertThrows(IllegalArgumentException.class, () -> Threading.semaphore(-1));
        assertThrows(IllegalArgumentException.class, () -> Threading.boundedSemaphore(-1));
    }

    @Test
    void defaultConditionIsOverAReentrantLock() {
        Condition cond = Threading.condition();
        cond.acquire();
        assertTrue(cond.acquire(false)); // re-entrant: the owner acquires again at once
        assertTrue(cond.toString().startsWith("<Condition(<locked RLock owner="), cond.toString());
        AtomicReference<Boolean> other = new AtomicReference<>();
        Thread t = new Thread(() -> other.set(cond.acquire(false)));
        t.start();
        Waits.join(t);
        assertEquals(false, other.get());
        cond.release();
        cond.release();
        assertThrows(IllegalMonitorStateException.class, cond::release);
    }

    @Test
    void conditionOverALockShareItsState() {
        Lock lock = Threading.lock();
        Condition cond = Threading.condition(lock);
        try (Guard _ = cond.enter()) {
            assertTrue(lock.locked());
            assertFalse(cond.await(Duration.ofMillis(1)));
            assertTrue(lock.locked());
        }
        assertFalse(lock.locked());
        assertThrows(IllegalStateException.class, cond::release);
    }
}
