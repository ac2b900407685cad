package dev.mp4j.function;

import java.io.Serializable;

/**
 * A {@link Runnable} that can be sent to another JVM: a lambda targeted at it is serializable, and so must
 * be everything it captures.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface SerializableRunnable extends Runnable, Serializable {}
