package dev.mp4j.internal.threads;

import dev.mp4j.threading.Guard;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** A {@link Guard} that runs its release action on the first {@link #close()} only. */
public final class OnceGuard implements Guard {
    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(OnceGuard.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Runnable release;
    private volatile boolean closed; // read and written through CLOSED

    /** @param release what the first close runs */
    public OnceGuard(Runnable release) {
        this.release = release;
    }

    @Override
    public void close() {
        if (CLOSED.compareAndSet(this, false, true)) {
            release.run();
        }
    }
}
