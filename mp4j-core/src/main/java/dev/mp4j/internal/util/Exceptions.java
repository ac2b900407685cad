package dev.mp4j.internal.util;

import java.util.concurrent.CompletionException;

/** How a task's exception reaches the caller of {@code result()} or {@code get()}. */
public final class Exceptions {
    private Exceptions() {}

    /**
     * Python's rule for a task's exception, as {@code result()}/{@code get} raises it: an unchecked one (or an
     * Error) as it is, a checked one wrapped in {@link CompletionException}.
     *
     * @param t the exception
     * @return never: it throws, so that a caller can write {@code throw rethrow(t)}
     */
    public static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new CompletionException(t);
    }
}
