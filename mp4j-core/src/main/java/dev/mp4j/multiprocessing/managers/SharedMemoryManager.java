package dev.mp4j.multiprocessing.managers;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.managers.ManagerServer;
import dev.mp4j.internal.managers.TypeSpec;
import dev.mp4j.internal.shm.SegmentTracker;
import dev.mp4j.multiprocessing.ShareableList;
import dev.mp4j.multiprocessing.SharedMemory;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Python's {@code multiprocessing.managers.SharedMemoryManager}: a manager whose server makes
 * {@link SharedMemory} blocks and {@link ShareableList}s and unlinks every one it made when the manager shuts
 * down — so that a program need not unlink each block itself.
 *
 * <pre>{@code
 * try (SharedMemoryManager smm = new SharedMemoryManager()) {
 *     smm.start();
 *     ShareableList sl = smm.shareableList(List.of(1, "two", 3.0));
 *     SharedMemory shm = smm.sharedMemory(1 << 20);
 *     ... pass sl and shm to processes (they travel as their names) ...
 * }   // shutdown: both are unlinked
 * }</pre>
 *
 * <p>The blocks are made in the server's process and this manager attaches to them; other processes attach
 * by name or receive a handle. Each returned handle should still be {@linkplain SharedMemory#close() closed}
 * by its holder; {@code unlink()} is the manager's job (a block unlinked before by a client is skipped).
 * When the manager shuts down ({@link #shutdown()}, {@link #close()}), the server unlinks what it made; when
 * its server process ends otherwise (a shutdown request from another client, this manager collected), its
 * JVM unlinks them as it exits; when the server or the whole program is killed, mp4j's resource tracker
 * removes them as the program ends. A manager served in this process by {@link #getServer()} unlinks them
 * when {@link #shutdown()} is called.
 *
 * <p>A manager that {@linkplain #connect() connects} to a SharedMemoryManager's server makes blocks there
 * too; closing it leaves them to that server. Typeids may be registered as on any {@link BaseManager}.
 * The methods of this class throw {@link IllegalStateException} before {@code start()} (or
 * {@code getServer()}, {@code connect()}) and after {@code shutdown()}.
 *
 * @since 0.1
 */
public class SharedMemoryManager extends BaseManager {
    /** The typeid of the server's segment tracker. */
    private static final String TRACKER = "SharedMemoryTracker";

    private final Object lock = new Object();
    private BaseProxy tracker;      // guarded by lock; made on first use
    private ManagerServer served;   // guarded by lock; set by getServer()
    private boolean owner;          // guarded by lock: this manager started or serves the server
    private boolean down;           // guarded by lock

    /** A manager whose server will listen on a Unix-domain socket chosen for it, with this process's authkey. */
    public SharedMemoryManager() {
        this(null, null);
    }

    /**
     * @param address where the server listens, or where it is (to connect); null to have one chosen
     * @param authkey the key; null for this process's authkey
     */
    public SharedMemoryManager(SocketAddress address, byte[] authkey) {
        super(address, authkey, null, Map.of(TRACKER,
                new TypeSpec(TRACKER, SegmentTracker::ofCurrentServer, null, null, null, null, true)));
    }

    @Override
    public void start(SerializableRunnable initializer) {
        super.start(initializer);
        synchronized (lock) {
            owner = true;
        }
    }

    @Override
    public Server getServer() {
        Server s = super.getServer();
        synchronized (lock) {
            owner = true;
            served = (ManagerServer) s;
        }
        return s;
    }

    /**
     * Makes a zero-filled block in the server (Python's {@code smm.SharedMemory(size)}).
     *
     * @param size its size in bytes, at least 1
     * @return a handle to it, attached in this process
     * @throws IllegalArgumentException if {@code size} is not positive
     * @throws IllegalStateException before {@code start()} or after {@code shutdown()}
     */
    public SharedMemory sharedMemory(long size) {
        BaseProxy t = tracker();
        if (size <= 0) {
            throw new IllegalArgumentException("size must be a positive number of bytes, got " + size);
        }
        String name = (String) t.callMethod("create", size);
        return attached(t, name, SharedMemory::attach);
    }

    /**
     * Makes a {@link ShareableList} in the server (Python's {@code smm.ShareableList(sequence)}).
     *
     * @param values the items: null, Boolean, Integer, Long, Double, String or byte[]
     * @return the list, attached in this process
     * @throws IllegalArgumentException naming an item a ShareableList cannot hold (nothing is made)
     * @throws IllegalStateException before {@code start()} or after {@code shutdown()}
     */
    public ShareableList shareableList(List<?> values) {
        Objects.requireNonNull(values, "values");
        BaseProxy t = tracker();
        String name = (String) t.callMethod("createList", new ArrayList<>(values));
        return attached(t, name, ShareableList::attach);
    }

    private static <T> T attached(BaseProxy t, String name, Function<String, T> attach) {
        try {
            return attach.apply(name);
        } catch (RuntimeException e) {
            try {
                t.callMethod("release", name);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private BaseProxy tracker() {
        synchronized (lock) {
            if (down) {
                throw new IllegalStateException("Manager has shut down");
            }
            if (tracker == null) {
                tracker = createProxy(TRACKER);
            }
            return tracker;
        }
    }

    /**
     * Unlinks every block the server made, then stops the server (see {@link BaseManager#shutdown()}).
     * Idempotent.
     *
     * @throws IllegalStateException if this manager was neither started nor serving
     */
    @Override
    public void shutdown() {
        BaseProxy t;
        ManagerServer local;
        synchronized (lock) {
            if (!owner || down) {
                super.shutdown();   // throws if never started, returns if shut down already
                return;
            }
            t = tracker;
            local = served;
            down = true;
            tracker = null;
        }
        if (local != null) {
            SegmentTracker.unlinkAll(local.serverId());
        } else {
            try {
                (t != null ? t : createProxy(TRACKER)).callMethod("unlinkAll");
            } catch (RuntimeException e) {
                // the server is gone: its JVM's exit or the resource tracker removed or removes the blocks
            }
        }
        super.shutdown();
    }

    /** {@link #shutdown()} if this manager started or serves the server; otherwise it only stops using it. */
    @Override
    public void close() {
        synchronized (lock) {
            if (!owner) {
                down = true;
                tracker = null;
            }
        }
        super.close();
    }
}
