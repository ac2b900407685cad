package dev.mp4j.internal.util;

import java.util.ResourceBundle;
import java.util.function.Supplier;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * A {@link System.Logger} that asks {@link System#getLogger} for the real one only when it is first used.
 * For a class outside the JDK, {@code System.getLogger} starts the logging framework at once (its service
 * lookup, {@code java.util.logging}): about 18 ms of a child JVM's start here, paid by every class that
 * keeps a logger in a static field even if it never logs.
 */
public final class LazyLogger implements System.Logger {
    private final String name;
    private final Level defaultLevel;
    private volatile System.Logger logger;
    private Logger levelled; // the java.util.logging logger whose level this set, kept so that the level stays

    private LazyLogger(String name, Level defaultLevel) {
        this.name = name;
        this.defaultLevel = defaultLevel;
    }

    /**
     * @param name the logger's name
     * @return a logger of that name, made on first use
     */
    public static System.Logger of(String name) {
        return new LazyLogger(name, null);
    }

    /**
     * A logger whose level, under the JDK's own logging, is {@code defaultLevel} until configured: when
     * {@code System.Logger} is backed by {@code java.util.logging} (no other {@link System.LoggerFinder} is
     * installed) and neither its configuration nor the program names a level for this logger or one above
     * it, its first use sets that level, as Python's {@code multiprocessing} logger logs nothing below
     * WARNING until asked to (the JDK's default is INFO). Any other backend decides alone.
     *
     * @param name the logger's name
     * @param defaultLevel its level when nothing else names one
     * @return a logger of that name, made on first use
     */
    public static System.Logger of(String name, Level defaultLevel) {
        return new LazyLogger(name, defaultLevel);
    }

    private System.Logger logger() {
        System.Logger l = logger;
        if (l == null) {
            synchronized (this) {
                l = logger;
                if (l == null) {
                    l = System.getLogger(name);
                    if (defaultLevel != null) {
                        applyDefaultLevel();
                    }
                    logger = l;
                }
            }
        }
        return l;
    }

    private void applyDefaultLevel() {
        if (!"java.logging".equals(System.LoggerFinder.getLoggerFinder().getClass().getModule().getName())) {
            return;
        }
        LogManager manager = LogManager.getLogManager();
        for (String n = name; !n.isEmpty(); n = n.lastIndexOf('.') < 0 ? "" : n.substring(0, n.lastIndexOf('.'))) {
            Logger existing = manager.getLogger(n);
            if (manager.getProperty(n.concat(".level")) != null || existing != null && existing.getLevel() != null) {
                return;
            }
        }
        levelled = Logger.getLogger(name);
        levelled.setLevel(julLevel(defaultLevel));
    }

    /**
     * @param level a System.Logger level
     * @return the java.util.logging level of the same meaning, as the JDK maps them
     */
    public static java.util.logging.Level julLevel(Level level) {
        return switch (level) {
            case ALL -> java.util.logging.Level.ALL;
            case TRACE -> java.util.logging.Level.FINER;
            case DEBUG -> java.util.logging.Level.FINE;
            case INFO -> java.util.logging.Level.INFO;
            case WARNING -> java.util.logging.Level.WARNING;
            case ERROR -> java.util.logging.Level.SEVERE;
            case OFF -> java.util.logging.Level.OFF;
        };
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
