package dev.mp4j.internal.spawn;

import dev.mp4j.internal.wire.FrameChannel;
import dev.mp4j.internal.wire.Tags;

import java.io.IOException;
import java.util.regex.Pattern;

/**
 * The child side of a control channel, and the child's knowledge of its own launch. Exists only in a JVM
 * that {@link Bootstrap} started; {@link #current()} is null in a main JVM.
 */
public final class Child {
    /** How {@code jdk.internal.misc.Signal} names the thread that runs a Java signal handler. */
    private static final Pattern SIGNAL_HANDLER = Pattern.compile("SIG[A-Z0-9]+ handler");
    private static volatile Child current;

    private final FrameChannel channel;
    private final long parentPid;
    private volatile boolean reported;

    Child(FrameChannel channel, long parentPid) {
        this.channel = channel;
        this.parentPid = parentPid;
    }

    /** @return this JVM's child runtime, or null in a JVM that mp4j did not start */
    public static Child current() {
        return current;
    }

    static void install(Child child) {
        current = child;
    }

    /** @return the control channel to the parent */
    public FrameChannel channel() {
        return channel;
    }

    /** @return the parent JVM's pid */
    public long parentPid() {
        return parentPid;
    }

    /**
     * Tells the parent the exit code this child is about to exit with.
     *
     * @param code the exit code
     */
    void reportExit(int code) {
        reported = true;
        trySend(Tags.frame(Tags.EXIT, code));
    }

    /**
     * Shutdown hook: an exit that {@link #reportExit} did not announce is the program's own System.exit —
     * unless a signal's handler is running it. A SIGTERM that arrives before SIGTERM's default action is
     * in place (as the child starts) is taken by the JVM's handler, which runs on a thread of its own and
     * can start the shutdown only after this hook was added; its exit status (143) then means the signal,
     * as it does for the parent when no SYSEXIT came.
     */
    void onShutdown() {
        if (!reported && !signalHandlerRunning()) {
            reported = true;
            trySend(new byte[] {Tags.SYSEXIT});
        }
    }

    /**
     * @param self the thread asking
     * @return a live non-daemon thread other than {@code self} (and the launcher's {@code DestroyJavaVM}),
     *     which keeps this JVM alive once {@code main} returns; null if there is none
     */
    public static Thread nonDaemonThreadBesides(Thread self) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t != self && !t.isDaemon() && t.isAlive() && !"DestroyJavaVM".equals(t.getName())) {
                return t;
            }
        }
        return null;
    }

    /** @return whether a thread of the JVM's signal handling ({@code SIGTERM handler}, ...) is alive */
    static boolean signalHandlerRunning() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && SIGNAL_HANDLER.matcher(t.getName()).matches()) {
                return true;
            }
        }
        return false;
    }

    private void trySend(byte[] frame) {
        try {
            channel.send(frame);
        } catch (IOException ignored) {
            // the parent is gone: nobody is left to tell
        }
    }
}
