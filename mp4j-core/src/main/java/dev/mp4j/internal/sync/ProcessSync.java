package dev.mp4j.internal.sync;

import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.Condition;
import dev.mp4j.threading.Event;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.RLock;
import dev.mp4j.threading.Semaphore;
import java.time.Duration;
import java.util.List;

/**
 * Makes the cross-process synchronization primitives: {@code Serializable} handles over POSIX named semaphores
 * and shared memory that re-attach in the process that receives them. See the classes for each one's design.
 */
public final class ProcessSync {
    private ProcessSync() {}

    /** @return a new unlocked lock */
    public static Lock lock() {
        return ProcessLock.create();
    }

    /** @return a new unlocked re-entrant lock */
    public static RLock rlock() {
        return ProcessRLock.create();
    }

    /**
     * @param lock a lock made by {@link #lock()} or {@link #rlock()}
     * @return a new condition over it
     * @throws IllegalArgumentException if {@code lock} is some other lock
     */
    public static Condition condition(Lock lock) {
        return ProcessCondition.create(lock);
    }

    /**
     * @param value the initial count
     * @param bounded whether releases may not raise the count above {@code value}
     * @return a new semaphore
     * @throws IllegalArgumentException if {@code value < 0}
     */
    public static Semaphore semaphore(int value, boolean bounded) {
        return ProcessSemaphore.create(value, bounded);
    }

    /** @return a new event, its flag clear */
    public static Event event() {
        return ProcessEvent.create();
    }

    /**
     * @param parties how many parties pass together
     * @param action run by the last party to arrive, or null; it must be serializable for the barrier to travel
     * @param timeout the default timeout of {@code await()}, or null for none
     * @return a new barrier
     * @throws IllegalArgumentException if {@code parties < 1}
     */
    public static Barrier barrier(int parties, Runnable action, Duration timeout) {
        return ProcessBarrier.create(parties, action, timeout);
    }

    /**
     * @param primitive a primitive made here
     * @return the {@code /dev/shm} entries behind it (its own, not those of a lock it was given)
     */
    public static List<String> names(Object primitive) {
        return ((SyncHandle) primitive).names();
    }

    /**
     * Lets go of a primitive's named objects at once, as its becoming unreachable would: the creating process
     * unlinks them, every process unmaps them. The handle must not be used afterwards.
     *
     * @param primitive a primitive made here
     */
    public static void destroy(Object primitive) {
        ((SyncHandle) primitive).destroy();
    }
}
