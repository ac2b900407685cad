package dev.mp4j.multiprocessing.managers;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.managers.StandardTypes;
import dev.mp4j.internal.threads.AbstractBarrier;
import dev.mp4j.internal.spi.Pools;
import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.JoinableQueue;
import dev.mp4j.multiprocessing.Pool;
import dev.mp4j.multiprocessing.Queue;
import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.Condition;
import dev.mp4j.threading.Event;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.RLock;
import dev.mp4j.threading.Semaphore;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code SyncManager} (what {@code Multiprocessing.manager()} returns, started): a manager with
 * the common shared types registered, each returned as a proxy that may be passed to other processes.
 *
 * <p>{@link #dict()} and {@link #list()} are {@link Map} and {@link List} proxies keeping the
 * {@code java.util} contracts ({@code put} returns the previous value ...); each call is one atomic
 * operation in the server (the referents are synchronized collections; the map keeps insertion order, as
 * a Python dict). Iterators and views iterate a copy taken when iteration starts; their {@code remove} and
 * {@code setValue} act on the shared object. Compound default methods ({@code compute}, {@code merge} ...)
 * are several calls, not atomic, as Python's {@code d[k] += 1} is not. {@code equals} and {@code hashCode}
 * follow the interfaces' contracts (by content); {@code toString} shows the content. A proxy stored in a
 * shared collection stays a proxy there: nested shared objects work as in Python.
 *
 * <p>The synchronization objects live in the server, made by {@link dev.mp4j.threading.Threading}; each
 * thread of each process is served by its own server thread, which is the owner of an {@link RLock} it
 * acquires. The queues are Python's {@code queue.Queue} in the server: {@code put} returns once the item is
 * there; {@code close()} releases this handle (later calls on it throw {@link IllegalStateException}) and
 * {@code joinThread}/{@code cancelJoinThread} have nothing to wait for.
 *
 * <p>{@link #pool(int)} returns a {@link Pool} whose every method is a call of a pool in the server (its
 * workers are the server's children). Beyond mp4j's API list, as Python's {@code SyncManager} has them:
 * {@link #array(Class, Collection)}, {@link #condition(Lock)} and {@link #pool()}.
 *
 * <p>For example:
 * {@snippet :
 * try (SyncManager manager = Multiprocessing.manager()) {        // a server process, started
 *     Map<String, Integer> d = manager.dict();
 *     List<Integer> l = manager.list();
 *     var p = new Process(() -> {
 *         d.put("answer", 42);
 *         l.add(7);
 *     });
 *     p.start();
 *     p.join();
 *     System.out.println(d + " " + l);                         // {answer=42} [7]
 * }
 * }
 *
 * @since 0.1
 */
public class SyncManager extends BaseManager {
    /** A manager whose server will listen on a Unix-domain socket chosen for it, with this process's authkey. */
    public SyncManager() {
        this(null, null, null);
    }

    /**
     * @param address where the server listens, or where it is (to connect); null to have one chosen
     * @param authkey the key; null for this process's authkey
     */
    public SyncManager(SocketAddress address, byte[] authkey) {
        this(address, authkey, null);
    }

    /**
     * @param address where the server listens, or where it is; null to have one chosen
     * @param authkey the key; null for this process's authkey
     * @param context the context the server process is started with; null for the default one
     */
    public SyncManager(SocketAddress address, byte[] authkey, Context context) {
        super(address, authkey, context, StandardTypes.registry());
    }

    /**
     * @param <K> the key type
     * @param <V> the value type
     * @return a new shared, empty map
     */
    public <K, V> Map<K, V> dict() {
        return new DictProxy<>(createProxy("dict"));
    }

    /**
     * @param initial the first mappings (copied)
     * @param <K> the key type
     * @param <V> the value type
     * @return a new shared map
     */
    public <K, V> Map<K, V> dict(Map<? extends K, ? extends V> initial) {
        return new DictProxy<>(createProxy("dict", new LinkedHashMap<>(initial)));
    }

    /**
     * @param <E> the element type
     * @return a new shared, empty list
     */
    public <E> List<E> list() {
        return new ListProxy<>(createProxy("list"));
    }

    /**
     * @param initial the first elements (copied)
     * @param <E> the element type
     * @return a new shared list
     */
    public <E> List<E> list(Collection<? extends E> initial) {
        return new ListProxy<>(createProxy("list", new ArrayList<>(initial)));
    }

    /** @return a new shared namespace */
    public Namespace namespace() {
        return new NamespaceProxy(createProxy("Namespace"));
    }

    /**
     * @param <E> the item type
     * @return a new shared, unbounded queue
     */
    public <E> Queue<E> queue() {
        return new QueueProxy<>(createProxy("Queue", 0));
    }

    /**
     * @param maxsize the most items it holds; 0 or less for no bound
     * @param <E> the item type
     * @return a new shared queue
     */
    public <E> Queue<E> queue(int maxsize) {
        return new QueueProxy<>(createProxy("Queue", maxsize));
    }

    /**
     * @param <E> the item type
     * @return a new shared, unbounded joinable queue
     */
    public <E> JoinableQueue<E> joinableQueue() {
        return new QueueProxy<>(createProxy("JoinableQueue", 0));
    }

    /**
     * @param maxsize the most items it holds; 0 or less for no bound
     * @param <E> the item type
     * @return a new shared joinable queue
     */
    public <E> JoinableQueue<E> joinableQueue(int maxsize) {
        return new QueueProxy<>(createProxy("JoinableQueue", maxsize));
    }

    /** @return a new shared lock */
    public Lock lock() {
        return new SyncProxies.LockProxy(createProxy("Lock"));
    }

    /** @return a new shared re-entrant lock (its owner is a thread of a process) */
    public RLock rlock() {
        return new SyncProxies.RLockProxy(createProxy("RLock"));
    }

    /** @return a new shared semaphore whose value is 1 (Python's default) */
    public Semaphore semaphore() {
        return semaphore(1);
    }

    /** @return a new shared bounded semaphore whose value and bound are 1 (Python's default) */
    public Semaphore boundedSemaphore() {
        return boundedSemaphore(1);
    }

    /**
     * @param value the initial value, at least 0
     * @return a new shared semaphore
     */
    public Semaphore semaphore(int value) {
        return new SyncProxies.SemaphoreProxy(createProxy("Semaphore", value));
    }

    /**
     * @param value the initial value and bound, at least 0
     * @return a new shared bounded semaphore
     */
    public Semaphore boundedSemaphore(int value) {
        return new SyncProxies.SemaphoreProxy(createProxy("BoundedSemaphore", value));
    }

    /** @return a new shared condition over a new re-entrant lock */
    public Condition condition() {
        return new SyncProxies.ConditionProxy(createProxy("Condition"));
    }

    /**
     * Python's {@code Condition(lock)}: a shared condition over a lock of this manager. The condition is made
     * over the lock itself in the server, so a thread that acquired the lock through its proxy may await and
     * signal the condition, and the condition's own acquire and release are the lock's.
     * (An extension of mp4j's API list.)
     *
     * @param lock a {@link #lock()} or {@link #rlock()} of this manager
     * @return a new shared condition
     * @throws IllegalArgumentException if {@code lock} is not a lock made by this manager's server
     */
    public Condition condition(Lock lock) {
        BaseProxy p = BaseProxy.find(lock);
        if (p == null || !(lock instanceof SyncProxies.LockProxy) || lock instanceof Condition) {
            throw new IllegalArgumentException("condition(lock) needs a lock or rlock of this manager, got "
                    + (lock == null ? "null" : lock.getClass().getName()));
        }
        if (!p.token().address().equals(address())) {
            throw new IllegalArgumentException("the lock belongs to the manager at " + p.token().address()
                    + ", not to this one at " + address());
        }
        return new SyncProxies.ConditionProxy(createProxy("Condition", p.token().serverId(), p.token().id()));
    }

    /** @return a new shared event */
    public Event event() {
        return new SyncProxies.EventProxy(createProxy("Event"));
    }

    /**
     * @param parties how many threads (of any processes) meet, at least 1
     * @return a new shared barrier
     */
    public Barrier barrier(int parties) {
        return barrier(parties, null, null);
    }

    /**
     * Python's {@code Barrier(parties, action, timeout)} in the manager's server. The action runs in the
     * server, in the thread serving the last party to arrive, before any party is released: what it
     * changes must be shared (a proxy of this manager, shared memory...) for the parties to see it.
     *
     * @param parties how many threads (of any processes) meet, at least 1
     * @param action run in the server when all arrive; null for none
     * @param timeout the default timeout of {@code await()}, positive; null for none
     * @return a new shared barrier
     * @throws IllegalArgumentException if {@code parties < 1}, or {@code timeout} is zero or negative
     */
    public Barrier barrier(int parties, SerializableRunnable action, Duration timeout) {
        AbstractBarrier.checkArguments(parties, timeout);
        return new SyncProxies.BarrierProxy(createProxy("Barrier", parties, action, timeout));
    }

    /**
     * Python's {@code Array(typecode, sequence)}: a fixed-length shared array of {@code elementType} (a
     * primitive type such as {@code int.class}, or any serializable class), holding {@code initial}'s
     * elements. (An extension of mp4j's API list.)
     *
     * @param elementType the element type (Python's typecode)
     * @param initial the elements, in order (copied)
     * @param <T> the element type, boxed
     * @return a new shared array
     * @throws IllegalArgumentException if an element is not of {@code elementType}
     */
    public <T> Array<T> array(Class<T> elementType, Collection<? extends T> initial) {
        java.util.Objects.requireNonNull(elementType, "elementType");
        return new ArrayProxy<>(createProxy("Array", elementType, new ArrayList<>(initial)));
    }

    /**
     * Python's {@code Pool(processes)}: a pool whose workers are children of the manager's server, used
     * through a {@link Pool} whose every call goes to the server's pool (see {@link PoolProxy}'s contract:
     * callbacks run here, results are kept in the server until fetched).
     *
     * @param processes the number of worker JVMs, at least 1
     * @return the proxy of a new pool in the server
     * @throws IllegalArgumentException if {@code processes < 1}
     */
    public Pool pool(int processes) {
        if (processes < 1) {
            throw new IllegalArgumentException("Number of processes must be at least 1, got " + processes);
        }
        return Pools.forwardingTo(new PoolProxy(createProxy("Pool", processes)));
    }

    /**
     * As {@link #pool(int)} with as many workers as the server's machine has CPUs. (An extension of mp4j's
     * API list.)
     *
     * @return the proxy of a new pool in the server
     */
    public Pool pool() {
        return Pools.forwardingTo(new PoolProxy(createProxy("Pool")));
    }

    /**
     * Python's {@code Value(typecode, value)}: one shared value of any serializable type.
     *
     * @param initial the first value
     * @param <T> its type
     * @return a new shared value
     */
    public <T> Value<T> value(T initial) {
        return new ValueProxy<>(createProxy("Value", initial));
    }
}
