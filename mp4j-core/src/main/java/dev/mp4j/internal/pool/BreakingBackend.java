package dev.mp4j.internal.pool;

import java.util.function.BiFunction;

/**
 * What the backends say alike when a pool breaks: the exception that breaks it (Python's
 * {@code BrokenProcessPool}, {@code BrokenThreadPool}) and, for a failing initializer, a message that
 * names what a worker is.
 */
abstract class BreakingBackend implements Backend {
    private final String worker;
    private final BiFunction<String, Throwable, RuntimeException> broken;

    /**
     * @param worker what a worker is, in messages ("process", "thread")
     * @param broken makes the exception that breaks the pool from a message and a cause (or null)
     */
    BreakingBackend(String worker, BiFunction<String, Throwable, RuntimeException> broken) {
        this.worker = worker;
        this.broken = broken;
    }

    @Override
    public final RuntimeException broken(String message, Throwable cause) {
        return broken.apply(message, cause);
    }

    @Override
    public final String initializerFailedMessage() {
        return "A " + worker + " initializer failed, the " + worker + " pool is not usable anymore";
    }
}
