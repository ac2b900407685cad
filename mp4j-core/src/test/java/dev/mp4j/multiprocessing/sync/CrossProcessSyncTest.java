package dev.mp4j.multiprocessing.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.sync.ProcessCondition;
import dev.mp4j.internal.sync.ProcessRLock;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.BrokenBarrierError;
import dev.mp4j.threading.Condition;
import dev.mp4j.threading.Event;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.RLock;
import dev.mp4j.threading.Semaphore;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CPython's {@code _TestLock}, {@code _TestSemaphore}, {@code _TestCondition}, {@code _TestEvent} and
 * {@code _TestBarrier} (Lib/test/_test_multiprocessing.py) with real child processes, plus the cases that only
 * processes have: a lock captured by a child's target excludes the parent, an RLock's owner is a thread of one
 * process, a child killed while it holds a lock. Children report with exit codes (an assertion failing in a
 * child ends it with 1) and through the primitives themselves.
 */
@Timeout(60)
class CrossProcessSyncTest {
    private static final Duration LONG = Duration.ofSeconds(20);

    private static Process start(SerializableRunnable target) {
        Process p = new Process(target);
        p.start();
        return p;
    }

    private static void joinOk(Process p) {
        assertTrue(p.join(LONG), "child did not end");
        assertEquals(OptionalInt.of(0), p.exitCode(), "child's exit code");
        p.close();
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    // _TestLock.test_lock, plus: a lock captured by a child's target excludes the parent, and the parent may
    // release what the child acquired (any process may release a Lock)
    @Test
    void lockCapturedByAChildExcludesTheParent() {
        Lock lock = Multiprocessing.lock();
        Event held = Multiprocessing.event();
        Event go = Multiprocessing.event();
        Process child = start(() -> {
            check(lock.acquire(false), "child acquires the free lock");
            held.set();
            check(go.await(LONG), "go");
            lock.release();
            check(lock.acquire(LONG), "child re-acquires");
            // left held: the parent releases it
        });
        assertTrue(held.await(LONG));
        assertTrue(lock.locked());
        assertFalse(lock.acquire(false));
        assertFalse(lock.acquire(Duration.ofMillis(100)));
        go.set();
        joinOk(child);
        assertTrue(lock.locked());
        lock.release(); // released by another process than the one that acquired it
        assertFalse(lock.locked());
        assertThrows(IllegalStateException.class, lock::release);
        assertTrue(lock.acquire(false));
        lock.release();
    }

    // _TestLock.test_rlock, plus: the child's ownership is its own
    @Test
    void rlockOwnershipIsPerProcessAndThread() {
        RLock lock = Multiprocessing.rlock();
        Event checked = Multiprocessing.event();
        Event held = Multiprocessing.event();
        Event go = Multiprocessing.event();
        lock.acquire();
        lock.acquire();
        Process child = start(() -> {
            // the parent holds it: the child may neither release nor take it
            try {
                lock.release();
                throw new AssertionError("a non-owner released the lock");
            } catch (IllegalMonitorStateException expected) {
                // as it should
            }
            check(lock.locked(), "locked by the parent");
            check(!lock.acquire(false), "taken by the parent");
            checked.set();
            check(lock.acquire(LONG), "child acquires after the parent's release");
            check(lock.acquire(false), "re-entrant in the child");
            check(((ProcessRLock) lock).recursionCount() == 2, "child's count");
            held.set();
            check(go.await(LONG), "go");
            lock.release();
            lock.release();
        });
        // the parent's two acquisitions are the parent's
        assertEquals(2, ((ProcessRLock) lock).recursionCount());
        assertTrue(checked.await(LONG));
        lock.release();
        lock.release();
        assertTrue(held.await(LONG));
        assertTrue(lock.locked());
        assertEquals(0, ((ProcessRLock) lock).recursionCount());
        assertThrows(IllegalMonitorStateException.class, lock::release);
        assertFalse(lock.acquire(false));
        assertTrue(lock.toString().startsWith("<locked RLock owner=SomeOtherProcess count=0 at 0x"), lock.toString());
        go.set();
        joinOk(child);
        assertTrue(lock.acquire(false));
        lock.release();
    }

    // _TestSemaphore.test_semaphore, test_bounded_semaphore, test_timeout, across a child
    @Test
    void semaphoreAcrossProcesses() {
        Semaphore sem = Multiprocessing.semaphore(2);
        Semaphore bounded = Multiprocessing.boundedSemaphore(2);
        Event taken = Multiprocessing.event();
        Event go = Multiprocessing.event();
        Process child = start(() -> {
            check(sem.acquire(false) && sem.acquire(false), "two permits");
            check(!sem.acquire(Duration.ofMillis(50)), "none left");
            check(bounded.acquire() && bounded.acquire(), "two bounded permits");
            taken.set();
            check(go.await(LONG), "go");
            bounded.release(2);
            sem.release();
        });
        assertTrue(taken.await(LONG));
        assertEquals(0, sem.value());
        assertEquals(0, bounded.value());
        long t = System.nanoTime();
        assertFalse(sem.acquire(Duration.ofMillis(200)));
        assertTrue(System.nanoTime() - t >= 150_000_000L);
        go.set();
        assertTrue(sem.acquire(LONG)); // the child's release wakes the parent
        joinOk(child);
        assertEquals(2, bounded.value());
        // the child released what it took: the bound now refuses the parent's extra release
        assertThrows(IllegalStateException.class, bounded::release);
        sem.release(3);
        assertEquals(3, sem.value());
    }

    /** A condition waiter: announces itself through {@code sleeping} while it holds the lock, then waits. */
    private static SerializableRunnable waiter(Condition cond, Semaphore sleeping, Semaphore woken) {
        return () -> {
            cond.acquire();
            sleeping.release();
            check(cond.await(LONG), "signalled, not timed out");
            woken.release();
            cond.release();
        };
    }

    /** Waits until {@code n} waiters announced themselves; once the lock is ours, they are all waiting. */
    private static void awaitSleepers(Condition cond, Semaphore sleeping, int n) {
        for (int i = 0; i < n; i++) {
            assertTrue(sleeping.acquire(LONG), "a waiter did not start");
        }
        assertTrue(cond.acquire(LONG));
        cond.release();
    }

    // _TestCondition.test_notify and test_notify_all, across processes; signal wakes the longest waiter first
    @Test
    void conditionNotifyAcrossProcesses() {
        Condition cond = Multiprocessing.condition();
        Semaphore sleeping = Multiprocessing.semaphore(0);
        Semaphore wokenA = Multiprocessing.semaphore(0);
        Semaphore wokenB = Multiprocessing.semaphore(0);
        Semaphore wokenC = Multiprocessing.semaphore(0);
        Process a = start(waiter(cond, sleeping, wokenA));
        awaitSleepers(cond, sleeping, 1);
        Process b = start(waiter(cond, sleeping, wokenB));
        awaitSleepers(cond, sleeping, 1);
        // and one waiting thread in this process, the youngest waiter
        Thread c = Thread.ofPlatform().start(waiter(cond, sleeping, wokenC));
        awaitSleepers(cond, sleeping, 1);
        assertEquals(3, ((ProcessCondition) cond).waiting());

        cond.acquire();
        cond.signal();
        cond.release();
        assertTrue(wokenA.acquire(LONG), "the longest waiter (child a) is woken first");
        assertFalse(wokenB.acquire(Duration.ofMillis(200)), "one signal wakes one waiter");
        assertFalse(wokenC.acquire(Duration.ZERO));

        cond.acquire();
        cond.signalAll();
        cond.release();
        assertTrue(wokenB.acquire(LONG));
        assertTrue(wokenC.acquire(LONG));
        joinOk(a);
        joinOk(b);
        try {
            c.join(LONG);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertFalse(c.isAlive());
        assertEquals(0, ((ProcessCondition) cond).waiting());
    }

    // _TestCondition.test_timeout: a waiter in another process times out, no spurious wake-up
    @Test
    void conditionTimeoutInAChild() {
        Condition cond = Multiprocessing.condition(Multiprocessing.lock());
        Process child = start(() -> {
            cond.acquire();
            long t = System.nanoTime();
            check(!cond.await(Duration.ofMillis(200)), "timed out");
            check(System.nanoTime() - t >= 150_000_000L, "waited the timeout");
            check(cond.locked(), "the lock is held again");
            cond.release();
        });
        joinOk(child);
        assertFalse(cond.locked());
        assertEquals(0, ((ProcessCondition) cond).waiting());
    }

    // _TestCondition.test_waitfor and test_waitfor_timeout: the predicate reads state the parent changes
    @Test
    void conditionWaitForAcrossProcesses() {
        Condition cond = Multiprocessing.condition();
        Semaphore state = Multiprocessing.semaphore(0); // its value is the shared state
        Semaphore sleeping = Multiprocessing.semaphore(0);
        Process reached = start(() -> {
            cond.acquire();
            sleeping.release();
            check(cond.awaitFor(() -> state.value() == 4, LONG), "state reached 4");
            check(state.value() == 4, "and is 4");
            cond.release();
        });
        Process timedOut = start(() -> {
            cond.acquire();
            sleeping.release();
            long t = System.nanoTime();
            check(!cond.awaitFor(() -> state.value() == 5, Duration.ofMillis(300)), "5 is never reached");
            check(System.nanoTime() - t >= 200_000_000L, "waited the timeout");
            cond.release();
        });
        awaitSleepers(cond, sleeping, 2);
        for (int i = 0; i < 4; i++) {
            cond.acquire();
            state.release();
            cond.signalAll();
            cond.release();
        }
        joinOk(reached);
        joinOk(timedOut);
    }

    // _TestEvent.test_event, across a child
    @Test
    void eventAcrossProcesses() {
        Event event = Multiprocessing.event();
        Event started = Multiprocessing.event();
        Process child = start(() -> {
            check(!event.isSet(), "clear at first");
            check(!event.await(Duration.ofMillis(50)), "times out while clear");
            started.set();
            check(event.await(LONG), "set by the parent");
            check(event.isSet(), "seen set");
            event.clear();
        });
        assertTrue(started.await(LONG));
        assertFalse(event.await(Duration.ZERO));
        event.set();
        joinOk(child);
        assertFalse(event.isSet(), "cleared by the child");
        assertTrue(event.toString().endsWith(": unset>"), event.toString());
    }

    /** Counts the barrier's action runs in a semaphore's value; serializable, so it runs in any process. */
    private record CountAction(Semaphore runs) implements SerializableRunnable {
        @Override
        public void run() {
            runs.release();
        }
    }

    // _TestBarrier.test_barrier, test_action, test_wait_return with two children and this process
    @Test
    void barrierAcrossProcesses() {
        Semaphore runs = Multiprocessing.semaphore(0);
        Barrier barrier = Multiprocessing.barrier(3, new CountAction(runs), LONG);
        Semaphore last = Multiprocessing.semaphore(0); // released by whoever arrived last, each round
        SerializableRunnable party = () -> {
            for (int round = 0; round < 2; round++) {
                if (barrier.await() == 2) {
                    last.release();
                }
            }
        };
        Process a = start(party);
        Process b = start(party);
        party.run();
        joinOk(a);
        joinOk(b);
        assertEquals(2, runs.value(), "the action ran once a round");
        assertEquals(2, last.value(), "one party a round got index 2");
        assertEquals(0, barrier.nWaiting());
        assertFalse(barrier.broken());
    }

    // _TestBarrier.test_abort and test_reset: abort in this process breaks the children's waits
    @Test
    void barrierAbortReachesTheChildren() {
        Barrier barrier = Multiprocessing.barrier(3);
        Semaphore broken = Multiprocessing.semaphore(0);
        SerializableRunnable party = () -> {
            try {
                barrier.await(LONG);
            } catch (BrokenBarrierError e) {
                broken.release();
            }
        };
        Process a = start(party);
        Process b = start(party);
        long deadline = System.nanoTime() + LONG.toNanos();
        while (barrier.nWaiting() < 2) {
            assertTrue(System.nanoTime() < deadline, "the children did not arrive");
            Thread.onSpinWait();
        }
        barrier.abort();
        joinOk(a);
        joinOk(b);
        assertEquals(2, broken.value());
        assertTrue(barrier.broken());
        barrier.reset();
        assertFalse(barrier.broken());
        assertTrue(barrier.toString().endsWith(": waiters=0/3>"), barrier.toString());
    }

    // a child killed while it holds a Lock does not wedge a timed acquire: it times out. As in CPython, the
    // lock stays held (no process can tell that its holder died); only an untimed acquire would wait forever.
    @Test
    void lockHeldByAKilledChildTimesOut() {
        Lock lock = Multiprocessing.lock();
        Event held = Multiprocessing.event();
        Event never = Multiprocessing.event();
        Process child = start(() -> {
            lock.acquire();
            held.set();
            never.await();
        });
        assertTrue(held.await(LONG));
        child.kill();
        assertTrue(child.join(LONG));
        assertEquals(OptionalInt.of(-9), child.exitCode());
        child.close();
        long t = System.nanoTime();
        assertFalse(lock.acquire(Duration.ofMillis(200)));
        assertTrue(System.nanoTime() - t >= 150_000_000L);
        assertTrue(lock.locked(), "the dead child's lock stays held");
        lock.release(); // any process may release a Lock: the way out
        assertTrue(lock.acquire(false));
        lock.release();
    }
}
