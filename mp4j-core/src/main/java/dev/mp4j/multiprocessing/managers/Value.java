package dev.mp4j.multiprocessing.managers;

import java.io.Serializable;

/**
 * A single value held by a manager's server (Python's {@code Manager().Value(typecode, value)}).
 *
 * @param <T> the value's type
 * @since 0.1
 */
public interface Value<T> extends Serializable {
    /** @return the current value */
    T get();

    /** @param value the new value */
    void set(T value);
}
