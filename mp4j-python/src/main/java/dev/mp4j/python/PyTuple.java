package dev.mp4j.python;

import java.io.Serial;
import java.io.Serializable;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collection;
import java.util.RandomAccess;

/**
 * Python's {@code tuple}: an immutable list with value equality, usable as a map key (as a tuple is a dict key
 * in Python). Its equality and hash code are those of {@link java.util.List}, so it equals any list with the
 * same items; it pickles as a tuple, where a plain list pickles as a list.
 */
public final class PyTuple extends AbstractList<Object> implements RandomAccess, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final Object[] NONE = {};
    /** The empty tuple. */
    static final PyTuple EMPTY = new PyTuple();

    @SuppressWarnings("serial") // the items of a tuple made to be serialized are serializable
    private final Object[] items;
    private transient int hash;
    private transient boolean hashed;

    /** @param items the items (copied; null items are Python's None) */
    public PyTuple(Object... items) {
        this(items.length == 0 ? NONE : items.clone(), true);
    }

    private PyTuple(Object[] items, boolean owned) {
        this.items = owned ? items : items.clone();
    }

    /**
     * @param items the items
     * @return a tuple of them, in their order
     */
    public static PyTuple of(Collection<?> items) {
        return new PyTuple(items.toArray(), true);
    }

    /** A tuple taking over {@code items}, which nobody else may change. */
    static PyTuple owning(Object[] items) {
        return items.length == 0 ? EMPTY : new PyTuple(items, true);
    }

    @Override
    public Object get(int index) {
        return items[index];
    }

    @Override
    public int size() {
        return items.length;
    }

    @Override
    public Object[] toArray() {
        return items.clone();
    }

    @Override
    public String toString() {
        if (items.length == 1) {
            return "(" + items[0] + ",)";
        }
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < items.length; i++) {
            b.append(i == 0 ? "" : ", ").append(items[i]);
        }
        return b.append(')').toString();
    }

    /** {@link java.util.List}'s hash code, computed once (a tuple is immutable; its items should be too). */
    @Override
    public int hashCode() {
        if (!hashed) {
            hash = Arrays.hashCode(items);
            hashed = true;
        }
        return hash;
    }
}
