package dev.mp4j.threading;

import static dev.mp4j.threading.Waits.assertTimeout;
import static dev.mp4j.threading.Waits.awaitBlocked;
import static dev.mp4j.threading.Waits.since;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mp4j.InterruptedError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * CPython's {@code lock_tests.ConditionTests}, with the order in which {@code signal(n)} wakes waiters
 * checked exactly, plus the mp4j mapping rules. Subclasses make the conditions and locks.
 */
abstract class ConditionTests {
    /** @return a condition over the default lock (re-entrant unless {@link #reentrant()} says otherwise) */
    protected abstract Condition newCondition();

    /** @return a condition over {@code lock} */
    protected abstract Condition newCondition(Lock lock);

    /** @return a plain (not re-entrant) lock of the same family */
    protected abstract Lock newLock();

    /** @return whether {@link #newCondition()} waits on a re-entrant lock */
    protected boolean reentrant() {
        return true;
    }

    // test_acquire
    @Test
    void acquire() {
        if (reentrant()) {
            // by default the condition has an RLock: it can be acquired several times
            Condition cond = newCondition();
            cond.acquire();
            cond.acquire();
            cond.release();
            cond.release();
            assertFalse(cond.locked());
        }
        Lock lock = newLock();
        Condition cond = newCondition(lock);
        cond.acquire();
        assertFalse(lock.acquire(false));
        assertTrue(cond.locked());
        cond.release();
        assertTrue(lock.acquire(false));
        assertFalse(cond.acquire(false));
        assertFalse(cond.acquire(Duration.ZERO));
        lock.release();
        try (Guard _ = cond.enter()) {
            assertFalse(lock.acquire(false));
        }
        assertTrue(cond.acquire(Duration.ofSeconds(1)));
        cond.release();
        assertFalse(lock.locked());
    }

    // test_unacquired_wait
    @Test
    void unacquiredWait() {
        Condition cond = newCondition();
        assertThrows(IllegalMonitorStateException.class, cond::await);
        assertThrows(IllegalMonitorStateException.class, () -> cond.await(Duration.ofSeconds(1)));
        assertThrows(IllegalMonitorStateException.class, () -> cond.awaitFor(() -> false));
        Condition overLock = newCondition(newLock());
        assertThrows(IllegalMonitorStateException.class, overLock::await);
    }

    // test_unacquired_notify
    @Test
    void unacquiredNotify() {
        Condition cond = newCondition();
        assertThrows(IllegalMonitorStateException.class, cond::signal);
        assertThrows(IllegalMonitorStateException.class, () -> cond.signal(2));
        assertThrows(IllegalMonitorStateException.class, cond::signalAll);
        Condition overLock = newCondition(newLock());
        assertThrows(IllegalMonitorStateException.class, overLock::signal);
    }

    /**
     * CPython's {@code _check_notify}, exact: five threads wait twice each; the test knows the order in which
     * they queued (each records its id under the lock just before waiting), so it can tell exactly which
     * ones {@code signal(3)}, {@code signal(2)}, {@code signal(4)} and {@code signalAll()} must wake, and
     * each woken thread reports the phase it saw, so an extra or a missing wake-up shows.
     */
    private static void checkNotify(Condition cond) {
        int n = 5;
        List<Integer> queued = new ArrayList<>(); // guarded by cond: ids in the order they began waiting
        java.util.concurrent.Semaphore ready = new java.util.concurrent.Semaphore(0);
        BlockingQueue<List<Integer>> results = new LinkedBlockingQueue<>(); // [id, wait number, phase]
        AtomicInteger phase = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int id = i;
            Thread t = new Thread(() -> {
                for (int round = 1; round <= 2; round++) {
                    cond.acquire();
                    queued.add(id);
                    ready.release();
                    boolean r = cond.await();
                    int p = phase.get();
                    cond.release();
                    results.add(r ? List.of(id, round, p) : List.of(id, round, -1));
                }
            });
            t.start();
            threads.add(t);
            Waits.acquire(ready, 1); // start them one by one, so they queue in id order
        }
        // signal(3): the three longest waiters
        List<List<Integer>> expected = new ArrayList<>();
        wakeAndCheck(cond, queued, 3, () -> cond.signal(3), phase, 1, results, expected);
        Waits.acquire(ready, 3); // they queue again for their second wait
        wakeAndCheck(cond, queued, 2, () -> cond.signal(2), phase, 2, results, expected);
        Waits.acquire(ready, 2);
        wakeAndCheck(cond, queued, 4, () -> cond.signal(4), phase, 3, results, expected);
        wakeAndCheck(cond, queued, 1, cond::signalAll, phase, 4, results, expected);
        threads.forEach(Waits::join);
        assertTrue(results.isEmpty(), () -> "extra wake-ups: " + results);
        assertEquals(2 * n, expected.size());
    }

    private static void wakeAndCheck(Condition cond, List<Integer> queued, int k, Runnable wake,
            AtomicInteger phase, int newPhase, BlockingQueue<List<Integer>> results, List<List<Integer>> log) {
        Set<List<Integer>> expect = new HashSet<>();
        cond.acquire();
        try {
            // holding the lock: every thread that announced itself has released it, so it is queued
            for (int i = 0; i < k; i++) {
                int id = queued.remove(0);
                int round = (int) log.stream().filter(r -> r.get(0) == id).count() + 1;
                expect.add(List.of(id, round, newPhase));
            }
            wake.run();
            phase.set(newPhase);
        } finally {
            cond.release();
        }
        Set<List<Integer>> got = new HashSet<>();
        for (int i = 0; i < k; i++) {
            got.add(Waits.take(results));
        }
        assertEquals(expect, got);
        log.addAll(got);
    }

    // test_notify
    @Test
    void notifyWakesInOrder() {
        Condition cond = newCondition();
        checkNotify(cond);
        // a second time, to check internal state is still ok
        checkNotify(cond);
    }

    // test_notify over a plain lock
    @Test
    void notifyWakesInOrderOverPlainLock() {
        Condition cond = newCondition(newLock());
        checkNotify(cond);
        checkNotify(cond);
    }

    // test_timeout
    @Test
    void timeout() {
        Condition cond = newCondition();
        List<Object[]> results = new CopyOnWriteArrayList<>();
        int n = 5;
        new Bunch(n, () -> {
            cond.acquire();
            long t1 = System.nanoTime();
            boolean result = cond.await(Duration.ofMillis(300));
            double dt = since(t1);
            cond.release();
            results.add(new Object[] {dt, result});
        }).waitForFinished();
        assertEquals(n, results.size());
        for (Object[] r : results) {
            assertTimeout((Double) r[0], 0.3);
            assertEquals(false, r[1]); // no spurious wake-ups
        }
    }

    // test_waitfor
    @Test
    void waitFor() throws InterruptedException {
        Condition cond = newCondition();
        int[] state = {0};
        Bunch b = new Bunch(1, () -> {
            try (Guard _ = cond.enter()) {
                boolean result = cond.awaitFor(() -> state[0] == 4);
                assertTrue(result);
                assertEquals(4, state[0]);
            }
        });
        b.waitForStarted();
        for (int i = 0; i < 4; i++) {
            Thread.sleep(10);
            try (Guard _ = cond.enter()) {
                state[0]++;
                cond.signal();
            }
        }
        b.waitForFinished();
    }

    // test_waitfor_timeout
    @Test
    void waitForTimeout() throws InterruptedException {
        Condition cond = newCondition();
        int[] state = {0};
        AtomicBoolean success = new AtomicBoolean();
        Bunch b = new Bunch(1, () -> {
            try (Guard _ = cond.enter()) {
                long t = System.nanoTime();
                boolean result = cond.awaitFor(() -> state[0] == 4, Duration.ofMillis(100));
                double dt = since(t);
                assertFalse(result);
                assertTimeout(dt, 0.1);
                success.set(true);
            }
        });
        b.waitForStarted();
        // only increment 3 times, so state == 4 is never reached
        for (int i = 0; i < 3; i++) {
            Thread.sleep(10);
            try (Guard _ = cond.enter()) {
                state[0]++;
                cond.signal();
            }
        }
        b.waitForFinished();
        assertTrue(success.get());
    }

    @Test
    void waitForWithNonPositiveTimeoutChecksOnce() {
        Condition cond = newCondition();
        try (Guard _ = cond.enter()) {
            AtomicInteger calls = new AtomicInteger();
            assertFalse(cond.awaitFor(() -> calls.incrementAndGet() < 0, Duration.ofSeconds(-1)));
            assertFalse(cond.awaitFor(() -> calls.incrementAndGet() < 0, Duration.ZERO));
            assertEquals(2, calls.get());
            assertTrue(cond.awaitFor(() -> true, Duration.ZERO));
            assertTrue(cond.awaitFor(() -> true));
        }
    }

    @Test
    void negativeTimeoutAwaitReturnsFalse() {
        Condition cond = newCondition();
        try (Guard _ = cond.enter()) {
            assertFalse(cond.await(Duration.ofSeconds(-1)));
            assertFalse(cond.await(Duration.ZERO));
        }
    }

    @Test
    void signalWithoutWaitersOrNonPositiveCountDoesNothing() {
        Condition cond = newCondition();
        try (Guard _ = cond.enter()) {
            cond.signal();
            cond.signal(0);
            cond.signal(-3);
            cond.signalAll();
        }
        List<Boolean> results = new CopyOnWriteArrayList<>();
        Bunch b = new Bunch(1, () -> {
            try (Guard _ = cond.enter()) {
                results.add(cond.await(Duration.ofMillis(200)));
            }
        });
        b.waitForStarted();
        b.threads().forEach(Waits::awaitBlocked);
        try (Guard _ = cond.enter()) {
            cond.signal(0);
        }
        b.waitForFinished();
        assertEquals(List.of(false), results);
    }

    @Test
    void awaitReleasesAReentrantLockFullyAndRestoresIt() {
        assumeTrue(reentrant());
        Condition cond = newCondition();
        java.util.concurrent.Semaphore ready = new java.util.concurrent.Semaphore(0);
        AtomicInteger releasesAfter = new AtomicInteger();
        Bunch b = new Bunch(1, () -> {
            cond.acquire();
            cond.acquire();
            cond.acquire();
            ready.release();
            assertTrue(cond.await());
            int released = 0;
            while (true) {
                try {
                    cond.release();
                    released++;
                } catch (IllegalMonitorStateException e) {
                    break;
                }
            }
            releasesAfter.set(released);
        });
        Waits.acquire(ready, 1);
        // the waiter holds the lock three times, yet while it waits another thread may take it
        assertTrue(cond.acquire(Duration.ofSeconds(20)));
        cond.signal();
        cond.release();
        b.waitForFinished();
        assertEquals(3, releasesAfter.get());
        assertFalse(cond.locked());
    }

    @Test
    void interruptedAwaitReacquiresTheLockAndGivesUpItsPlace() {
        Condition cond = newCondition();
        java.util.concurrent.Semaphore ready = new java.util.concurrent.Semaphore(0);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> heldWhenThrown = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        Thread first = new Thread(() -> {
            cond.acquire();
            ready.release();
            try {
                cond.await();
            } catch (Throwable e) {
                thrown.set(e);
                flag.set(Thread.currentThread().isInterrupted());
                // the lock is held again: another thread cannot take it
                heldWhenThrown.set(cond.locked());
            }
            cond.release();
        });
        List<Boolean> secondResult = new CopyOnWriteArrayList<>();
        Thread second = new Thread(() -> {
            cond.acquire();
            ready.release();
            secondResult.add(cond.await(Duration.ofSeconds(20)));
            cond.release();
        });
        first.start();
        Waits.acquire(ready, 1);
        second.start();
        Waits.acquire(ready, 1);
        awaitBlocked(first);
        first.interrupt();
        Waits.join(first);
        assertSame(InterruptedError.class, thrown.get() == null ? null : thrown.get().getClass());
        assertEquals(true, flag.get());
        assertEquals(true, heldWhenThrown.get());
        // the interrupted waiter left the queue: one signal reaches the second waiter
        try (Guard _ = cond.enter()) {
            cond.signal();
        }
        Waits.join(second);
        assertEquals(List.of(true), secondResult);
    }

    @Test
    void interruptedTimedAwaitThrowsInterruptedError() {
        Condition cond = newCondition(newLock());
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            cond.acquire();
            try {
                cond.await(Duration.ofSeconds(20));
            } catch (Throwable e) {
                thrown.set(e);
            }
            Thread.interrupted();
            cond.release();
        });
        t.start();
        awaitBlocked(t);
        while (cond.locked()) {
            Thread.onSpinWait(); // blocked, but maybe still on the lock: wait for it to be in await
        }
        awaitBlocked(t);
        t.interrupt();
        Waits.join(t);
        assertSame(InterruptedError.class, thrown.get() == null ? null : thrown.get().getClass());
        assertFalse(cond.locked());
    }

    @Test
    void awaitWithInterruptFlagSetThrowsAndKeepsTheLock() {
        Condition cond = newCondition();
        cond.acquire();
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedError.class, cond::await);
            assertTrue(Thread.currentThread().isInterrupted());
            assertTrue(cond.locked());
        } finally {
            Thread.interrupted();
            cond.release();
        }
        assertFalse(cond.locked());
    }

    /**
     * No signal is spent on a waiter that is timing out at the same moment (as CPython's condition may do):
     * consumers wait without timeout for items announced by one {@code signal()} each, while noise threads
     * wait with very short timeouts and pass on any signal they receive. A signal lost to a timed-out waiter
     * would leave an item unclaimed and its consumer asleep, and the test would fail on its 20 s wait. A
     * stress test: the race it looks for is narrow, so it shows a fault often, not always.
     */
    @Test
    void signalsAreNotLostToTimingOutWaiters() throws InterruptedException {
        Condition cond = newCondition();
        int items = 2000;
        int[] available = {0}; // guarded by cond
        boolean[] finished = {false}; // guarded by cond
        java.util.concurrent.CountDownLatch consumed = new java.util.concurrent.CountDownLatch(items);
        Bunch consumers = new Bunch(2, () -> {
            while (true) {
                try (Guard _ = cond.enter()) {
                    cond.awaitFor(() -> available[0] > 0 || finished[0]);
                    if (available[0] == 0) {
                        return;
                    }
                    available[0]--;
                }
                consumed.countDown();
            }
        });
        Bunch noise = new Bunch(2, () -> {
            java.util.Random random = new java.util.Random();
            while (true) {
                try (Guard _ = cond.enter()) {
                    if (finished[0]) {
                        return;
                    }
                    if (cond.await(Duration.ofNanos(random.nextInt(200_000)))) {
                        cond.signal(); // not for us: pass it on
                    }
                }
            }
        });
        try {
            new Bunch(2, () -> {
                for (int i = 0; i < items / 2; i++) {
                    try (Guard _ = cond.enter()) {
                        available[0]++;
                        cond.signal();
                    }
                }
            }).waitForFinished();
            assertTrue(consumed.await(20, java.util.concurrent.TimeUnit.SECONDS),
                    () -> consumed.getCount() + " items left unclaimed");
        } finally {
            try (Guard _ = cond.enter()) {
                finished[0] = true;
                cond.signalAll();
            }
            consumers.waitForFinished();
            noise.waitForFinished();
        }
    }

    @Test
    void reprShowsTheLockAndTheWaiters() {
        Condition cond = newCondition(newLock());
        assertTrue(cond.toString().startsWith("<Condition(<unlocked "), cond.toString());
        assertTrue(cond.toString().endsWith(", 0)>"), cond.toString());
    }
}
