package dev.mp4j.futures.limits;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Records the messages of the pool's logger ("dev.mp4j.pool", a {@code java.util.logging} logger by
 * default) while open, keeping them off the console. The module under test does not read
 * {@code java.logging}, so the logger is reached reflectively through a {@code Filter} proxy.
 * {@code messages} is guarded by {@code this}; {@link #await} waits on it.
 */
final class PoolLog implements AutoCloseable {
    private final List<String> messages = new ArrayList<>();
    private final Object logger;
    private final Object previousFilter;
    private final Method setFilter;

    PoolLog() throws ReflectiveOperationException {
        Class<?> loggerClass = Class.forName("java.util.logging.Logger");
        Class<?> filterClass = Class.forName("java.util.logging.Filter");
        logger = loggerClass.getMethod("getLogger", String.class).invoke(null, "dev.mp4j.pool");
        previousFilter = loggerClass.getMethod("getFilter").invoke(logger);
        setFilter = loggerClass.getMethod("setFilter", filterClass);
        InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
            case "isLoggable" -> {
                add(message(args[0]));
                yield false;
            }
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            case "toString" -> "PoolLog filter";
            default -> throw new UnsupportedOperationException(method.toString());
        };
        setFilter.invoke(logger, Proxy.newProxyInstance(filterClass.getClassLoader(), new Class<?>[] {filterClass},
                handler));
    }

    private static String message(Object logRecord) throws ReflectiveOperationException {
        Class<?> c = logRecord.getClass();
        String message = (String) c.getMethod("getMessage").invoke(logRecord);
        Object[] parameters = (Object[]) c.getMethod("getParameters").invoke(logRecord);
        if (message != null && parameters != null && parameters.length > 0) {
            message = MessageFormat.format(message, parameters);
        }
        return message;
    }

    private synchronized void add(String message) {
        messages.add(message);
        notifyAll();
    }

    /**
     * Waits for a message that matches.
     *
     * @return the first that matches
     * @throws AssertionError if none came within {@code seconds}
     */
    synchronized String await(Predicate<String> match, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            for (String m : messages) {
                if (m != null && match.test(m)) {
                    return m;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no such log message; got " + messages);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    @Override
    public void close() throws ReflectiveOperationException {
        setFilter.invoke(logger, previousFilter);
    }
}
