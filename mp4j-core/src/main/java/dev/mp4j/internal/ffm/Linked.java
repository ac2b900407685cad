package dev.mp4j.internal.ffm;

/**
 * Which of mp4j's FFM handles this JVM has linked, asked without linking them: a parent that uses semaphores
 * (queues, pipes, locks, shared values) has its forkserver spares link theirs ahead, as their jobs will
 * likely need them too.
 */
public final class Linked {
    private static volatile boolean semaphores;

    private Linked() {}

    /** @return whether {@link Posix}'s handles are linked in this JVM */
    public static boolean semaphores() {
        return semaphores;
    }

    static void semaphoresLinked() {
        semaphores = true;
    }
}
