package dev.mp4j.function;

import java.io.Serializable;

/**
 * A supplier that can be sent to another JVM and may throw.
 *
 * @param <T> the result type
 * @since 0.1
 */
@FunctionalInterface
public interface SerializableSupplier<T> extends Serializable {
    /**
     * @return the value
     * @throws Exception whatever the supplier throws
     */
    T get() throws Exception;
}
