package dev.mp4j.internal.threads;

/**
 * The Python-like {@code toString} of the synchronization objects, thread-backed and cross-process alike
 * (CPython's {@code repr} of {@code threading} and {@code multiprocessing.synchronize} objects).
 */
public final class Reprs {
    private Reprs() {}

    /** @return {@code 0x} and the identity hash in hex, standing in for Python's object address */
    public static String address(Object o) {
        return "0x" + Integer.toHexString(System.identityHashCode(o));
    }

    /** @return {@code <locked Lock at 0x...>} or {@code <unlocked Lock at 0x...>} */
    public static String lock(Object lock, boolean locked) {
        return "<" + (locked ? "locked" : "unlocked") + " Lock at " + address(lock) + ">";
    }

    /**
     * @param owner the owning thread's name, {@code null} when free (or CPython's {@code SomeOtherProcess})
     * @return {@code <locked RLock owner=main count=2 at 0x...>}
     */
    public static String rlock(Object lock, boolean locked, String owner, int count) {
        return "<" + (locked ? "locked" : "unlocked") + " RLock owner=" + owner + " count=" + count + " at "
                + address(lock) + ">";
    }

    /**
     * @param bound the bound of a bounded semaphore; ignored unless {@code bounded}
     * @return {@code <Semaphore at 0x...: value=1>} or {@code <BoundedSemaphore at 0x...: value=1/2>}
     */
    public static String semaphore(Object semaphore, int value, boolean bounded, int bound) {
        String at = " at " + address(semaphore) + ": value=" + value;
        return bounded ? "<BoundedSemaphore" + at + "/" + bound + ">" : "<Semaphore" + at + ">";
    }

    /** @return {@code <Event at 0x...: set>} or {@code <Event at 0x...: unset>} */
    public static String event(Object event, boolean set) {
        return "<Event at " + address(event) + ": " + (set ? "set" : "unset") + ">";
    }
}
