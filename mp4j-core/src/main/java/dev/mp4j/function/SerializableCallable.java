package dev.mp4j.function;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A {@link Callable} that can be sent to another JVM: a lambda targeted at it is serializable, and so must
 * be everything it captures.
 *
 * @param <V> the result type
 * @since 0.1
 */
@FunctionalInterface
public interface SerializableCallable<V> extends Callable<V>, Serializable {}
