package dev.mp4j.internal.threads;

import dev.mp4j.threading.Guard;

/**
 * A {@link Guard} that runs its release action on the first {@link #close()} only. The flag is a plain field:
 * a guard is closed by one thread at a time (the one that entered, or one it handed the guard to), so a
 * second close always sees the first; two threads closing one guard at the same instant is a caller's race.
 */
public final class OnceGuard implements Guard {
    private final Runnable release;
    private boolean closed;

    /** @param release what the first close runs */
    public OnceGuard(Runnable release) {
        this.release = release;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            release.run();
        }
    }
}
