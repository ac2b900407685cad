package dev.mp4j.internal.sync;

import dev.mp4j.internal.ffm.Posix;
import dev.mp4j.internal.shm.Segment;
import dev.mp4j.internal.shm.Words;
import dev.mp4j.internal.tracker.ResourceTracker;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The lifetimes of the named objects behind the cross-process primitives.
 *
 * <p>Each handle's named objects (a semaphore, a segment, a condition's slot semaphores) are held by a
 * {@link Resources} that the handle registers with a {@link Cleaner}. In the JVM that created them, the names
 * are unlinked when the handle becomes unreachable or when the JVM exits (a shutdown hook), whichever comes
 * first; the resource tracker removes what a killed JVM left. Other JVMs only close their mappings. So the
 * creator must keep a handle reachable while other processes may still attach to it (as in CPython).
 *
 * <p>Within one JVM there is one handle per named object: deserializing a handle whose names are already
 * attached here returns the existing handle ({@link #canonical}), so that a re-entrant lock's owner and
 * count, kept in the handle, are those of the whole JVM.
 */
final class Handles {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final Map<String, WeakReference<Object>> CANON = new HashMap<>(); // guarded by itself
    private static final Set<Resources> OWNED = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Resources r : List.copyOf(OWNED)) {
                r.unlink();
            }
        }, "mp4j-sync-unlink"));
    }

    private Handles() {}

    /** @return a fresh semaphore name, {@code /mp4j-} and 16 hex digits */
    static String freshSemName() {
        return "/" + Segment.freshName();
    }

    /**
     * Creates a named semaphore and registers it with the tracker.
     *
     * @param name its name
     * @param value its initial value
     * @return the open semaphore
     */
    static Posix.Sem createSem(String name, int value) {
        ResourceTracker.fifo(); // started before the semaphore is made, as for a segment (Segment#create)
        Posix.Sem s = Posix.semCreate(name, value);
        ResourceTracker.register(ResourceTracker.Kind.SEM, name);
        return s;
    }

    /**
     * Makes the segment of shared words beside a semaphore just made; if that fails, the semaphore goes too.
     *
     * @param sem the new semaphore, made by {@link #createSem}
     * @param size the segment's size in bytes
     * @return the new segment
     */
    static Segment createSegmentFor(Posix.Sem sem, long size) {
        try {
            return Segment.create(null, size);
        } catch (RuntimeException e) {
            unlinkSem(sem.name());
            Posix.semClose(sem);
            throw e;
        }
    }

    /**
     * Opens a semaphore made elsewhere and makes the handle on it; if that fails, the semaphore is closed again.
     *
     * @param name the semaphore's name
     * @param make makes the handle (attaching what else it needs)
     * @return the handle
     */
    static <T> T attachSem(String name, Function<Posix.Sem, T> make) {
        Posix.Sem s = Posix.semAttach(name);
        try {
            return make.apply(s);
        } catch (RuntimeException e) {
            Posix.semClose(s);
            throw e;
        }
    }

    /**
     * Reads a semaphore's value, keeping the handle that owns it reachable (so not closed) until it is read.
     *
     * @param sem the semaphore
     * @param handle its handle
     * @return the value
     */
    static int semValue(Posix.Sem sem, Object handle) {
        try {
            return Posix.semGetValue(sem);
        } finally {
            Reference.reachabilityFence(handle);
        }
    }

    /** Posts a semaphore, keeping the handle that owns it reachable (so not closed) until it is posted. */
    static void post(Posix.Sem sem, Object handle) {
        try {
            Posix.semPost(sem);
        } finally {
            Reference.reachabilityFence(handle);
        }
    }

    /** Unlinks a semaphore's name and tells the tracker. */
    static void unlinkSem(String name) {
        Posix.semUnlink(name);
        ResourceTracker.unregister(ResourceTracker.Kind.SEM, name);
    }

    /**
     * @param key the handle's primary name
     * @param attach makes the handle when this JVM has none for {@code key}
     * @return this JVM's handle for {@code key}
     */
    static <T> T canonical(String key, Class<T> type, Supplier<T> attach) {
        synchronized (CANON) {
            WeakReference<Object> ref = CANON.get(key);
            Object existing = ref == null ? null : ref.get();
            if (existing != null) {
                return type.cast(existing);
            }
            T made = attach.get();
            CANON.put(key, new WeakReference<>(made));
            return made;
        }
    }

    /** Records a newly created handle as this JVM's handle for {@code key}. */
    static void remember(String key, Object handle) {
        synchronized (CANON) {
            CANON.put(key, new WeakReference<>(handle));
        }
    }

    private static void forget(String key) {
        synchronized (CANON) {
            WeakReference<Object> ref = CANON.get(key);
            if (ref != null && ref.get() == null) {
                CANON.remove(key);
            }
        }
    }

    /**
     * Ties the named objects of {@code handle} to it: they are let go of when the handle becomes unreachable,
     * or at once by {@link Resources#destroy()}. Called from the handle's constructor.
     *
     * @param owner whether this JVM created the names (and so unlinks them)
     * @param key the handle's primary name
     * @param sem its semaphore, or null
     * @param segment its segment, or null
     * @param slots a condition's slot semaphores opened here (filled lazily), or null
     * @return the handle's resources
     */
    static Resources track(Object handle, boolean owner, String key, Posix.Sem sem, Segment segment,
            Posix.Sem[] slots) {
        Resources r = new Resources(owner, key, sem, segment, slots);
        if (owner) {
            OWNED.add(r);
        }
        r.cleanable = CLEANER.register(handle, r);
        return r;
    }

    /**
     * The named objects of one handle in this JVM, and how to let them go. A condition's slot semaphores are
     * named after its segment ({@link #slotName}); {@code slots} holds those opened here.
     */
    static final class Resources implements Runnable {
        final boolean owner;
        final String key;
        private final Posix.Sem sem; // may be null
        private final Segment segment; // may be null
        private final Posix.Sem[] slots; // may be null; entries filled lazily, guarded by the array
        private final AtomicBoolean unlinked = new AtomicBoolean();
        private final AtomicBoolean closed = new AtomicBoolean();
        private Cleaner.Cleanable cleanable; // set by track, in the handle's constructor

        private Resources(boolean owner, String key, Posix.Sem sem, Segment segment, Posix.Sem[] slots) {
            this.owner = owner;
            this.key = key;
            this.sem = sem;
            this.segment = segment;
            this.slots = slots;
        }

        /** Lets go at once, as the handle's becoming unreachable would (idempotent). */
        void destroy() {
            cleanable.clean();
        }

        /** Removes the names (the creator only), once; mappings stay usable. */
        void unlink() {
            if (!owner || !unlinked.compareAndSet(false, true)) {
                return;
            }
            if (sem != null) {
                unlinkSem(sem.name());
            }
            if (segment != null) {
                if (slots != null) {
                    int used = usedSlots();
                    for (int i = 0; i < used; i++) {
                        unlinkSem(slotName(segment.name(), i));
                    }
                }
                segment.unlink();
            }
        }

        /** @return how many of a condition's slots were ever used: their semaphores are the ones that exist */
        private int usedSlots() {
            return Math.min(slots.length, Words.getInt(Words.view(segment.memory()), ProcessCondition.HIGH_WATER));
        }

        /** The names this handle stands for, for tests: semaphores as {@code sem.X}, segments as {@code X}. */
        List<String> names() {
            List<String> names = new ArrayList<>();
            if (sem != null) {
                names.add("sem." + sem.name().substring(1));
            }
            if (segment != null) {
                names.add(segment.name());
                if (slots != null) {
                    int used = usedSlots();
                    for (int i = 0; i < used; i++) {
                        names.add("sem." + slotName(segment.name(), i).substring(1));
                    }
                }
            }
            return names;
        }

        @Override
        public void run() {
            unlink();
            OWNED.remove(this);
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            if (sem != null) {
                Posix.semClose(sem);
            }
            if (slots != null) {
                synchronized (slots) {
                    for (int i = 0; i < slots.length; i++) {
                        if (slots[i] != null) {
                            Posix.semClose(slots[i]);
                            slots[i] = null;
                        }
                    }
                }
            }
            if (segment != null) {
                segment.close();
            }
            forget(key);
        }
    }

    /** @return the name of slot {@code i}'s semaphore of the condition whose segment is {@code segment} */
    static String slotName(String segment, int i) {
        return "/" + segment + ".s" + i;
    }
}
