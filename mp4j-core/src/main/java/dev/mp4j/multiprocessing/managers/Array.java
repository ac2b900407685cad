package dev.mp4j.multiprocessing.managers;

import java.io.Serializable;
import java.util.List;

/**
 * A fixed-length array held by a manager's server (Python's {@code Manager().Array(typecode, sequence)}, whose
 * proxy offers {@code len}, indexing and item assignment). Each call is one atomic operation in the server.
 * An extension of mp4j's API list: see {@link SyncManager#array(Class, java.util.Collection)}.
 *
 * @param <T> the element type
 * @since 0.1
 */
public interface Array<T> extends Serializable {
    /** @return the number of elements */
    int length();

    /**
     * @param index the element's index
     * @return the element
     * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, length())}
     */
    T get(int index);

    /**
     * @param index the element's index
     * @param value its new value
     * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, length())}
     * @throws IllegalArgumentException if {@code value} is not of the element type
     */
    void set(int index, T value);

    /** @return a copy of the elements, in order */
    List<T> toList();
}
