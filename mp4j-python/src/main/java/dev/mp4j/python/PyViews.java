package dev.mp4j.python;

import dev.mp4j.multiprocessing.Empty;
import dev.mp4j.multiprocessing.Full;

import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.time.Duration;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.RandomAccess;
import java.util.Set;

/**
 * Java views of a {@code SyncManager}'s proxies, each method one or two calls of the proxy. They hold no state of
 * their own: two views of one proxy see the same object, as two Python proxies do. A method made of two calls
 * ({@code Map.put} returning the previous value, {@code List.set}) is not atomic on the server.
 */
final class PyViews {
    private PyViews() {}

    /** Python's {@code slice(None)}: {@code [:]}. */
    private static final PyObject ALL = new PyObject("builtins", "slice", java.util.Arrays.asList((Object) null),
            null);

    private static double secondsDouble(Duration timeout) {
        return timeout.isNegative() ? 0.0 : timeout.toNanos() / 1e9;
    }

    /** {@code queue.Queue} through its proxy: put, get, qsize, empty, full. */
    static final class QueueView<E> implements dev.mp4j.multiprocessing.Queue<E> {
        @Serial
        private static final long serialVersionUID = 1L;
        @SuppressWarnings("serial") // a view is not serializable (writeObject throws)
        private final RemoteProxy proxy;

        QueueView(RemoteProxy proxy) {
            this.proxy = proxy;
        }

        @Override
        public void put(E item, Duration timeout) {
            try {
                if (timeout == null) {
                    proxy.callMethod("put", item);
                } else if (timeout.isZero() || timeout.isNegative()) {
                    proxy.callMethod("put", item, false);
                } else {
                    proxy.callMethod("put", item, true, secondsDouble(timeout));
                }
            } catch (PythonError e) {
                if (e.type().endsWith(".Full")) {
                    throw new Full("the CPython queue stayed full" + (timeout == null ? "" : " for " + timeout), e);
                }
                throw e;
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public E get(Duration timeout) {
            try {
                if (timeout == null) {
                    return (E) proxy.callMethod("get");
                } else if (timeout.isZero() || timeout.isNegative()) {
                    return (E) proxy.callMethod("get", false);
                } else {
                    return (E) proxy.callMethod("get", true, secondsDouble(timeout));
                }
            } catch (PythonError e) {
                if (e.type().endsWith(".Empty")) {
                    throw new Empty("the CPython queue stayed empty" + (timeout == null ? "" : " for " + timeout), e);
                }
                throw e;
            }
        }

        @Override
        public int qsize() {
            return ((Number) proxy.callMethod("qsize")).intValue();
        }

        @Override
        public boolean empty() {
            return Boolean.TRUE.equals(proxy.callMethod("empty"));
        }

        @Override
        public boolean full() {
            return Boolean.TRUE.equals(proxy.callMethod("full"));
        }

        /** Nothing to release: the queue is the server's, and the proxy stays usable. */
        @Override
        public void close() {}

        @Override
        public void joinThread() {}

        @Override
        public void cancelJoinThread() {}

        @Serial
        private void writeObject(ObjectOutputStream out) throws NotSerializableException {
            throw new NotSerializableException("a view of a CPython manager's queue is not serializable");
        }

        @Override
        public String toString() {
            return "Queue view of " + proxy;
        }
    }

    /** A {@code DictProxy}: {@code get}, {@code __setitem__}, {@code pop}, {@code __contains__}, {@code __len__}. */
    static final class DictView<K, V> extends AbstractMap<K, V> {
        private final RemoteProxy proxy;

        DictView(RemoteProxy proxy) {
            this.proxy = proxy;
        }

        @Override
        @SuppressWarnings("unchecked")
        public V get(Object key) {
            return (V) proxy.callMethod("get", key);
        }

        @Override
        public boolean containsKey(Object key) {
            return Boolean.TRUE.equals(proxy.callMethod("__contains__", key));
        }

        @Override
        public V put(K key, V value) {
            V old = get(key);
            proxy.callMethod("__setitem__", key, value);
            return old;
        }

        @Override
        @SuppressWarnings("unchecked")
        public V remove(Object key) {
            return (V) proxy.callMethod("pop", key, null);
        }

        @Override
        public int size() {
            return ((Number) proxy.callMethod("__len__")).intValue();
        }

        @Override
        public void clear() {
            proxy.callMethod("clear");
        }

        @Override
        public void putAll(Map<? extends K, ? extends V> m) {
            proxy.callMethod("update", new java.util.LinkedHashMap<Object, Object>(m));
        }

        /** @return the entries of a copy taken now ({@code copy()}); removing through it removes on the server */
        @Override
        public Set<Entry<K, V>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<K, V>> iterator() {
                    @SuppressWarnings("unchecked")
                    Map<K, V> copy = (Map<K, V>) proxy.callMethod("copy");
                    Iterator<Entry<K, V>> it = copy.entrySet().iterator();
                    return new Iterator<>() {
                        private Entry<K, V> last;

                        @Override
                        public boolean hasNext() {
                            return it.hasNext();
                        }

                        @Override
                        public Entry<K, V> next() {
                            Entry<K, V> e = it.next();
                            last = e;
                            return new SimpleImmutableEntry<>(e);
                        }

                        @Override
                        public void remove() {
                            if (last == null) {
                                throw new IllegalStateException("next() first");
                            }
                            proxy.callMethod("pop", last.getKey(), null);
                            last = null;
                        }
                    };
                }

                @Override
                public int size() {
                    return DictView.this.size();
                }
            };
        }

        @Override
        public String toString() {
            return "dict view of " + proxy;
        }
    }

    /** A {@code ListProxy}: {@code __getitem__}, {@code __setitem__}, {@code insert}, {@code pop}, {@code __len__}. */
    static final class ListView<E> extends AbstractList<E> implements RandomAccess {
        private final RemoteProxy proxy;

        ListView(RemoteProxy proxy) {
            this.proxy = proxy;
        }

        private RuntimeException outOfRange(PythonError e, int index) {
            if (e.type().equals("builtins.IndexError")) {
                IndexOutOfBoundsException x = new IndexOutOfBoundsException("index " + index + ": " + e.getMessage());
                x.initCause(e);
                return x;
            }
            return e;
        }

        @Override
        @SuppressWarnings("unchecked")
        public E get(int index) {
            if (index < 0) {
                throw new IndexOutOfBoundsException("index " + index);
            }
            try {
                return (E) proxy.callMethod("__getitem__", index);
            } catch (PythonError e) {
                throw outOfRange(e, index);
            }
        }

        @Override
        public E set(int index, E element) {
            E old = get(index);
            try {
                proxy.callMethod("__setitem__", index, element);
            } catch (PythonError e) {
                throw outOfRange(e, index);
            }
            return old;
        }

        @Override
        public void add(int index, E element) {
            if (index < 0) {
                throw new IndexOutOfBoundsException("index " + index);
            }
            proxy.callMethod("insert", index, element);
        }

        @Override
        public boolean add(E element) {
            proxy.callMethod("append", element);
            return true;
        }

        @Override
        @SuppressWarnings("unchecked")
        public E remove(int index) {
            if (index < 0) {
                throw new IndexOutOfBoundsException("index " + index);
            }
            try {
                return (E) proxy.callMethod("pop", index);
            } catch (PythonError e) {
                throw outOfRange(e, index);
            }
        }

        @Override
        public int size() {
            return ((Number) proxy.callMethod("__len__")).intValue();
        }

        @Override
        public void clear() {
            proxy.callMethod("__delitem__", ALL);
        }

        /** @return the items of a copy taken now (the list's value, one call) */
        @Override
        @SuppressWarnings("unchecked")
        public Iterator<E> iterator() {
            List<E> copy = (List<E>) proxy.callMethod("__getitem__", ALL);
            Iterator<E> it = copy.iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public E next() {
                    if (!it.hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return it.next();
                }
            };
        }

        @Override
        public String toString() {
            return "list view of " + proxy;
        }
    }
}
