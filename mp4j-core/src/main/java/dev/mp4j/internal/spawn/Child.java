package dev.mp4j.internal.spawn;

import dev.mp4j.internal.wire.FrameChannel;
import dev.mp4j.internal.wire.Tags;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The child side of a control channel, and what a child's job asks of the JVM it runs in: to become the
 * process the job names ({@link #become}), to report its exit code. Made by the child JVM's main class once
 * the job has arrived; the job gets it as the argument of {@link Job#run}.
 */
public final class Child {
    /** How {@code jdk.internal.misc.Signal} names the thread that runs a Java signal handler. */
    private static final Pattern SIGNAL_HANDLER = Pattern.compile("SIG[A-Z0-9]+ handler");

    private final FrameChannel channel;
    private final long parentPid;
    private final Consumer<System.Logger.Level> logToStderr;
    private volatile boolean reported;
    /** The hook {@link #reportExitsAtShutdown} added, until {@link #reportExit} removes it; null otherwise. */
    private volatile Thread exitHook;

    /**
     * @param channel the control channel to the parent
     * @param parentPid the parent JVM's pid
     * @param logToStderr sends multiprocessing's log to stderr at a level (as the parent's goes), for
     *     {@link #become}
     */
    public Child(FrameChannel channel, long parentPid, Consumer<System.Logger.Level> logToStderr) {
        this.channel = channel;
        this.parentPid = parentPid;
        this.logToStderr = logToStderr;
    }

    /**
     * Adds the shutdown hook that tells the parent of an exit the job did not report ({@link #onShutdown});
     * {@link #reportExit} removes it.
     */
    public void reportExitsAtShutdown() {
        Thread hook = new Thread(new ExitReport(this), "mp4j-exit-report");
        Runtime.getRuntime().addShutdownHook(hook);
        exitHook = hook;
    }

    /**
     * The exit hook's body, {@link #onShutdown}: a class rather than a method reference, which the JVM would
     * spin a class for as each child adopts its job when the children's AOT cache does not hold it (no cache
     * yet, one still training): a few tenths of a millisecond between the job's arrival and its run.
     */
    private static final class ExitReport implements Runnable {
        private final Child child;

        ExitReport(Child child) {
            this.child = child;
        }

        @Override
        public void run() {
            child.onShutdown();
        }
    }

    /** @return the exit hook {@link #reportExitsAtShutdown} added and {@link #reportExit} has not removed, or null */
    Thread exitHook() {
        return exitHook;
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
     * This JVM is now the process {@code self}, started by {@code parent} ({@link Identity#become}); with a
     * log level, multiprocessing's log goes to stderr at it from now on, as the parent's does.
     *
     * @param self the process this JVM is
     * @param parent its parent
     * @param logLevel the level the parent logs to stderr at, or null
     */
    public void become(Identity.Self self, Identity.Self parent, System.Logger.Level logLevel) {
        Identity.become(self, parent);
        if (logLevel != null) {
            logToStderr.accept(logLevel);
        }
    }

    /**
     * {@link #become} a process of no identity numbers, not a daemon, that shares its parent's authkey (a
     * pool's worker).
     *
     * @param name the child's name
     * @param authkey its authkey and its parent's
     * @param parentName the parent's name
     * @param parentPid the parent's pid
     * @param logLevel the level the parent logs to stderr at, or null
     */
    public void becomeChild(String name, byte[] authkey, String parentName, long parentPid,
                            System.Logger.Level logLevel) {
        become(new Identity.Known(name, ProcessHandle.current().pid(), authkey, false, new int[0]),
                new Identity.Known(parentName, parentPid, authkey, false, new int[0]), logLevel);
    }

    /**
     * Tells the parent the exit code this child is about to exit with, and removes the shutdown hook that
     * would report an exit otherwise: it would find the exit reported and do nothing, but the JVM would still
     * start its thread as it exits (a few tenths of a millisecond of every child's exit).
     *
     * @param code the exit code
     */
    public void reportExit(int code) {
        reported = true;
        trySend(Tags.frame(Tags.EXIT, code));
        Thread hook = exitHook;
        if (hook != null) {
            exitHook = null;
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting already: the hook runs, and finds the exit reported
            }
        }
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
        for (Thread t : platformThreads()) {
            if (t != self && !t.isDaemon() && t.isAlive() && !"DestroyJavaVM".equals(t.getName())) {
                return t;
            }
        }
        return null;
    }

    /** @return whether a thread of the JVM's signal handling ({@code SIGTERM handler}, ...) is alive */
    static boolean signalHandlerRunning() {
        for (Thread t : platformThreads()) {
            if (t.isAlive() && SIGNAL_HANDLER.matcher(t.getName()).matches()) {
                return true;
            }
        }
        return false;
    }

    /**
     * @return the JVM's live platform threads, as the root thread group's {@code enumerate} lists them: without
     *     stopping the JVM to walk every thread's stack, as {@code Thread.getAllStackTraces} does (a few tenths
     *     of a millisecond of each child's exit, which asks twice); virtual threads are daemons and in no group
     */
    private static List<Thread> platformThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[64]; // a child's JVM has about twenty: one walk of them, not a count first
        int n;
        while ((n = root.enumerate(threads, true)) == threads.length) { // more threads than room: perhaps some left out
            threads = new Thread[root.activeCount() + 64];
        }
        return Arrays.asList(threads).subList(0, n);
    }

    private void trySend(byte[] frame) {
        try {
            channel.send(frame);
        } catch (IOException ignored) {
            // the parent is gone: nobody is left to tell
        }
    }
}
