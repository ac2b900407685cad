package dev.mp4j.internal.util;

import java.util.ResourceBundle;
import java.util.function.Supplier;

/**
 * A {@link System.Logger} that asks {@link System#getLogger} for the real one only when it is first used.
 * For a class outside the JDK, {@code System.getLogger} starts the logging framework at once (its service
 * lookup, {@code java.util.logging}): about 18 ms of a child JVM's start here, paid by every class that
 * keeps a logger in a static field even if it never logs.
 */
public final class LazyLogger implements System.Logger {
    private final String name;
    private volatile System.Logger logger;

    private LazyLogger(String name) {
        this.name = name;
    }

    /**
     * @param name the logger's name
     * @return a logger of that name, made on first use
     */
    public static System.Logger of(String name) {
        return new LazyLogger(name);
    }

    private System.Logger logger() {
        System.Logger l = logger;
        if (l == null) {
            l = System.getLogger(name);
            logger = l;
        }
        return l;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean isLoggable(Level level) {
        return logger().isLoggable(level);
    }

    @Override
    public void log(Level level, Supplier<String> msgSupplier) {
        logger().log(level, msgSupplier);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        logger().log(level, bundle, msg, thrown);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        logger().log(level, bundle, format, params);
    }
}
