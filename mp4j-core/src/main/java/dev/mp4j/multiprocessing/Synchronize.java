package dev.mp4j.multiprocessing;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.Condition;
import dev.mp4j.threading.Event;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.RLock;
import dev.mp4j.threading.Semaphore;

import java.time.Duration;

/** Makes the cross-process synchronization primitives of a context. */
final class Synchronize {
    private Synchronize() {}

    static Lock lock(Contexts.Base ctx) {
        throw new UnsupportedOperationException("cross-process locks are being built");
    }

    static RLock rlock(Contexts.Base ctx) {
        throw new UnsupportedOperationException("cross-process locks are being built");
    }

    static Condition condition(Contexts.Base ctx, Lock lock) {
        throw new UnsupportedOperationException("cross-process locks are being built");
    }

    static Semaphore semaphore(Contexts.Base ctx, int value, boolean bounded) {
        throw new UnsupportedOperationException("cross-process locks are being built");
    }

    static Event event(Contexts.Base ctx) {
        throw new UnsupportedOperationException("cross-process locks are being built");
    }

    static Barrier barrier(Contexts.Base ctx, int parties, SerializableRunnable action, Duration timeout) {
        throw new UnsupportedOperationException("cross-process locks are being built");
    }
}
