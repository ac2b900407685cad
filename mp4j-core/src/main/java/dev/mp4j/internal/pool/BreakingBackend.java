package dev.mp4j.internal.pool;

/**
 * What the backends say alike when a pool breaks: the exception that breaks it (Python's
 * {@code BrokenProcessPool}, {@code BrokenThreadPool}, each backend's {@link #broken}) and, for a failing
 * initializer, a message that names what a worker is.
 */
abstract class BreakingBackend implements Backend {
    private final String worker;

    /** @param worker what a worker is, in messages ("process", "thread") */
    BreakingBackend(String worker) {
        this.worker = worker;
    }

    @Override
    public final String initializerFailedMessage() {
        return "A " + worker + " initializer failed, the " + worker + " pool is not usable anymore";
    }
}
