package dev.mp4j.internal.shm;

import dev.mp4j.internal.managers.ManagerServer;
import dev.mp4j.multiprocessing.ShareableList;
import dev.mp4j.multiprocessing.SharedMemory;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The referent behind a {@code SharedMemoryManager} (Python's {@code SharedMemoryServer} with its
 * {@code SharedMemoryTracker}): it makes the segments in the manager's server and unlinks them when the
 * manager shuts down. One per server, whichever client asks: {@link #ofCurrentServer()} is the typeid's
 * supplier.
 *
 * <p>Who unlinks what: {@link #unlinkAll()} (the manager's {@code shutdown()}); failing that, the server's JVM
 * when it exits (one shutdown hook for every tracker of the JVM); failing that — the server or the whole
 * program killed — mp4j's resource tracker, with which {@link Segment#create} registered each segment in the
 * server's program. Clients only attach, so a client that ends, however it ends, takes nothing with it.
 *
 * <p>State: {@code names} and {@code closed}, guarded by this tracker's monitor; after {@link #unlinkAll()} it
 * makes nothing more. No lock is shared with other processes.
 */
public final class SegmentTracker {
    /** The trackers of the servers of this JVM, by server id. */
    private static final Map<Long, SegmentTracker> BY_SERVER = new ConcurrentHashMap<>();

    private final Set<String> names = new LinkedHashSet<>();   // guarded by this
    private boolean closed;                                    // guarded by this

    private SegmentTracker() {}

    /** Registered once, with the first tracker: the server's JVM unlinks what is left when it exits. */
    private static final class ExitHook {
        static {
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> BY_SERVER.values().forEach(SegmentTracker::unlinkAll),
                        "mp4j-shared-memory-manager-unlink"));
            } catch (IllegalStateException exiting) {
                // made while the JVM exits: the resource tracker removes the segments when the program ends
            }
        }

        static void ensure() {
            // loading the class registers the hook
        }
    }

    /**
     * @return the tracker of the manager's server that calls this (the typeid's supplier)
     * @throws IllegalStateException outside a manager's server
     */
    public static SegmentTracker ofCurrentServer() {
        ExitHook.ensure();
        return BY_SERVER.computeIfAbsent(ManagerServer.current().serverId(), id -> new SegmentTracker());
    }

    /**
     * Unlinks what the tracker of a server of this JVM made (the manager served in this process).
     *
     * @param serverId the server's id
     * @return how many segments were unlinked
     */
    public static int unlinkAll(long serverId) {
        SegmentTracker t = BY_SERVER.remove(serverId);
        return t == null ? 0 : t.unlinkAll();
    }

    /**
     * Makes a zero-filled segment and tracks it (Python's {@code smm.SharedMemory(size)}).
     *
     * @param size its size in bytes, at least 1
     * @return its name, for the client to attach to
     * @throws IllegalArgumentException if {@code size} is not positive
     * @throws IllegalStateException after {@link #unlinkAll()}
     */
    public String create(long size) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be a positive number of bytes, got " + size);
        }
        synchronized (this) {
            checkOpen();
            try (SharedMemory made = SharedMemory.create(null, size)) {
                names.add(made.name());
                return made.name();
            }
        }
    }

    /**
     * Makes a {@link ShareableList} and tracks its segment (Python's {@code smm.ShareableList(sequence)}).
     *
     * @param values the items
     * @return its name, for the client to attach to
     * @throws IllegalArgumentException naming an item a ShareableList cannot hold
     * @throws IllegalStateException after {@link #unlinkAll()}
     */
    public String createList(List<?> values) {
        synchronized (this) {
            checkOpen();
            try (ShareableList made = new ShareableList(values)) {
                names.add(made.name());
                return made.name();
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the SharedMemoryManager has shut down: it makes no more shared memory");
        }
    }

    /**
     * Unlinks one segment now and stops tracking it (Python's {@code release_segment}).
     *
     * @param name the segment's name
     * @return whether this tracker made it and it was still there
     */
    public boolean release(String name) {
        synchronized (this) {
            if (!names.remove(name)) {
                return false;
            }
        }
        return Segment.unlink(name);
    }

    /** @return the names of the segments this tracker made and has not unlinked (Python's {@code list_segments}) */
    public synchronized List<String> names() {
        return List.copyOf(names);
    }

    /**
     * Unlinks every segment this tracker made (those unlinked already by a client are skipped); makes no
     * more after. Idempotent.
     *
     * @return how many were unlinked now
     */
    public int unlinkAll() {
        List<String> left;
        synchronized (this) {
            closed = true;
            left = List.copyOf(names);
            names.clear();
        }
        int n = 0;
        for (String name : left) {
            try {
                if (Segment.unlink(name)) {
                    n++;
                }
            } catch (RuntimeException e) {
                // cannot be removed now: the resource tracker removes it when the program ends
            }
        }
        return n;
    }
}
