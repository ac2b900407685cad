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
        return proxy.callAs("size", NONE);
    }

    @Override
    public boolean isEmpty() {
        return proxy.callAs("isEmpty", NONE);
    }

    @Override
    public E get(int index) {
        return proxy.callAs("get", INT, index);
    }

    @Override
    public E set(int index, E element) {
        return proxy.callAs("set", INT_OBJ, index, element);
    }

    @Override
    public boolean add(E e) {
        return proxy.callAs("add", OBJ, e);
    }

    @Override
    public void add(int index, E element) {
        proxy.call("add", INT_OBJ, index, element);
    }

    @Override
    public E remove(int index) {
        return proxy.callAs("remove", INT, index);
    }

    @Override
    public boolean remove(Object o) {
        return proxy.callAs("remove", OBJ, o);
    }

    @Override
    public int indexOf(Object o) {
        return proxy.callAs("indexOf", OBJ, o);
    }

    @Override
    public int lastIndexOf(Object o) {
        return proxy.callAs("lastIndexOf", OBJ, o);
    }

    @Override
    public boolean contains(Object o) {
        return proxy.callAs("contains", OBJ, o);
    }

    @Override
    public void clear() {
        proxy.call("clear", NONE);
    }

    @Override
    public boolean addAll(Collection<? extends E> c) {
        return proxy.callAs("addAll", COLL, new ArrayList<>(c));
    }

    @Override
    public boolean addAll(int index, Collection<? extends E> c) {
        return proxy.callAs("addAll", INT_COLL, index, new ArrayList<>(c));
    }

    @Override
    public boolean removeAll(Collection<?> c) {
        return proxy.callAs("removeAll", COLL, new ArrayList<>(c));
    }

    @Override
    public boolean retainAll(Collection<?> c) {
        return proxy.callAs("retainAll", COLL, new ArrayList<>(c));
    }

    @Override
    public boolean containsAll(Collection<?> c) {
        return proxy.callAs("containsAll", COLL, new ArrayList<>(c));
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
        return o == this || proxy.equalsCopy(o, List.class);
    }

    @Override
    public int hashCode() {
        return copy().hashCode();
    }

    @Override
    public String toString() {
        return proxy.copyText();
    }
}
