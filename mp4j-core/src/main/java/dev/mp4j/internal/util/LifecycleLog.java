package dev.mp4j.internal.util;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The one path of multiprocessing's lifecycle messages (a process started, a child running and exiting, the
 * exit function joining children ...): logger {@code dev.mp4j.multiprocessing}, Python's
 * {@code multiprocessing} logger, at each message's own level, whatever the backend of {@code System.Logger}
 * and whether or not {@code logToStderr} was called. Under the JDK's own logging it logs nothing below WARNING
 * until configured ({@link LazyLogger#of(String, System.Logger.Level)}).
 *
 * <p>A child JVM does not ask its own logger: its parent sends, with the job, the lowest level its logger
 * enabled ({@link #levelForChildren}), and the child logs only messages at or above it. Below it a child
 * never starts its logging framework (about 18 ms of its start-up); above it, the child's own backend
 * decides, as the parent's did.
 */
public final class LifecycleLog {
    /** Multiprocessing's logger, Python's {@code multiprocessing.get_logger()}. */
    public static final System.Logger LOG = LazyLogger.of("dev.mp4j.multiprocessing", System.Logger.Level.WARNING);

    /** The lowest level this JVM logs lifecycle messages at; null for none. The main JVM: its logger decides. */
    private static volatile System.Logger.Level least = System.Logger.Level.ALL;

    private static final System.Logger.Level[] LEVELS = {System.Logger.Level.TRACE, System.Logger.Level.DEBUG,
        System.Logger.Level.INFO, System.Logger.Level.WARNING, System.Logger.Level.ERROR};

    private static final AtomicBoolean READ_AHEAD = new AtomicBoolean();

    private LifecycleLog() {}

    /**
     * Starts this JVM's logging framework on a background thread, once, if nothing has yet: the first
     * {@link #levelForChildren} asks the logger, which starts it (its service lookup and configuration,
     * 20–40 ms of a fresh JVM), and a caller that has other work first (a child JVM to boot) need not wait
     * for it.
     */
    public static void readAhead() {
        if (least != null && READ_AHEAD.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("mp4j-logging-start").start(new Start());
        }
    }

    /** Asks the logger, which starts the logging framework (a class, not a lambda: cheaper on a cold JVM). */
    private static final class Start implements Runnable {
        @Override
        public void run() {
            LOG.isLoggable(System.Logger.Level.ERROR);
        }
    }

    /**
     * Logs a lifecycle message at its level (the supplier is called only when it is logged).
     *
     * @param level the message's level
     * @param message makes the message
     */
    public static void log(System.Logger.Level level, Supplier<String> message) {
        System.Logger.Level l = least;
        if (l != null && level.getSeverity() >= l.getSeverity()) {
            LOG.log(level, message);
        }
    }

    /**
     * @return what a child started now gets for {@link #inChild}: the lowest level at which this JVM's logger
     *     logs lifecycle messages, or null when it logs none
     */
    public static System.Logger.Level levelForChildren() {
        System.Logger.Level l = least;
        if (l == null) {
            return null;
        }
        for (System.Logger.Level level : LEVELS) {
            if (level.getSeverity() >= l.getSeverity() && LOG.isLoggable(level)) {
                return level;
            }
        }
        return null;
    }

    /**
     * In a child, before its job runs: the lifecycle messages below {@code level} are not logged.
     *
     * @param level what the parent's {@link #levelForChildren} gave; null for none
     */
    public static void inChild(System.Logger.Level level) {
        least = level;
    }
}
