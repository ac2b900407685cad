package dev.mp4j.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.mp4j.InterruptedError;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.internal.wire.SerialFilters;
import dev.mp4j.multiprocessing.ProcessError;

import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * What the objects of {@code cluster.context()} share: a serializable handle naming a cluster structure, which
 * finds this JVM's instance of that cluster by name wherever it is used (the caller, or a member running a task),
 * and the signed encoding of the items it stores. Counters (locks, semaphores, events, joinable queues) live in
 * one cluster map, changed by compare-and-set; waits poll it.
 */
abstract class Handle implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    /** The map of counters: the values of locks, semaphores, events and joinable queues' unfinished items. */
    static final String COUNTERS = "mp4j.counters";

    private final String cluster;
    private final String name;
    @SuppressWarnings("serial") // a Serializable filter: withSerialFilter takes no other
    private final ObjectInputFilter filter; // null: the JVM's default
    private transient MemberKeys.Keys keys;

    Handle(String cluster, String name, ObjectInputFilter filter) {
        this.cluster = cluster;
        this.name = name;
        this.filter = filter;
    }

    final String name() {
        return name;
    }

    final HazelcastInstance hz() {
        MemberKeys.Keys k = keys;
        if (k == null || !k.instance().getLifecycleService().isRunning()) {
            keys = k = MemberKeys.named(cluster);
        }
        return k.instance();
    }

    final byte[] seal(Object item) {
        hz();
        try {
            return keys.signing().seal(item);
        } catch (IOException e) {
            throw new IllegalArgumentException("the item cannot be serialized: " + e, e);
        }
    }

    final Object open(byte[] sealed) {
        hz();
        try {
            return keys.signing().open(sealed, SerialFilters.effective(filter));
        } catch (SecurityException e) {
            throw new ProcessError("an item of " + this + " is not signed with this cluster's authkey; it was dropped");
        } catch (IOException | ClassNotFoundException e) {
            throw new ProcessError("cannot read an item of " + this + ": " + e, e);
        }
    }

    final IMap<String, Long> counters() {
        return hz().getMap(COUNTERS);
    }

    /** @return the counter's value, or {@code initial} when it was never set */
    final long counter(long initial) {
        Long v = counters().get(name);
        return v == null ? initial : v;
    }

    /**
     * Adds {@code delta} to the counter if the result stays within [{@code min}, {@code max}].
     *
     * @return whether it did
     */
    final boolean add(long delta, long min, long max) {
        IMap<String, Long> m = counters();
        while (true) {
            Long old = m.get(name);
            long now = (old == null ? 0 : old) + delta;
            if (now < min || now > max) {
                return false;
            }
            if (old == null ? m.putIfAbsent(name, now) == null : m.replace(name, old, now)) {
                return true;
            }
        }
    }

    /**
     * Polls {@code done} until it is true or the timeout passes.
     *
     * @return whether it became true
     */
    static boolean poll(BooleanSupplier done, Duration timeout) {
        long deadline = Timeouts.deadline(Timeouts.toNanos(timeout));
        long pause = 1;
        while (!done.getAsBoolean()) {
            if (Timeouts.remaining(deadline) == 0) {
                return false;
            }
            try {
                Thread.sleep(Math.min(pause, Math.max(1, Timeouts.remaining(deadline) / 1_000_000)));
            } catch (InterruptedException e) {
                throw InterruptedError.restore(e);
            }
            pause = Math.min(20, pause * 2);
        }
        return true;
    }

    @Override
    public String toString() {
        return "<" + getClass().getSimpleName() + " " + name + " of cluster " + cluster + ">";
    }

    /** A handle held by an object that extends another class (a cluster list or dict). */
    static final class Ref extends Handle {
        @Serial
        private static final long serialVersionUID = 1L;

        Ref(String cluster, String name, ObjectInputFilter filter) {
            super(cluster, name, filter);
        }
    }
}
