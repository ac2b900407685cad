package dev.mp4j.multiprocessing.managers;

import java.io.Serializable;

/**
 * A manager's namespace: named attributes that live in the manager's server (Python's {@code Namespace}).
 * Each call is one atomic operation in the server.
 *
 * @since 0.1
 */
public interface Namespace extends Serializable {
    /**
     * Python's {@code ns.name}.
     *
     * @param name the attribute's name
     * @param <T> the type the caller expects
     * @return the attribute's value (null when it was set to null)
     * @throws IllegalArgumentException (Python's AttributeError) if the attribute was never set, or was deleted
     * @throws NullPointerException if {@code name} is null
     */
    <T> T get(String name);

    /**
     * Python's {@code ns.name = value}.
     *
     * @param name the attribute's name
     * @param value its new value
     * @throws NullPointerException if {@code name} is null
     */
    void set(String name, Object value);

    /**
     * Python's {@code del ns.name}.
     *
     * @param name the attribute to remove
     * @throws IllegalArgumentException (Python's AttributeError) if the attribute is not set
     * @throws NullPointerException if {@code name} is null
     */
    void delete(String name);

    /**
     * Python's {@code hasattr(ns, name)}.
     *
     * @param name an attribute's name
     * @return whether it is set
     * @throws NullPointerException if {@code name} is null
     */
    boolean has(String name);
}
