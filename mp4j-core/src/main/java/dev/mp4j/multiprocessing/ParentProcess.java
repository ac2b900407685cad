package dev.mp4j.multiprocessing;

import java.io.Serial;

/** The parent of this child JVM, as {@link Multiprocessing#parentProcess()} returns it. */
final class ParentProcess extends Process {
    @Serial
    private static final long serialVersionUID = 1L;

    ParentProcess(String name, long pid, byte[] authkey) {
        super(name, pid, authkey, false, new int[0]);
    }

    @Override
    public boolean join(java.time.Duration timeout) {
        throw new IllegalStateException("can only join a child process");
    }
}
