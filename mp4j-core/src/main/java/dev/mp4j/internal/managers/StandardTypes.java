package dev.mp4j.internal.managers;

import dev.mp4j.function.SerializableFunction;
import dev.mp4j.multiprocessing.AsyncResult;
import dev.mp4j.multiprocessing.Pool;
import dev.mp4j.threading.Condition;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.Threading;

import java.io.Serial;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The typeids a {@code SyncManager} registers, and how its server makes their referents. Python's names
 * are kept: {@code dict}, {@code list}, {@code Namespace}, {@code Value}, {@code Array}, {@code Queue},
 * {@code JoinableQueue}, {@code Lock}, {@code RLock}, {@code Semaphore}, {@code BoundedSemaphore},
 * {@code Condition}, {@code Event}, {@code Barrier}, {@code Pool} (with {@code AsyncResult} and
 * {@code ResultIterator}, the typeids of its results, not creatable), and {@code Iterator} (not creatable: the typeid of
 * methods whose result is an iterator kept in the server). The collections are the JDK's, synchronized (a
 * Python dict keeps insertion order, so the map is a {@link LinkedHashMap}); the synchronization objects
 * are {@link Threading}'s, called by the server's thread of each client thread.
 */
public final class StandardTypes {
    private StandardTypes() {}

    /** @return the registry of a SyncManager (a new map: the manager adds to it) */
    public static Map<String, TypeSpec> registry() {
        return new LinkedHashMap<>(Standard.REGISTRY);
    }

    /**
     * @param spec a registry's entry
     * @return whether it is a SyncManager's own entry for its typeid, unchanged: a server process can then
     *     make it itself ({@link #standard}) instead of decoding its lambdas
     */
    public static boolean isStandard(TypeSpec spec) {
        TypeSpec own = Standard.REGISTRY.get(spec.typeid());
        // compared part by part: a record's equals is linked through method handles on its first call, some
        // milliseconds of a manager's first start in a fresh JVM
        return own != null && (own == spec || own.typeid().equals(spec.typeid())
                && Objects.equals(own.supplier(), spec.supplier()) && Objects.equals(own.factory(), spec.factory())
                && own.proxyInterface() == spec.proxyInterface() && Objects.equals(own.exposed(), spec.exposed())
                && own.methodToTypeid().equals(spec.methodToTypeid()) && own.createMethod() == spec.createMethod());
    }

    /**
     * @param typeid one of a SyncManager's typeids
     * @return its entry
     * @throws IllegalArgumentException for another typeid
     */
    public static TypeSpec standard(String typeid) {
        TypeSpec spec = Standard.REGISTRY.get(typeid);
        if (spec == null) {
            throw new IllegalArgumentException("not a SyncManager typeid: " + typeid);
        }
        return spec;
    }

    /** The entries, made once: each entry's factory is the same object for every manager. */
    private static final class Standard {
        static final Map<String, TypeSpec> REGISTRY = Collections.unmodifiableMap(make());
    }

    private static Map<String, TypeSpec> make() {
        Map<String, TypeSpec> r = new LinkedHashMap<>();
        for (String typeid : List.of("dict", "list", "Namespace", "Value", "Queue", "JoinableQueue", "Lock", "RLock",
                "Semaphore", "BoundedSemaphore", "Condition", "Array", "Event", "Barrier")) {
            r.put(typeid, new TypeSpec(typeid, null, new Factory(typeid), null, null, null, true));
        }
        r.put("Pool", new TypeSpec("Pool", null, new Factory("Pool"), null, null, Map.of("applyAsync", "AsyncResult",
                "mapAsync", "AsyncResult", "starmapAsync", "AsyncResult", "imap", "ResultIterator"), true));
        r.put("AsyncResult", new TypeSpec("AsyncResult", null, null, AsyncResult.class, null, null, false));
        r.put("ResultIterator", new TypeSpec("ResultIterator", null, null, null, null, null, false));
        r.put("Iterator", new TypeSpec("Iterator", null, null, Iterator.class, List.of("hasNext", "next", "remove"),
                null, false));
        return r;
    }

    /**
     * The factory of a standard typeid's referents. One class for all of them rather than a lambda each: a
     * fresh JVM spins a class for each lambda it makes (some 0.5 ms each, interpreted), and both the manager's
     * JVM and its server make the whole registry on a manager's first start.
     */
    private static final class Factory implements SerializableFunction<Object[], Object> {
        @Serial
        private static final long serialVersionUID = 1L;

        private final String typeid;

        Factory(String typeid) {
            this.typeid = typeid;
        }

        @Override
        public Object apply(Object[] args) {
            return switch (typeid) {
                case "dict" -> dict(args);
                case "list" -> list(args);
                case "Namespace" -> new SharedNamespace();
                case "Value" -> new SharedValue(args.length > 0 ? args[0] : null);
                case "Queue", "JoinableQueue" -> queue(args);
                case "Lock" -> Threading.lock();
                case "RLock" -> Threading.rlock();
                case "Semaphore" -> Threading.semaphore(args.length > 0 ? (Integer) args[0] : 1);
                case "BoundedSemaphore" -> Threading.boundedSemaphore(args.length > 0 ? (Integer) args[0] : 1);
                case "Condition" -> condition(args);
                case "Array" -> new SharedArray((Class<?>) args[0], (Collection<?>) args[1]);
                case "Event" -> Threading.event();
                case "Barrier" -> args.length == 1 ? Threading.barrier((Integer) args[0])
                        : Threading.barrier((Integer) args[0], (Runnable) args[1], (java.time.Duration) args[2]);
                case "Pool" -> pool(args);
                default -> throw new IllegalStateException("not a SyncManager typeid: " + typeid);
            };
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Factory f && f.typeid.equals(typeid);
        }

        @Override
        public int hashCode() {
            return typeid.hashCode();
        }

        @Override
        public String toString() {
            return "SyncManager's factory of '" + typeid + "'";
        }
    }

    /**
     * @param args the factory arguments
     * @return a new referent
     */
    public static Map<Object, Object> dict(Object[] args) {
        Map<Object, Object> m = new LinkedHashMap<>();
        if (args.length > 0 && args[0] != null) {
            m.putAll((Map<?, ?>) args[0]);
        }
        return Collections.synchronizedMap(m);
    }

    /**
     * @param args the factory arguments
     * @return a new referent
     */
    public static List<Object> list(Object[] args) {
        List<Object> l = new ArrayList<>();
        if (args.length > 0 && args[0] != null) {
            l.addAll((Collection<?>) args[0]);
        }
        return Collections.synchronizedList(l);
    }

    /**
     * @param args the factory arguments: none (a condition over a new re-entrant lock), or the server's
     *     lifetime id and the id of a lock referent of that server
     * @return a new referent
     */
    public static Condition condition(Object[] args) {
        if (args.length == 0) {
            return Threading.condition();
        }
        Object lock = ManagerServer.current().referent((Long) args[0], (Long) args[1]);
        if (!(lock instanceof Lock l)) {
            throw new IllegalArgumentException("a condition needs a lock of this manager, got "
                    + lock.getClass().getName());
        }
        return Threading.condition(l);
    }

    /**
     * @param args the factory arguments: none, or the number of processes
     * @return a new referent
     */
    public static ServerPool pool(Object[] args) {
        return new ServerPool(args.length > 0 ? new Pool((Integer) args[0]) : new Pool());
    }

    /**
     * @param args the factory arguments
     * @return a new referent
     */
    public static ServerQueue queue(Object[] args) {
        return new ServerQueue(args.length > 0 ? (Integer) args[0] : 0);
    }
}
