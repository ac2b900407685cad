package dev.mp4j.function;

import java.io.Serializable;

/**
 * A two-argument function that can be sent to another JVM and may throw.
 *
 * @param <T> the first argument's type
 * @param <U> the second argument's type
 * @param <R> the result type
 * @since 0.1
 */
@FunctionalInterface
public interface SerializableBiFunction<T, U, R> extends Serializable {
    /**
     * @param t the first argument
     * @param u the second argument
     * @return the result
     * @throws Exception whatever the function throws
     */
    R apply(T t, U u) throws Exception;
}
