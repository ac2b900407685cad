package dev.mp4j.function;

import java.io.Serializable;

/**
 * A one-argument function that can be sent to another JVM and may throw.
 *
 * @param <T> the argument type
 * @param <R> the result type
 * @since 0.1
 */
@FunctionalInterface
public interface SerializableFunction<T, R> extends Serializable {
    /**
     * @param t the argument
     * @return the result
     * @throws Exception whatever the function throws
     */
    R apply(T t) throws Exception;
}
