package dev.mp4j.internal.managers;

import java.io.Serial;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The referent of a manager's namespace (Python's {@code managers.Namespace}): named attributes, in the
 * order they were first set. Thread-safe (its monitor guards the attributes). Its text is
 * {@code Namespace(n=1, name='Bob')}.
 */
public final class SharedNamespace implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private final LinkedHashMap<String, Object> attributes = new LinkedHashMap<>(); // guarded by this

    /**
     * @param name the attribute's name
     * @return its value
     * @throws NoSuchElementException (Python's AttributeError) if there is no such attribute
     */
    public synchronized Object get(String name) {
        if (!attributes.containsKey(name)) {
            throw new NoSuchElementException("'Namespace' object has no attribute '" + name + "'");
        }
        return attributes.get(name);
    }

    /**
     * @param name the attribute's name
     * @param value its new value
     */
    public synchronized void set(String name, Object value) {
        attributes.put(java.util.Objects.requireNonNull(name, "name"), value);
    }

    /**
     * @param name the attribute's name
     * @throws NoSuchElementException if there is no such attribute
     */
    public synchronized void delete(String name) {
        if (!attributes.containsKey(name)) {
            throw new NoSuchElementException("'Namespace' object has no attribute '" + name + "'");
        }
        attributes.remove(name);
    }

    /**
     * @param name the attribute's name
     * @return whether it is set
     */
    public synchronized boolean has(String name) {
        return attributes.containsKey(name);
    }

    /** @return {@code Namespace(a=1, name='Bob')}: as Python's, sorted, names starting with '_' left out */
    @Override
    public synchronized String toString() {
        java.util.List<String> items = new java.util.ArrayList<>();
        for (Map.Entry<String, Object> e : attributes.entrySet()) {
            if (!e.getKey().startsWith("_")) {
                Object v = e.getValue();
                items.add(e.getKey() + "=" + (v instanceof CharSequence ? "'" + v + "'" : String.valueOf(v)));
            }
        }
        items.sort(null);
        return "Namespace(" + String.join(", ", items) + ")";
    }
}
