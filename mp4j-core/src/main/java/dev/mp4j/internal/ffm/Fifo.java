package dev.mp4j.internal.ffm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named pipes: {@code mkfifo(3)} through FFM, or the {@code mkfifo(1)} command where mp4j was not given
 * native access (a fork and exec per FIFO, a few milliseconds; and no JDK warning about restricted calls
 * for a program that never asked for them). The command also makes the FIFOs asked for while the FFM call
 * is not linked. Linking costs a fresh JVM 40–70 ms of CPU here (a hundred JDK classes, method handles
 * spun), which the first child's start would otherwise wait for; it is done in the background, and only
 * once a second command was needed: a program that starts a few children (a pool of two; the caller makes
 * FIFOs ahead with the first command) never links, and its children boot without that work beside them on
 * the CPUs.
 */
public final class Fifo {
    private static final int MODE = 0600;
    private static final int EEXIST = 17;
    /** The mkfifo commands run so far: the second one starts the linking. */
    private static final AtomicInteger COMMANDS = new AtomicInteger();
    private static volatile MethodHandle linked; // null until the background linking is done

    private Fifo() {}

    /** The handle, linked on first use. */
    private static final class Native {
        static final MethodHandle MKFIFO = Libc.downcall("mkfifo",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
                Linker.Option.captureCallState("errno"));
    }

    /**
     * Makes FIFOs that only this user can open (with one command for all of them, while the FFM call is
     * not linked).
     *
     * @param paths where; nothing may exist there
     * @throws IOException if one cannot be made (those before it may have been)
     */
    public static void make(Path... paths) throws IOException {
        MethodHandle mkfifo = linked;
        if (mkfifo == null) {
            if (COMMANDS.incrementAndGet() == 2 && Fifo.class.getModule().isNativeAccessEnabled()) {
                Thread.ofPlatform().daemon().name("mp4j-link-mkfifo").start(Fifo::link);
            }
            makeWithCommand(paths);
            return;
        }
        for (Path path : paths) {
            make(mkfifo, path);
        }
    }

    /**
     * @return whether {@link #make} calls {@code mkfifo(3)} (its FFM call is linked), rather than starting
     *     the {@code mkfifo} command (a few milliseconds a call)
     */
    public static boolean linked() {
        return linked != null;
    }

    private static void make(MethodHandle mkfifo, Path path) throws IOException {
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

    private static void link() {
        try {
            linked = Native.MKFIFO;
        } catch (IllegalCallerException | UnsupportedOperationException | LinkageError noNativeAccess) {
            // the command goes on making them
        }
    }

    /**
     * @param paths where; nothing may exist there
     * @throws IOException if {@code mkfifo(1)} cannot make them
     */
    static void makeWithCommand(Path... paths) throws IOException {
        List<String> command = new ArrayList<>(List.of("mkfifo", "-m", Integer.toOctalString(MODE)));
        for (Path path : paths) {
            command.add(path.toString());
        }
        String path = paths.length == 1 ? paths[0].toString() : Arrays.toString(paths);
        java.lang.Process p = new ProcessBuilder(command)
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
