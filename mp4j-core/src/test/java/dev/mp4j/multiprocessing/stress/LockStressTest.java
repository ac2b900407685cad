package dev.mp4j.multiprocessing.stress;

import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.SharedIntArray;
import dev.mp4j.multiprocessing.SharedLong;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.RLock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Four child processes (and a thread of the parent) increment one shared long by read-modify-write under
 * one lock: without mutual exclusion increments would be lost, so the total must be exact. Then the
 * children do the same with a second value under its own re-entrant lock.
 */
class LockStressTest {
    static final int PER_CHILD = 12_000;

    static void increment(Lock lock, SharedLong counter, SharedIntArray inside, int times) {
        for (int n = 0; n < times; n++) {
            lock.acquire();
            try {
                // nobody else is inside: the lock excludes every other process and thread
                int others = Children.getAndAdd(inside.segment(), 0, 1);
                if (others != 0) {
                    Children.getAndAdd(inside.segment(), 1, 1); // counts the violations
                }
                long v = counter.get();
                counter.set(v + 1);
                Children.getAndAdd(inside.segment(), 0, -1);
            } finally {
                lock.release();
            }
        }
    }

    /** Python's {@code with counter.get_lock(): counter.value += 1}, the re-entrant lock entered twice. */
    static void incrementUnderItsOwnLock(SharedLong counter, int times) {
        RLock l = counter.lock();
        for (int n = 0; n < times; n++) {
            try (var _ = l.enter(); var _ = l.enter()) {
                counter.set(counter.get() + 1);
            }
        }
    }

    @Test
    @Timeout(60)
    void lockedIncrementsOfASharedLong() throws InterruptedException {
        Lock lock = Multiprocessing.lock();
        SharedLong counter = Multiprocessing.sharedLong(0);
        SharedIntArray inside = Multiprocessing.sharedIntArray(2);
        SharedLong counter2 = Multiprocessing.sharedLong(0);
        List<Process> children = Children.start(i -> () -> {
            increment(lock, counter, inside, PER_CHILD);
            incrementUnderItsOwnLock(counter2, PER_CHILD / 4);
        });
        // the parent joins in with a thread, so that threads of one JVM contend with processes too
        Thread t = Thread.ofPlatform().start(() -> increment(lock, counter, inside, PER_CHILD));
        t.join(java.time.Duration.ofSeconds(50));
        Children.joinAll(children);
        assertEquals(0, inside.get(1), "times two holders were inside at once");
        assertEquals((long) (Children.COUNT + 1) * PER_CHILD, counter.get());
        assertEquals(0, inside.get(0));
        assertEquals((long) Children.COUNT * (PER_CHILD / 4), counter2.get(), "increments under the value's RLock");
    }
}
