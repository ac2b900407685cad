package dev.mp4j.internal.ffm;

import dev.mp4j.internal.shm.Segment;
import dev.mp4j.internal.shm.Words;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A glibc named semaphore as the file it is, made, mapped and used from Java: where the C library is glibc
 * (2.21 or later) on 64-bit little-endian Linux, {@code sem_open("/NAME")} maps the file
 * {@code /dev/shm/sem.NAME}, and its {@code sem_t} is these 32 bytes:
 * <pre>
 *   offset 0   long data      value (low 32 bits, at most Integer.MAX_VALUE)
 *                             | nwaiters &lt;&lt; 32 (threads counted by sem_wait/sem_clockwait, asleep or about to be)
 *   offset 8   int  private   0x80: the futex is shared between processes (a named semaphore's)
 *   offset 12  zeros to 32
 * </pre>
 * glibc's calls work on that word alone, and this class does as they do: a try decrements the value by a CAS
 * while it is above 0 ({@code sem_trywait}); a post increments it by a CAS, failing at the maximum
 * ({@code sem_post}, EOVERFLOW). glibc's post then wakes a sleeper (a futex wake) when the word it replaced
 * counted one; that this class cannot do, so its post succeeds only while the word it replaces counts no
 * waiter, and otherwise leaves the post to the native call. A waiter counts itself (a fetch-and-add on the
 * same word) before it looks for a token a last time and sleeps, so a post either precedes that count (and the
 * waiter sees its token) or sees it (and is made natively, waking the waiter). The word is read and written
 * with volatile semantics, at least what glibc's acquire/release atomics give.
 *
 * <p>Made as {@code sem_open(O_CREAT | O_EXCL)} makes it: the 32 bytes are written to a temporary file in
 * {@code /dev/shm}, which is then linked to the name (failing if the name exists) and removed, so no process
 * ever sees the name with a part of the semaphore written. Removed ({@code sem_unlink}) by deleting the file.
 * The mapping is the {@code sem_t*} the native calls take: a semaphore made or opened here needs no
 * {@code sem_open} for them.
 */
final class SemFile {
    /** Whether semaphores are made and used this way in this JVM: decided once, without a native call. */
    static final boolean USABLE = usable();

    static final long SIZE = 32;
    private static final long DATA = 0;
    private static final long PRIVATE = 8;
    /** glibc's {@code FUTEX_SHARED}: the flag word of a semaphore shared between processes. */
    private static final int FUTEX_SHARED = 0x80;
    private static final Path DIR = Path.of("/dev/shm");
    private static final AtomicLong TEMP = new AtomicLong();

    private SemFile() {}

    /**
     * @return whether this is 64-bit little-endian Linux with glibc 2.21 or later: the C library mapped into
     *     this process is {@code libc.so.6} (glibc 2.34 and later name the file so), or {@code libc-2.N.so}
     *     with N at least 21, and no musl is mapped
     */
    private static boolean usable() {
        String arch = System.getProperty("os.arch");
        if (!"Linux".equals(System.getProperty("os.name")) || !("amd64".equals(arch) || "aarch64".equals(arch))
                || ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            return false;
        }
        try {
            return isGlibc(new String(Files.readAllBytes(Path.of("/proc/self/maps")), StandardCharsets.ISO_8859_1));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Initializes this class ({@link #USABLE}) and the new files' options ({@link Segment}): nothing else. */
    static void prepare() {
        Objects.requireNonNull(Segment.OWNER_ONLY); // the class's initialization, and Segment's, is the work
    }

    /**
     * @param maps a {@code /proc/PID/maps}
     * @return whether the C library mapped is glibc 2.21 or later, by its file's name
     */
    static boolean isGlibc(String maps) {
        if (maps.contains("musl")) {
            return false;
        }
        boolean glibc = false;
        for (int at = maps.indexOf("/libc"); at >= 0; at = maps.indexOf("/libc", at + 1)) {
            int end = maps.indexOf('\n', at);
            String file = maps.substring(at + 1, end < 0 ? maps.length() : end).strip();
            if (file.equals("libc.so.6")) {
                glibc = true;
            } else if (file.startsWith("libc-2.") && file.endsWith(".so")) {
                try {
                    glibc = Integer.parseInt(file.substring("libc-2.".length(), file.length() - ".so".length())) >= 21;
                } catch (NumberFormatException e) {
                    return false;
                }
                if (!glibc) {
                    return false;
                }
            }
        }
        return glibc;
    }

    /**
     * @param name a semaphore's name, {@code /NAME}
     * @return its file, {@code /dev/shm/sem.NAME}; null for a name {@code sem_open} refuses (EINVAL)
     */
    static Path file(String name) {
        int from = 0;
        while (from < name.length() && name.charAt(from) == '/') {
            from++;
        }
        String n = name.substring(from);
        if (n.isEmpty() || n.length() > 251 || n.indexOf('/') >= 0 || n.indexOf('\0') >= 0 || n.equals(".")
                || n.equals("..")) {
            return null;
        }
        return DIR.resolve("sem.".concat(n));
    }

    /**
     * Makes a new semaphore, as {@code sem_open(name, O_CREAT | O_EXCL, 0600, value)} does, and maps it.
     *
     * @param name its name
     * @param value its value
     * @param arena the arena that owns the mapping
     * @return the mapping
     * @throws UncheckedIOException if the name exists, or the file cannot be made
     */
    static MemorySegment create(String name, int value, Arena arena) {
        // the thread's interrupt status cleared meanwhile and set again after: a FileChannel's write or map on a
        // thread whose status is set closes the channel and fails (Segment#create does the same)
        boolean interrupted = Thread.interrupted();
        try {
            return doCreate(name, value, arena);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static MemorySegment doCreate(String name, int value, Arena arena) {
        Path file = file(name);
        if (file == null || value < 0) {
            throw failed(name, "invalid name or value (EINVAL)", null);
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) SIZE).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong((int) DATA, value).putInt((int) PRIVATE, FUTEX_SHARED);
        Path temp = null;
        FileChannel ch = null;
        try {
            while (ch == null) {
                // no string concatenation by invokedynamic: its first use costs a fresh JVM milliseconds
                // named apart from the semaphore's name, so that a name as long as sem_open takes fits too
                temp = DIR.resolve("sem.mp4j-tmp-".concat(Long.toHexString(System.nanoTime())).concat("-")
                        .concat(Long.toString(TEMP.incrementAndGet())));
                try {
                    ch = FileChannel.open(temp, Segment.CREATE, Segment.OWNER_ONLY);
                } catch (FileAlreadyExistsException stale) {
                    // another JVM's at the same instant, or one left by a JVM killed as it made one: the next
                }
            }
            try (FileChannel c = ch) {
                while (bytes.hasRemaining()) {
                    c.write(bytes);
                }
                MemorySegment mapped = c.map(FileChannel.MapMode.READ_WRITE, 0, SIZE, arena);
                try {
                    Files.createLink(file, temp);
                } catch (FileAlreadyExistsException e) {
                    throw failed(name, "it exists already", e);
                }
                return mapped;
            }
        } catch (IOException e) {
            throw failed(name, String.valueOf(e.getMessage()), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // a temporary file, its name unguessable to others: left as sem_open would leave its own
                }
            }
        }
    }

    /**
     * Maps an existing semaphore, as {@code sem_open(name, 0)} does.
     *
     * @param name its name
     * @param arena the arena that owns the mapping
     * @return the mapping
     * @throws UncheckedIOException if there is no such semaphore, or it cannot be mapped
     */
    static MemorySegment attach(String name, Arena arena) {
        boolean interrupted = Thread.interrupted(); // as in create
        try {
            return doAttach(name, arena);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static MemorySegment doAttach(String name, Arena arena) {
        Path file = file(name);
        if (file == null) {
            throw failed(name, "invalid name (EINVAL)", null);
        }
        // not through a symbolic link, as sem_open opens an existing name (O_NOFOLLOW)
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            if (ch.size() < SIZE) {
                throw failed(name, "not a semaphore (" + ch.size() + " bytes)", null);
            }
            return ch.map(FileChannel.MapMode.READ_WRITE, 0, SIZE, arena);
        } catch (NoSuchFileException e) {
            throw failed(name, "no such semaphore", e);
        } catch (IOException e) {
            throw failed(name, String.valueOf(e.getMessage()), e);
        }
    }

    private static UncheckedIOException failed(String name, String why, IOException cause) {
        IOException e = new IOException("sem_open(" + name + ") failed: " + why);
        if (cause != null) {
            e.initCause(cause);
        }
        return new UncheckedIOException(e);
    }

    /**
     * Removes a semaphore's name, as {@code sem_unlink} does.
     *
     * @param name its name
     * @return false if there was no such name
     */
    static boolean unlink(String name) {
        Path file = file(name);
        if (file == null) {
            return false;
        }
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            return false; // as sem_unlink fails (EACCES, EPERM, ...): the callers go on with their other names
        }
    }

    /**
     * {@code sem_trywait}.
     *
     * @param sem the mapping, as a byte buffer ({@link dev.mp4j.internal.shm.Words#view})
     * @return whether a token was taken
     */
    static boolean tryTake(ByteBuffer sem) {
        long d = Words.getLong(sem, DATA);
        while ((int) d != 0) {
            long was = Words.cmpxLong(sem, DATA, d, d - 1);
            if (was == d) {
                return true;
            }
            d = was;
        }
        return false;
    }

    /**
     * {@code sem_post}, where no thread counts itself waiting.
     *
     * @param sem the mapping, as a byte buffer ({@link dev.mp4j.internal.shm.Words#view})
     * @return true if posted; false if a waiter is counted: then only the native call posts (and wakes it)
     * @throws IllegalStateException if the value is at its maximum
     */
    static boolean post(ByteBuffer sem, String name) {
        long d = Words.cmpxLong(sem, DATA, 0L, 1L); // most posts find 0 and no waiter: one CAS
        if (d == 0L) {
            return true;
        }
        for (;;) {
            if ((int) d == Integer.MAX_VALUE) {
                throw new IllegalStateException("sem_post(" + name + ") failed (value at its maximum?)");
            }
            if ((d >>> 32) != 0) {
                return false;
            }
            long was = Words.cmpxLong(sem, DATA, d, d + 1);
            if (was == d) {
                return true;
            }
            d = was;
        }
    }

    /**
     * A post where the native call cannot be made (this JVM may not link it): increments the value whether or
     * not a thread counts itself waiting, and wakes no one. A thread asleep in {@code sem_clockwait} sees the
     * token when its slice ends and its caller tries again.
     *
     * @param sem the mapping, as a byte buffer ({@link dev.mp4j.internal.shm.Words#view})
     * @param name its name, for the error
     * @throws IllegalStateException if the value is at its maximum
     */
    static void postWithoutWaking(ByteBuffer sem, String name) {
        long d = Words.getLong(sem, DATA);
        for (;;) {
            if ((int) d == Integer.MAX_VALUE) {
                throw new IllegalStateException("sem_post(" + name + ") failed (value at its maximum?)");
            }
            long was = Words.cmpxLong(sem, DATA, d, d + 1);
            if (was == d) {
                return;
            }
            d = was;
        }
    }

    /**
     * {@code sem_getvalue}.
     *
     * @param sem the mapping, as a byte buffer ({@link dev.mp4j.internal.shm.Words#view})
     * @return its value
     */
    static int value(ByteBuffer sem) {
        return (int) Words.getLong(sem, DATA);
    }

    /**
     * @param sem the mapping, as a byte buffer ({@link dev.mp4j.internal.shm.Words#view})
     * @return how many threads glibc counts waiting on it (for tests)
     */
    static int waiters(ByteBuffer sem) {
        return (int) (Words.getLong(sem, DATA) >>> 32);
    }
}
