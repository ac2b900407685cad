package dev.mp4j.internal.spawn;

import dev.mp4j.internal.util.OwnPid;
import dev.mp4j.internal.util.Urandom;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Who this process is, as CPython's {@code multiprocessing.process} module keeps it: the current process
 * (name, pid, authkey, identity numbers, daemon flag), its parent, the counter that numbers the children it
 * makes, and the level it logs to stderr at. A main JVM starts as "MainProcess" with a random authkey and
 * no parent; a child takes all of it from its job, which the parent filled from its own ({@link #become}).
 *
 * <p>The runtime (pool workers' names and jobs, a remote traceback's process name) reads it here, and so
 * does the public API: {@code Multiprocessing.currentProcess()} returns an object made from the
 * {@link Known} fields of this process, and puts that object in their place ({@link #adopt}), so that from
 * then on this class reads that object as it is now (a {@code setName} on the current process names it for
 * the children and workers it starts afterwards).
 *
 * <p>The current and parent process are swapped atomically, and read whole ({@link Self#known}).
 */
public final class Identity {
    /** Python's {@code _process_counter}: numbers the children of this JVM from 1. */
    private static final AtomicInteger COUNTER = new AtomicInteger(1);
    private static final AtomicReference<Self> CURRENT = new AtomicReference<>();
    private static final AtomicReference<Self> PARENT = new AtomicReference<>();
    /** The level multiprocessing's log goes to stderr at (which the children take), or null: not at all. */
    private static volatile System.Logger.Level logLevel;

    private Identity() {}

    /** A process as far as who it is goes: what it is now. */
    public interface Self {
        /** @return its fields as they are now */
        Known known();
    }

    /**
     * A process's fields: the main process's before anything asked for its object, a parent's seen from
     * its child, a child's own as its job describes it, or a snapshot of an object's ({@link Self#known}).
     * The arrays are not copied and not to be changed.
     *
     * @param name its name
     * @param pid its pid
     * @param authkey its authentication key
     * @param daemon whether it is a daemon
     * @param identity its identity: Python's {@code _identity}, the numbers a default name is made of
     * @param process the public API's object for it: one made and {@linkplain #adopt adopted}, or one the job
     *     brought (a subclass of {@code Process}, sent whole); null if there is none yet
     */
    public record Known(String name, long pid, byte[] authkey, boolean daemon, int[] identity, Object process)
            implements Self {
        /**
         * A process without an object yet.
         *
         * @param name its name
         * @param pid its pid
         * @param authkey its authentication key
         * @param daemon whether it is a daemon
         * @param identity its identity numbers
         */
        public Known(String name, long pid, byte[] authkey, boolean daemon, int[] identity) {
            this(name, pid, authkey, daemon, identity, null);
        }

        @Override
        public Known known() {
            return this;
        }
    }

    /** @return the process this JVM is, as it is now: "MainProcess" until a job made it another */
    public static Known current() {
        return self().known();
    }

    /** @return the process this JVM is, as {@link #adopt} compares it: its fields, or its object */
    public static Self self() {
        Self s = CURRENT.get();
        if (s == null) {
            CURRENT.compareAndSet(null, new Known("MainProcess", OwnPid.get(), Urandom.bytes(32), false, new int[0]));
            s = CURRENT.get();
        }
        return s;
    }

    /** @return the parent of this process, or null in a main JVM: its fields, or its object */
    public static Self parent() {
        return PARENT.get();
    }

    /**
     * In a child, before its job's own code runs: this JVM is now {@code self}, started by {@code parent}.
     *
     * @param self the process this JVM is
     * @param parent its parent
     */
    public static void become(Self self, Self parent) {
        CURRENT.set(self);
        PARENT.set(parent);
    }

    /**
     * Puts the public API's object for the current process in place of what it was made from.
     *
     * @param was what {@link #self()} returned
     * @param object the object, reading its fields as they are now
     * @return false if the current process changed meanwhile (nothing was done)
     */
    public static boolean adopt(Self was, Self object) {
        return CURRENT.compareAndSet(was, object);
    }

    /**
     * {@link #adopt} for the parent.
     *
     * @param was what {@link #parent()} returned
     * @param object the object, reading its fields as they are now
     * @return false if the parent changed meanwhile (nothing was done)
     */
    public static boolean adoptParent(Self was, Self object) {
        return PARENT.compareAndSet(was, object);
    }

    /**
     * @param parent the process making a child: this one
     * @return the identity of its next child: {@code parent}'s, then the next number of the counter
     */
    public static int[] childIdentity(Known parent) {
        int[] own = parent.identity();
        int[] identity = Arrays.copyOf(own, own.length + 1);
        identity[own.length] = COUNTER.getAndIncrement();
        return identity;
    }

    /**
     * @param kind the class-like prefix, e.g. "SpawnPoolWorker"
     * @return a new child name, {@code kind-N1:N2...}, numbered like a new {@code Process}
     */
    public static String newChildName(String kind) {
        return name(kind, childIdentity(current()));
    }

    /**
     * @param kind the class-like prefix, e.g. "Process"
     * @param identity identity numbers
     * @return {@code kind-N1:N2...}
     */
    public static String name(String kind, int[] identity) {
        StringBuilder name = new StringBuilder(kind).append('-');
        for (int i = 0; i < identity.length; i++) {
            if (i > 0) {
                name.append(':');
            }
            name.append(identity[i]);
        }
        return name.toString();
    }

    /** @return the level multiprocessing's log goes to stderr at, or null */
    public static System.Logger.Level logLevel() {
        return logLevel;
    }

    /** @param level the level multiprocessing's log now goes to stderr at */
    public static void logLevel(System.Logger.Level level) {
        logLevel = level;
    }
}
