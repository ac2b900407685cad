package dev.mp4j.multiprocessing.managers;

import dev.mp4j.internal.managers.StandardTypes;
import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.JoinableQueue;
import dev.mp4j.multiprocessing.Queue;
import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.Condition;
import dev.mp4j.threading.Event;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.RLock;
import dev.mp4j.threading.Semaphore;

import java.net.SocketAddress;
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
 * <p>Not offered yet: {@code pool(processes)} (a proxy needs an interface, and {@code Pool} is a class),
 * {@code Array}, {@code condition(lock)}.
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

    /** @return a new shared event */
    public Event event() {
        return new SyncProxies.EventProxy(createProxy("Event"));
    }

    /**
     * @param parties how many threads (of any processes) meet, at least 1
     * @return a new shared barrier
     */
    public Barrier barrier(int parties) {
        return new SyncProxies.BarrierProxy(createProxy("Barrier", parties));
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
