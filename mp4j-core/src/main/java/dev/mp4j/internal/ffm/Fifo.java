package dev.mp4j.internal.ffm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Named pipes: {@code mkfifo(3)} through FFM, or the {@code mkfifo(1)} command where mp4j was not given
 * native access (a fork and exec per FIFO, a few milliseconds; and no JDK warning about restricted calls
 * for a program that never asked for them).
 */
public final class Fifo {
    private static final int MODE = 0600;
    private static final int EEXIST = 17;

    private Fifo() {}

    /** The handle, linked on first use. */
    private static final class Native {
        static final MethodHandle MKFIFO = Libc.downcall("mkfifo",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
                Linker.Option.captureCallState("errno"));
    }

    /**
     * Makes a FIFO that only this user can open.
     *
     * @param path where; nothing may exist there
     * @throws IOException if it cannot be made
     */
    public static void make(Path path) throws IOException {
        MethodHandle mkfifo;
        try {
            mkfifo = Fifo.class.getModule().isNativeAccessEnabled() ? Native.MKFIFO : null;
        } catch (IllegalCallerException | UnsupportedOperationException | LinkageError noNativeAccess) {
            mkfifo = null;
        }
        if (mkfifo == null) {
            makeWithCommand(path);
            return;
        }
        int rc;
        int errno;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CAPTURE);
            rc = (int) mkfifo.invokeExact(state, arena.allocateFrom(path.toString()), MODE);
            errno = (int) Libc.ERRNO.get(state, 0L);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (rc != 0) {
            throw new IOException("mkfifo(" + path + ") failed: " + (errno == EEXIST ? "it exists already" : "errno " + errno));
        }
    }

    /**
     * @param path where; nothing may exist there
     * @throws IOException if {@code mkfifo(1)} cannot make it
     */
    static void makeWithCommand(Path path) throws IOException {
        java.lang.Process p = new ProcessBuilder("mkfifo", "-m", "600", path.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("mkfifo " + path + " did not finish within 30 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making the FIFO " + path, e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("mkfifo " + path + " failed with exit code " + p.exitValue());
        }
    }
}
