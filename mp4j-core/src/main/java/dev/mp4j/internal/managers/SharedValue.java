package dev.mp4j.internal.managers;

import java.io.Serial;
import java.io.Serializable;

/**
 * The referent of a manager's value (Python's {@code managers.Value}): one value, read and replaced
 * atomically (a volatile field). Its text is {@code Value(42)}.
 */
public final class SharedValue implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    @SuppressWarnings("serial") // whatever the user stores; a copy (getValue) needs it serializable
    private volatile Object value;

    /** @param initial the first value */
    public SharedValue(Object initial) {
        this.value = initial;
    }

    /** @return the value */
    public Object get() {
        return value;
    }

    /** @param value the new value */
    public void set(Object value) {
        this.value = value;
    }

    @Override
    public String toString() {
        Object v = value;
        return "Value(" + (v instanceof CharSequence ? "'" + v + "'" : String.valueOf(v)) + ")";
    }
}
