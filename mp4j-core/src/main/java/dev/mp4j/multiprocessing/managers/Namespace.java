package dev.mp4j.multiprocessing.managers;

import java.io.Serializable;

/**
 * A manager's namespace: named attributes that live in the manager's server (Python's {@code Namespace}).
 *
 * @since 0.1
 */
public interface Namespace extends Serializable {
    /**
     * @param name the attribute's name
     * @param <T> the type the caller expects
     * @return the attribute's value
     */
    <T> T get(String name);

    /**
     * @param name the attribute's name
     * @param value its new value
     */
    void set(String name, Object value);
}
