package dev.mp4j.internal.managers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The referent of a manager's array: a Java array of the element type (primitive or not), read and written
 * under this object's monitor. Its text is {@code array(int, [1, 2, 3])}.
 */
public final class SharedArray {
    private final Class<?> type;
    private final Object array;

    /**
     * @param type the element type, primitive or not
     * @param initial the elements
     * @throws IllegalArgumentException if an element is not of {@code type} (or is null for a primitive type)
     */
    public SharedArray(Class<?> type, Collection<?> initial) {
        if (type == void.class) {
            throw new IllegalArgumentException("the element type of an array cannot be void");
        }
        this.type = type;
        this.array = java.lang.reflect.Array.newInstance(type, initial.size());
        int i = 0;
        for (Object o : initial) {
            store(i++, o);
        }
    }

    /** @return the number of elements */
    public int length() {
        return java.lang.reflect.Array.getLength(array);
    }

    /**
     * @param index an index
     * @return the element
     */
    public synchronized Object get(int index) {
        check(index);
        return java.lang.reflect.Array.get(array, index);
    }

    /**
     * @param index an index
     * @param value the new element
     */
    public synchronized void set(int index, Object value) {
        check(index);
        store(index, value);
    }

    /** @return a copy of the elements */
    public synchronized List<Object> toList() {
        int n = length();
        List<Object> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(java.lang.reflect.Array.get(array, i));
        }
        return out;
    }

    private void check(int index) {
        if (index < 0 || index >= length()) {
            throw new IndexOutOfBoundsException("array index " + index + " out of range for length " + length());
        }
    }

    private void store(int index, Object value) {
        try {
            java.lang.reflect.Array.set(array, index, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("an array of " + type.getName() + " cannot hold "
                    + (value == null ? "null" : "a " + value.getClass().getName() + " (" + value + ")"), e);
        }
    }

    @Override
    public String toString() {
        return "array(" + type.getSimpleName() + ", " + toList() + ")";
    }
}
