package dev.mp4j.hazelcast;

import com.hazelcast.collection.IList;
import com.hazelcast.map.IMap;
import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.spi.Managers;
import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.JoinableQueue;
import dev.mp4j.multiprocessing.Pool;
import dev.mp4j.multiprocessing.Queue;
import dev.mp4j.multiprocessing.managers.Array;
import dev.mp4j.multiprocessing.managers.Namespace;
import dev.mp4j.multiprocessing.managers.Server;
import dev.mp4j.multiprocessing.managers.SyncManager;
import dev.mp4j.multiprocessing.managers.Value;
import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.Condition;
import dev.mp4j.threading.Event;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.RLock;
import dev.mp4j.threading.Semaphore;

import java.io.ObjectInputFilter;
import java.io.Serial;
import java.io.Serializable;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code manager()} of a cluster context: already connected, since the cluster is its server. Its dict, list
 * and namespace are cluster maps and lists of signed items; its queues, locks, semaphores, events and pools are the
 * context's. There is no server process to start, connect to or shut down, and no registry: {@code register}
 * throws {@link UnsupportedOperationException} as {@code start} and {@code connect} do.
 */
final class ClusterManager extends SyncManager {
    private final Cluster cluster;
    private final Context context;
    private final ObjectInputFilter filter;

    ClusterManager(Cluster cluster, Context context, ObjectInputFilter filter) {
        this.cluster = cluster;
        this.context = context;
        this.filter = filter;
        Managers.refuseRegistration(this, "register() is not available on a cluster's manager: the cluster is its "
                + "server, and it serves no typeids of yours; instead, keep your objects in its dict(), list() or "
                + "namespace(), or run their code in tasks on cluster.executor(name)");
    }

    private Handle.Ref ref(String kind) {
        return new Handle.Ref(cluster.name(), "mp4j." + kind + "." + UUID.randomUUID(), filter);
    }

    private static UnsupportedOperationException noServer(String what) {
        return new UnsupportedOperationException(what + " is not available on a cluster's manager: the cluster is its "
                + "server, and it is connected already; instead, use its dict(), list() and namespace() as they are");
    }

    @Override
    public void start() {
        throw noServer("start()");
    }

    @Override
    public void start(SerializableRunnable initializer) {
        throw noServer("start()");
    }

    @Override
    public void connect() {
        throw noServer("connect()");
    }

    @Override
    public Server getServer() {
        throw noServer("getServer()");
    }

    /** Nothing to stop: the structures live as long as the cluster. */
    @Override
    public void shutdown() {}

    @Override
    public void close() {}

    @Override
    public <K, V> Map<K, V> dict() {
        return new Dict<>(ref("dict"));
    }

    @Override
    public <K, V> Map<K, V> dict(Map<? extends K, ? extends V> initial) {
        Map<K, V> d = dict();
        d.putAll(initial);
        return d;
    }

    @Override
    public <E> List<E> list() {
        return new ListHandle<>(ref("list"));
    }

    @Override
    public <E> List<E> list(Collection<? extends E> initial) {
        List<E> l = list();
        l.addAll(initial);
        return l;
    }

    @Override
    public Namespace namespace() {
        return new Names(ref("namespace"));
    }

    @Override
    public <E> Queue<E> queue() {
        return context.queue();
    }

    @Override
    public <E> JoinableQueue<E> joinableQueue() {
        return context.joinableQueue();
    }

    @Override
    public Condition condition() {
        return context.condition();
    }

    @Override
    public Pool pool() {
        return context.pool();
    }

    @Override
    public <E> Queue<E> queue(int maxsize) {
        return context.queue(maxsize);
    }

    @Override
    public <E> JoinableQueue<E> joinableQueue(int maxsize) {
        return context.joinableQueue(maxsize);
    }

    @Override
    public Lock lock() {
        return context.lock();
    }

    @Override
    public RLock rlock() {
        return context.rlock();
    }

    @Override
    public Semaphore semaphore(int value) {
        return context.semaphore(value);
    }

    @Override
    public Semaphore boundedSemaphore(int value) {
        return context.boundedSemaphore(value);
    }

    @Override
    public Event event() {
        return context.event();
    }

    @Override
    public Condition condition(Lock lock) {
        return context.condition(lock);
    }

    @Override
    public Barrier barrier(int parties) {
        return context.barrier(parties);
    }

    @Override
    public Pool pool(int processes) {
        return context.pool(processes);
    }

    @Override
    public <T> Array<T> array(Class<T> elementType, Collection<? extends T> initial) {
        throw new UnsupportedOperationException("array() is not available on a cluster's manager: members share no "
                + "memory; instead, use list()");
    }

    @Override
    public <T> Value<T> value(T initial) {
        throw new UnsupportedOperationException("value() is not available on a cluster's manager: members share no "
                + "memory; instead, use namespace() or dict()");
    }

    @Override
    public String toString() {
        return "<SyncManager of cluster " + cluster.name() + ">";
    }

    /** A dict: an {@code IMap} from signed keys to signed values; its views are snapshots. */
    static final class Dict<K, V> extends AbstractMap<K, V> implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        private final Handle.Ref ref;

        Dict(Handle.Ref ref) {
            this.ref = ref;
        }

        private IMap<byte[], byte[]> m() {
            return ref.hz().getMap(ref.name());
        }

        @SuppressWarnings("unchecked")
        private V value(byte[] sealed) {
            return sealed == null ? null : (V) ref.open(sealed);
        }

        @Override
        public V get(Object key) {
            return value(m().get(ref.seal(key)));
        }

        @Override
        public V put(K key, V value) {
            return value(m().put(ref.seal(key), ref.seal(value)));
        }

        @Override
        public V remove(Object key) {
            return value(m().remove(ref.seal(key)));
        }

        @Override
        public boolean containsKey(Object key) {
            return m().containsKey(ref.seal(key));
        }

        @Override
        public int size() {
            return m().size();
        }

        @Override
        public void clear() {
            m().clear();
        }

        @Override
        @SuppressWarnings("unchecked")
        public Set<Entry<K, V>> entrySet() {
            List<Entry<K, V>> snapshot = new ArrayList<>();
            for (Entry<byte[], byte[]> e : m().entrySet()) {
                snapshot.add(new SimpleImmutableEntry<>((K) ref.open(e.getKey()), value(e.getValue())));
            }
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<K, V>> iterator() {
                    Iterator<Entry<K, V>> it = snapshot.iterator();
                    return new Iterator<>() {
                        private Entry<K, V> last;

                        @Override
                        public boolean hasNext() {
                            return it.hasNext();
                        }

                        @Override
                        public Entry<K, V> next() {
                            return last = it.next();
                        }

                        @Override
                        public void remove() {
                            if (last == null) {
                                throw new IllegalStateException("next() first");
                            }
                            Dict.this.remove(last.getKey());
                            last = null;
                        }
                    };
                }

                @Override
                public int size() {
                    return snapshot.size();
                }
            };
        }

        @Override
        public String toString() {
            return ref + " " + super.toString();
        }
    }

    /** A list: an {@code IList} of signed items. */
    static final class ListHandle<E> extends AbstractList<E> implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        private final Handle.Ref ref;

        ListHandle(Handle.Ref ref) {
            this.ref = ref;
        }

        private IList<byte[]> l() {
            return ref.hz().getList(ref.name());
        }

        @SuppressWarnings("unchecked")
        private E item(byte[] sealed) {
            return (E) ref.open(sealed);
        }

        @Override
        public E get(int index) {
            return item(l().get(index));
        }

        @Override
        public E set(int index, E element) {
            return item(l().set(index, ref.seal(element)));
        }

        @Override
        public void add(int index, E element) {
            l().add(index, ref.seal(element));
            modCount++;
        }

        @Override
        public E remove(int index) {
            modCount++;
            return item(l().remove(index));
        }

        @Override
        public int size() {
            return l().size();
        }

        @Override
        public void clear() {
            l().clear();
            modCount++;
        }
    }

    /** A namespace: an {@code IMap} from attribute names to signed values. */
    static final class Names implements Namespace {
        @Serial
        private static final long serialVersionUID = 1L;
        private final Handle.Ref ref;

        Names(Handle.Ref ref) {
            this.ref = ref;
        }

        private IMap<String, byte[]> m() {
            return ref.hz().getMap(ref.name());
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T get(String name) {
            byte[] sealed = m().get(java.util.Objects.requireNonNull(name, "name"));
            if (sealed == null) {
                throw noAttribute(name);
            }
            return (T) ref.open(sealed);
        }

        @Override
        public void set(String name, Object value) {
            m().set(java.util.Objects.requireNonNull(name, "name"), ref.seal(value));
        }

        @Override
        public void delete(String name) {
            if (m().remove(java.util.Objects.requireNonNull(name, "name")) == null) {
                throw noAttribute(name);
            }
        }

        @Override
        public boolean has(String name) {
            return m().containsKey(java.util.Objects.requireNonNull(name, "name"));
        }

        private static IllegalArgumentException noAttribute(String name) {
            return new IllegalArgumentException("'Namespace' object has no attribute '" + name + "'");
        }

        @Override
        public String toString() {
            return "<Namespace " + m().keySet() + ">";
        }
    }
}
