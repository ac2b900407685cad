package dev.mp4j.internal.ffm;

/**
 * Whether this JVM uses mp4j's semaphores, asked without linking anything: a parent that uses them (queues,
 * pipes, locks, shared values) has its forkserver spares link ahead the calls their jobs will likely make
 * ({@link Posix#linkAhead}).
 */
public final class Linked {
    private static volatile boolean semaphores;

    private Linked() {}

    /** @return whether this JVM has linked {@link Posix}'s calls */
    public static boolean semaphores() {
        return semaphores;
    }

    static void semaphoresLinked() {
        semaphores = true;
    }
}
