package dev.mp4j.internal.managers;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
     * @throws IllegalArgumentException (Python's AttributeError) if there is no such attribute
     */
    public synchronized Object get(String name) {
        return attributes.get(existing(name));
    }

    /**
     * @param name the attribute's name
     * @param value its new value
     */
    public synchronized void set(String name, Object value) {
        attributes.put(Objects.requireNonNull(name, "name"), value);
    }

    /**
     * @param name the attribute's name
     * @throws IllegalArgumentException (Python's AttributeError) if there is no such attribute
     */
    public synchronized void delete(String name) {
        attributes.remove(existing(name));
    }

    /**
     * @param name the attribute's name
     * @return whether it is set
     */
    public synchronized boolean has(String name) {
        return attributes.containsKey(Objects.requireNonNull(name, "name"));
    }

    /** @return {@code name}, which is set (the monitor held) */
    private String existing(String name) {
        if (!attributes.containsKey(Objects.requireNonNull(name, "name"))) {
            throw new IllegalArgumentException("'Namespace' object has no attribute '" + name + "'");
        }
        return name;
    }

    /** @return {@code Namespace(a=1, name='Bob')}: as Python's, sorted, names starting with '_' left out */
    @Override
    public synchronized String toString() {
        List<String> items = new ArrayList<>();
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
