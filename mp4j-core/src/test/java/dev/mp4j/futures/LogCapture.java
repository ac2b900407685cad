package dev.mp4j.futures;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.text.MessageFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records what is logged to one {@code java.util.logging} logger (where {@link System#getLogger} output
 * goes by default) while it is open, and keeps it off the console. The module under test does not read
 * {@code java.logging}, so the logger is reached reflectively: a {@code java.util.logging.Filter} proxy
 * on the logger sees every record and lets none through.
 */
final class LogCapture implements AutoCloseable {
    /** One log record: level name (SEVERE for System.Logger's ERROR), formatted message, throwable. */
    record Entry(String level, String message, Throwable thrown) {}

    private final List<Entry> records = new CopyOnWriteArrayList<>();
    private final Object logger;
    private final Object previousFilter;
    private final Method setFilter;

    LogCapture(String loggerName) throws ReflectiveOperationException {
        Class<?> loggerClass = Class.forName("java.util.logging.Logger");
        Class<?> filterClass = Class.forName("java.util.logging.Filter");
        logger = loggerClass.getMethod("getLogger", String.class).invoke(null, loggerName);
        previousFilter = loggerClass.getMethod("getFilter").invoke(logger);
        setFilter = loggerClass.getMethod("setFilter", filterClass);
        InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
            case "isLoggable" -> {
                records.add(toEntry(args[0]));
                yield false;
            }
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            case "toString" -> "LogCapture filter";
            default -> throw new UnsupportedOperationException(method.toString());
        };
        Object filter = Proxy.newProxyInstance(filterClass.getClassLoader(), new Class<?>[] {filterClass}, handler);
        setFilter.invoke(logger, filter);
    }

    private static Entry toEntry(Object logRecord) throws ReflectiveOperationException {
        Class<?> c = logRecord.getClass();
        Object level = c.getMethod("getLevel").invoke(logRecord);
        String levelName = (String) level.getClass().getMethod("getName").invoke(level);
        String message = (String) c.getMethod("getMessage").invoke(logRecord);
        Object[] parameters = (Object[]) c.getMethod("getParameters").invoke(logRecord);
        if (message != null && parameters != null && parameters.length > 0) {
            message = MessageFormat.format(message, parameters);
        }
        Throwable thrown = (Throwable) c.getMethod("getThrown").invoke(logRecord);
        return new Entry(levelName, message, thrown);
    }

    List<Entry> records() {
        return List.copyOf(records);
    }

    @Override
    public void close() throws ReflectiveOperationException {
        setFilter.invoke(logger, previousFilter);
    }
}
