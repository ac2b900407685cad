package dev.mp4j.multiprocessing;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.sync.ProcessSync;
import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.Condition;
import dev.mp4j.threading.Event;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.RLock;
import dev.mp4j.threading.Semaphore;

import java.time.Duration;

/**
 * Makes the cross-process synchronization primitives of a context (dev.mp4j.internal.sync). They do not depend
 * on the start method: every context makes the same kind.
 */
final class Synchronize {
    private Synchronize() {}

    static Lock lock(Contexts.Base ctx) {
        return ProcessSync.lock();
    }

    static RLock rlock(Contexts.Base ctx) {
        return ProcessSync.rlock();
    }

    static Condition condition(Contexts.Base ctx, Lock lock) {
        return ProcessSync.condition(lock);
    }

    static Semaphore semaphore(Contexts.Base ctx, int value, boolean bounded) {
        return ProcessSync.semaphore(value, bounded);
    }

    static Event event(Contexts.Base ctx) {
        return ProcessSync.event();
    }

    static Barrier barrier(Contexts.Base ctx, int parties, SerializableRunnable action, Duration timeout) {
        return ProcessSync.barrier(parties, action, timeout);
    }
}
