package dev.mp4j.internal.shared;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.shm.Segment;
import dev.mp4j.internal.util.Timeouts;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The names of the segments this JVM created for shared values and arrays, which this JVM must unlink:
 * when the creating handle becomes unreachable (a {@link Cleaner} action that holds only the name) or
 * when the JVM exits (one shutdown hook unlinks what is left). The resource tracker removes what a
 * crashed JVM leaves.
 *
 * <p>{@code NAMES} is guarded by its own monitor, which is also where {@link #awaitReleased} waits.
 */
final class Owned {
    private static final Set<String> NAMES = new HashSet<>();

    private Owned() {}

    /** Created on first use: the cleaner's thread and the shutdown hook exist only once values do. */
    private static final class Holder {
        static final Cleaner CLEANER = Cleaner.create();

        static {
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(Owned::releaseAll, "mp4j-shared-unlink"));
            } catch (IllegalStateException exiting) {
                // made while the JVM exits: the resource tracker removes it when the program ends
            }
        }
    }

    /**
     * Makes this JVM responsible for unlinking {@code name}.
     *
     * @param handle the creating handle: when it becomes unreachable the name is unlinked
     * @param name the segment's name
     * @return runs the unlinking now (at most once)
     */
    static Cleaner.Cleanable own(Object handle, String name) {
        synchronized (NAMES) {
            NAMES.add(name);
        }
        return Holder.CLEANER.register(handle, () -> release(name));
    }

    private static void release(String name) {
        try {
            Segment.unlink(name);
        } finally {
            synchronized (NAMES) {
                NAMES.remove(name);
                NAMES.notifyAll();
            }
        }
    }

    private static void releaseAll() {
        List<String> left;
        synchronized (NAMES) {
            left = List.copyOf(NAMES);
        }
        for (String n : left) {
            try {
                release(n);
            } catch (RuntimeException e) {
                // exiting: the resource tracker removes it when the program ends
            }
        }
    }

    /**
     * @param name a segment's name
     * @return whether this JVM created it and has not unlinked it yet
     */
    static boolean owns(String name) {
        synchronized (NAMES) {
            return NAMES.contains(name);
        }
    }

    /**
     * Waits until this JVM has unlinked {@code name} (or never owned it).
     *
     * @param name a segment's name
     * @param timeout how long to wait at most
     * @return whether it is released
     * @throws InterruptedError if interrupted while waiting
     */
    static boolean awaitReleased(String name, Duration timeout) {
        long deadline = Timeouts.deadline(Timeouts.toNanos(timeout));
        synchronized (NAMES) {
            while (NAMES.contains(name)) {
                long left = Timeouts.remaining(deadline);
                if (left <= 0) {
                    return false;
                }
                try {
                    NAMES.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    throw InterruptedError.restore(e);
                }
            }
            return true;
        }
    }
}
