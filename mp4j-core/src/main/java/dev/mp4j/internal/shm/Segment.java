package dev.mp4j.internal.shm;

import dev.mp4j.internal.tracker.ResourceTracker;
import dev.mp4j.internal.util.PortableNames;
import dev.mp4j.internal.util.Urandom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Set;

/**
 * A POSIX shared memory segment mapped into this process: on Linux a file in {@code /dev/shm} (what
 * {@code shm_open} makes), mapped with {@link FileChannel#map(FileChannel.MapMode, long, long, Arena)}.
 * Every process that maps the same name sees the same bytes. The creator registers the name with the
 * {@link ResourceTracker}, so the segment is removed when the program ends, even if it is killed.
 *
 * <p>{@link #close()} unmaps this process's view (after which touching {@link #memory()} throws);
 * {@link #unlink()} removes the name (mappings stay valid until closed).
 */
public final class Segment implements AutoCloseable {
    private static final Path DIR = Path.of("/dev/shm");
    // made as the class initializes: before a JVM's first segment waits for the resource tracker, not after
    /** How a new file in {@code /dev/shm} is opened (a segment's, a semaphore's): made new, read and written. */
    public static final Set<StandardOpenOption> CREATE = Set.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ, StandardOpenOption.WRITE);
    /** A new file's permissions in {@code /dev/shm}: its owner's alone. */
    public static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final String name;
    private final long size;
    private final Arena arena;
    private final MemorySegment memory;

    private Segment(String name, long size, Arena arena, MemorySegment memory) {
        this.name = name;
        this.size = size;
        this.arena = arena;
        this.memory = memory;
    }

    /** @return a fresh name, {@code mp4j-} and 16 hex digits */
    public static String freshName() {
        // concat, not +: javac's indy concat links its call site at the first run, a fresh JVM's first queue
        return "mp4j-".concat(HexFormat.of().formatHex(Urandom.bytes(8)));
    }

    /**
     * Creates and maps a new zero-filled segment.
     *
     * @param name its name (letters, digits, {@code . _ -}, after an optional leading {@code /}), or null
     *             for a fresh one
     * @param size its size in bytes, at least 1
     * @return the mapped segment
     * @throws IllegalArgumentException for a bad name or size
     * @throws UncheckedIOException if it exists already or cannot be made
     */
    public static Segment create(String name, long size) {
        return create(name, size, Arena.ofShared());
    }

    // Both make and attach clear the thread's interrupt status while they work and set it again after: a
    // FileChannel's map on a thread whose status is set closes the channel and fails, so a queue or lock could not be
    // made or received on an interrupted thread. Making one is not a blocking call that an interrupt should end.

    /**
     * Creates a new zero-filled segment and maps it into {@code arena}: {@link Arena#ofAuto()} gives a
     * mapping that lives as long as its {@link MemorySegment} is reachable ({@link #close()} then does
     * nothing); {@link Arena#ofShared()} one that {@link #close()} unmaps. On failure the arena is closed
     * if it can be.
     *
     * @param name its name (letters, digits, {@code . _ -}), or null for a fresh one
     * @param size its size in bytes, at least 1
     * @param arena the arena that owns the mapping
     * @return the mapped segment
     * @throws IllegalArgumentException for a bad name or size
     * @throws UncheckedIOException if it exists already (the cause is a {@link FileAlreadyExistsException})
     *         or cannot be made
     */
    public static Segment create(String name, long size, Arena arena) {
        try {
            boolean interrupted = Thread.interrupted();
            try {
                return doCreate(name, size, arena);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        } catch (RuntimeException e) {
            closeQuietly(arena);
            throw e;
        }
    }

    private static Segment doCreate(String name, long size, Arena arena) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be a positive number of bytes, got " + size);
        }
        String n = name == null ? freshName() : checkName(name);
        Path file = DIR.resolve(n);
        // the tracker first: the JVM's first segment would otherwise wait for its start (about 100 ms) between
        // making the file and registering it, and a JVM killed then left the file behind
        ResourceTracker.fifo();
        try {
            FileChannel ch;
            try {
                ch = FileChannel.open(file, CREATE, OWNER_ONLY);
            } catch (FileAlreadyExistsException e) {
                throw new UncheckedIOException("shared memory '" + n + "' exists already", e);
            }
            ResourceTracker.register(ResourceTracker.Kind.SHM, n);
            try (ch) {
                MemorySegment mem = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
                return new Segment(n, size, arena, mem);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(file);
                ResourceTracker.unregister(ResourceTracker.Kind.SHM, n);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create shared memory '" + n + "' of " + size + " bytes", e);
        }
    }

    /**
     * Maps an existing segment.
     *
     * @param name its name, with or without a leading {@code /}
     * @return the mapped segment, as large as the segment is
     * @throws UncheckedIOException if there is no such segment
     */
    public static Segment attach(String name) {
        return attach(name, Arena.ofShared());
    }

    /**
     * Maps an existing segment into {@code arena} (see {@link #create(String, long, Arena)}). On failure
     * the arena is closed if it can be.
     *
     * @param name its name
     * @param arena the arena that owns the mapping
     * @return the mapped segment, as large as the segment is
     * @throws UncheckedIOException if there is no such segment (the cause is a {@link NoSuchFileException})
     */
    public static Segment attach(String name, Arena arena) {
        try {
            boolean interrupted = Thread.interrupted();
            try {
                return doAttach(name, arena);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        } catch (RuntimeException e) {
            closeQuietly(arena);
            throw e;
        }
    }

    private static Segment doAttach(String name, Arena arena) {
        String n = checkName(name);
        Path file = DIR.resolve(n);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size == 0) {
                throw new UncheckedIOException(new IOException("shared memory '" + n + "' is empty"));
            }
            MemorySegment mem = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            return new Segment(n, size, arena, mem);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("no shared memory named '" + n + "'", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot attach shared memory '" + n + "'", e);
        }
    }

    /**
     * Checks a name and drops one leading {@code /}: POSIX names a segment {@code /psm_...} where
     * {@code /dev/shm} holds {@code psm_...}, and CPython's {@code SharedMemory} accepts and reports names
     * either way, so mp4j does too.
     */
    private static String checkName(String name) {
        if (name.startsWith("/")) {
            name = name.substring(1);
        }
        if (!PortableNames.of(name, 0, 200, false) || name.startsWith(".")) {
            throw new IllegalArgumentException("bad shared memory name '" + name
                    + "': use 1 to 200 letters, digits, '.', '_' or '-', not starting with '.'");
        }
        return name;
    }

    /** @return the segment's name, without a leading {@code /} (its file in {@code /dev/shm}) */
    public String name() {
        return name;
    }

    /** @return its size in bytes */
    public long size() {
        return size;
    }

    /** @return this process's mapping */
    public MemorySegment memory() {
        return memory;
    }

    /** Unmaps this process's view (idempotent; nothing to do for an automatic arena). */
    @Override
    public void close() {
        closeQuietly(arena);
    }

    private static void closeQuietly(Arena arena) {
        try {
            arena.close();
        } catch (IllegalStateException alreadyClosed) {
            // closed before
        } catch (UnsupportedOperationException automatic) {
            // Arena.ofAuto(): the GC unmaps it
        }
    }

    /**
     * Removes the segment's name.
     *
     * @return false if it was removed already
     */
    public boolean unlink() {
        return unlink(name);
    }

    /**
     * @param name a segment's name
     * @return false if there was no such segment
     */
    public static boolean unlink(String name) {
        try {
            String n = checkName(name);
            boolean removed = Files.deleteIfExists(DIR.resolve(n));
            ResourceTracker.unregister(ResourceTracker.Kind.SHM, n);
            return removed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unlink shared memory '" + name + "'", e);
        }
    }
}
