package dev.mp4j.internal.threads;

import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The thread-backed {@link dev.mp4j.threading.Barrier}: {@link AbstractBarrier}'s algorithm with its two words
 * in an array guarded by {@code lock}; {@code changed} is the condition signalled on every state change.
 */
public final class ThreadBarrier extends AbstractBarrier {
    private final ReentrantLock lock = new ReentrantLock();
    private final java.util.concurrent.locks.Condition changed = lock.newCondition();
    private final int[] words = new int[2]; // STATE (FILLING at first) and COUNT; guarded by lock

    /**
     * @param parties how many threads pass together
     * @param action run by the last thread to arrive before the others are released, or null
     * @param timeout the default timeout of {@link #await()}, or null for none
     * @throws IllegalArgumentException if {@code parties < 1}
     */
    public ThreadBarrier(int parties, Runnable action, Duration timeout) {
        super(parties, action, timeout);
    }

    @Override
    protected void lock() {
        lock.lock();
    }

    @Override
    protected void unlock() {
        lock.unlock();
    }

    @Override
    protected int word(int word) {
        return words[word];
    }

    @Override
    protected void setWord(int word, int value) {
        words[word] = value;
    }

    @Override
    protected void awaitChange(long deadline) {
        ConditionWaits.await(changed, deadline);
    }

    @Override
    protected void signalAll() {
        changed.signalAll();
    }
}
