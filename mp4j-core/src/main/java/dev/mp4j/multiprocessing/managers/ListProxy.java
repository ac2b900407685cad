package dev.mp4j.multiprocessing.managers;

import java.io.Serial;
import java.io.Serializable;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.RandomAccess;

/**
 * A {@link List} whose elements live in a manager's server (Python's {@code ListProxy}). Each operation is
 * one call of the referent (a synchronized {@link ArrayList}); {@link #iterator()} iterates a copy taken at
 * its first {@code hasNext}/{@code next}, and its {@code remove} removes from the shared list. List
 * iterators and sub-lists work element by element through the proxy.
 */
final class ListProxy<E> extends AbstractList<E> implements RandomAccess, Serializable, BaseProxy.Proxied {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final String[] NONE = BaseProxy.NO_PARAMS;
    private static final String[] OBJ = BaseProxy.sig(Object.class);
    private static final String[] INT = BaseProxy.sig(int.class);
    private static final String[] INT_OBJ = BaseProxy.sig(int.class, Object.class);
    private static final String[] COLL = BaseProxy.sig(Collection.class);
    private static final String[] INT_COLL = BaseProxy.sig(int.class, Collection.class);
    private static final String[] COMPARATOR = BaseProxy.sig(Comparator.class);

    private final BaseProxy proxy;

    ListProxy(BaseProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    public BaseProxy baseProxy() {
        return proxy;
    }

    @SuppressWarnings("unchecked")
    private List<E> copy() {
        return (List<E>) proxy.getValue();
    }

    @Override
    public int size() {
        return (Integer) proxy.call("size", NONE);
    }

    @Override
    public boolean isEmpty() {
        return (Boolean) proxy.call("isEmpty", NONE);
    }

    @Override
    @SuppressWarnings("unchecked")
    public E get(int index) {
        return (E) proxy.call("get", INT, index);
    }

    @Override
    @SuppressWarnings("unchecked")
    public E set(int index, E element) {
        return (E) proxy.call("set", INT_OBJ, index, element);
    }

    @Override
    public boolean add(E e) {
        return (Boolean) proxy.call("add", OBJ, e);
    }

    @Override
    public void add(int index, E element) {
        proxy.call("add", INT_OBJ, index, element);
    }

    @Override
    @SuppressWarnings("unchecked")
    public E remove(int index) {
        return (E) proxy.call("remove", INT, index);
    }

    @Override
    public boolean remove(Object o) {
        return (Boolean) proxy.call("remove", OBJ, o);
    }

    @Override
    public int indexOf(Object o) {
        return (Integer) proxy.call("indexOf", OBJ, o);
    }

    @Override
    public int lastIndexOf(Object o) {
        return (Integer) proxy.call("lastIndexOf", OBJ, o);
    }

    @Override
    public boolean contains(Object o) {
        return (Boolean) proxy.call("contains", OBJ, o);
    }

    @Override
    public void clear() {
        proxy.call("clear", NONE);
    }

    @Override
    public boolean addAll(Collection<? extends E> c) {
        return (Boolean) proxy.call("addAll", COLL, new ArrayList<>(c));
    }

    @Override
    public boolean addAll(int index, Collection<? extends E> c) {
        return (Boolean) proxy.call("addAll", INT_COLL, index, new ArrayList<>(c));
    }

    @Override
    public boolean removeAll(Collection<?> c) {
        return (Boolean) proxy.call("removeAll", COLL, new ArrayList<>(c));
    }

    @Override
    public boolean retainAll(Collection<?> c) {
        return (Boolean) proxy.call("retainAll", COLL, new ArrayList<>(c));
    }

    @Override
    public boolean containsAll(Collection<?> c) {
        return (Boolean) proxy.call("containsAll", COLL, new ArrayList<>(c));
    }

    /** @param c a serializable comparator, or null for the natural order */
    @Override
    public void sort(Comparator<? super E> c) {
        proxy.call("sort", COMPARATOR, c);
    }

    @Override
    public Object[] toArray() {
        return copy().toArray();
    }

    @Override
    public <T> T[] toArray(T[] a) {
        return copy().toArray(a);
    }

    @Override
    public Iterator<E> iterator() {
        return new Iterator<>() {
            private List<E> copy;
            private int cursor;
            private int last = -1;
            private int removed;

            private List<E> copy() {
                if (copy == null) {
                    copy = ListProxy.this.copy();
                }
                return copy;
            }

            @Override
            public boolean hasNext() {
                return cursor < copy().size();
            }

            @Override
            public E next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                last = cursor;
                return copy.get(cursor++);
            }

            @Override
            public void remove() {
                if (last < 0) {
                    throw new IllegalStateException("next() was not called, or remove() was called already");
                }
                ListProxy.this.remove(last - removed);
                removed++;
                last = -1;
            }
        };
    }

    @Override
    public boolean equals(Object o) {
        if (o == this || proxy.equals(BaseProxy.find(o))) {
            return true;
        }
        return o instanceof List<?> && copy().equals(o);
    }

    @Override
    public int hashCode() {
        return copy().hashCode();
    }

    @Override
    public String toString() {
        return proxy.text(() -> copy().toString());
    }
}
