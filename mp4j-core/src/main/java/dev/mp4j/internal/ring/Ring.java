package dev.mp4j.internal.ring;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.ffm.Posix;
import dev.mp4j.internal.shm.Segment;
import dev.mp4j.internal.tracker.ResourceTracker;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.multiprocessing.EOFError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * A bounded byte ring in a shared-memory {@link Segment} that carries length-framed messages between
 * processes, any number of writers and readers. Writers take the write lock for a whole message, readers
 * the read lock, so messages never interleave; a message longer than half the ring is streamed through it
 * in chunks of at most {@link #STREAM_CHUNK} bytes while the reader drains it.
 *
 * <h2>Layout</h2>
 * All offsets in bytes from the start of the segment; the writers' and the readers' fields live on
 * separate cache lines. Positions ({@code TAIL}, {@code HEAD}) count bytes since the ring was made and
 * never wrap; a position's place in the data area is {@code position & (capacity - 1)}.
 * <pre>
 *    0  int   MAGIC 'mp4j'
 *    4  int   VERSION
 *    8  long  CAPACITY            bytes in the data area, a power of two
 *   64  long  TAIL                end of the published records; only the write-lock holder stores it
 *   72  int   WRITE_OWNER         pid holding the write lock, 0 when free
 *   76  int   WRITE_WAITERS       processes' threads waiting for the write lock (bell: sem "-w")
 *   80  int   SPACE_WAITERS       writers waiting for room (bell: sem "-s")
 *   84  int   WRITER_IN_MESSAGE   1 while a message's first chunk is published and its last is not
 *   88  long  SPACE_TARGET        the HEAD a writer waiting for room wants reached (the reader that reaches it
 *                                 posts the writer and sets it to Long.MAX_VALUE)
 *  128  long  HEAD                start of the unread records; only the read-lock holder stores it
 *  136  int   READ_OWNER          pid holding the read lock, 0 when free
 *  140  int   READ_WAITERS        waiting for the read lock (bell: sem "-r")
 *  144  int   DATA_WAITERS        waiting for records (bell: sem "-d")
 *  148  int   READER_IN_MESSAGE   1 while a reader has taken some chunks of a message but not all
 *  152  long  READER_REMAINING    bytes of that message not yet taken
 *  160  int   DATA_EPOCH          bumped by every wait for records (so writers post once per sleep)
 *  192  int[16] USER              for the structure built on the ring (a queue's counters)
 *  256  END TABLE 0 (1024 bytes)  the processes holding the writing end (pipes)
 * 1280  END TABLE 1 (1024 bytes)  the processes holding the reading end (pipes)
 * 4096  DATA (CAPACITY bytes)     records
 * </pre>
 * An end table: {@code +0 int LOCK} (owner pid), {@code +4 int OVERFLOW} (1 once it ran out of rows),
 * then 63 rows of 16 bytes at {@code +16}: {@code int PID, int OPENS, int PENDING, int unused}. OPENS
 * counts the process's open handles; PENDING its handles serialized and not yet re-attached by a receiver.
 *
 * <h2>Records</h2>
 * Every record starts at a multiple of 8 with an 8-byte header, the header never wraps, the payload may:
 * <pre>
 *   +0  int  LENGTH   payload bytes in this record (padded to a multiple of 8 in the ring)
 *   +4  int  KIND     &gt;= 0: first chunk of a message of KIND bytes; -1: next chunk; -2: ABORT
 *   +8  LENGTH bytes of payload
 * </pre>
 * A message is complete when its chunks' lengths add up to its size. The writer copies a record's bytes
 * first, then publishes it by a volatile store of {@code TAIL}; the reader copies it out, then frees it by
 * a volatile store of {@code HEAD}. Bells are POSIX semaphores that a storer posts when the matching
 * waiter count is non-zero; waiters wait in slices of {@link Posix#SLICE_NANOS} and re-check everything
 * after each slice, so a lost or spare post costs at most one slice, never correctness. What needs
 * {@code /proc} (is a lock's owner, an unfinished message's writer, the other end's holder alive?) is
 * asked only after a slice passed without a post, since a live peer posts and a dead one cannot.
 *
 * <h2>When a process dies or gives up mid-way</h2>
 * <ul>
 *   <li>A writer killed inside a record (copied, not published): the reader never sees those bytes; the
 *   next writer overwrites them.</li>
 *   <li>A writer killed or interrupted between chunks of a message: the chunks it published stay, with
 *   {@code WRITER_IN_MESSAGE = 1} and its pid in {@code WRITE_OWNER} (or 0 if it gave up). Whoever next
 *   takes the write lock — a writer, or the reader, which checks on every slice it waits for data — takes it
 *   over from the dead pid, appends an ABORT record and clears the flag. A reader that took part of that
 *   message drops it when it reads the ABORT and goes on with the next message; a reader outside a
 *   message skips ABORT records. So readers lose exactly the dead writer's unfinished message, within
 *   about one slice (50 ms) of needing the next chunk, and later messages arrive whole.</li>
 *   <li>A reader killed or interrupted in the middle of a message: {@code HEAD} is always at a record
 *   boundary, {@code READER_IN_MESSAGE = 1} and {@code READER_REMAINING} say how much of the message is
 *   left. The next reader (taking the lock over from the dead pid after a slice) skips that rest, so the
 *   message is lost and the ones after it are read whole.</li>
 *   <li>A lock held by a dead pid is taken over by compare-and-set from that pid, so exactly one waiter
 *   wins it.</li>
 * </ul>
 * Threads of one JVM share a pid; the locks still exclude them (a lock is taken by a CAS from 0), and a
 * JVM never takes a lock over from its own pid.
 */
public final class Ring implements AutoCloseable {
    /** The data area a queue or pipe gets unless told otherwise. */
    public static final int DEFAULT_CAPACITY = 256 * 1024;
    /** The table of the processes holding the end that writes into the ring. */
    public static final int WRITING_END = 0;
    /** The table of the processes holding the end that reads from the ring. */
    public static final int READING_END = 1;
    /** How many ints the {@code USER} area holds. */
    public static final int USER_INTS = 16;

    private static final int MAGIC_VALUE = 0x6d70346a;
    private static final int VERSION_VALUE = 2;
    private static final long MAGIC = 0;
    private static final long VERSION = 4;
    private static final long CAPACITY = 8;
    private static final long TAIL = 64;
    private static final long WRITE_OWNER = 72;
    private static final long WRITE_WAITERS = 76;
    private static final long SPACE_WAITERS = 80;
    private static final long WRITER_IN_MESSAGE = 84;
    private static final long SPACE_TARGET = 88;
    private static final long HEAD = 128;
    private static final long READ_OWNER = 136;
    private static final long READ_WAITERS = 140;
    private static final long DATA_WAITERS = 144;
    private static final long READER_IN_MESSAGE = 148;
    private static final long READER_REMAINING = 152;
    private static final long DATA_EPOCH = 160;
    private static final long USER = 192;
    private static final long TABLES = 256;
    private static final long TABLE_SIZE = 1024;
    private static final long ROW = 16;
    private static final int ROWS = (int) ((TABLE_SIZE - 16) / ROW);
    private static final long DATA = 4096;

    private static final int CONT = -1;
    private static final int ABORT = -2;
    private static final int SPINS = 200;
    /**
     * How long a writer waiting for room, or a reader waiting for records, keeps looking before it sleeps
     * while the other side holds its lock: the other side is then in the middle of a read or write (copying a
     * chunk out or in), so its progress is microseconds away, while a sleep and a post cost tens of
     * microseconds on each side. The wait yields the CPU rather than spinning on it, so that the other side
     * gets to run if both share one CPU.
     */
    private static final long BUSY_PEER_WAIT_NANOS = 100_000L;
    /**
     * The largest chunk of a message streamed through the ring (one larger than half of it; in a ring smaller
     * than 32 KiB a quarter of it): small, so that the reader copies out one chunk while the writer copies in
     * the next.
     */
    private static final int STREAM_CHUNK = 8 * 1024;

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    /** What a blocked call checks on every wake-up besides the ring itself. */
    public interface Watch {
        /** Throws if the caller's handle was closed meanwhile; the default never throws. */
        default void check() {}

        /** @return whether no process holds the other end any more (readers: EOF; writers: broken pipe) */
        default boolean peerGone() {
            return false;
        }

        /**
         * A cheap form of {@link #peerGone()} for the checks made before sleeping: true only if every holder
         * of the other end has closed it (no liveness check of the holders, which reads {@code /proc}).
         *
         * @return whether the other end is surely gone; false when unsure
         */
        default boolean peerClosed() {
            return false;
        }
    }

    /** A watch that checks nothing. */
    public static final Watch NONE = new Watch() {};

    /** A message longer than the reader accepted; the ring skips the rest of it. */
    public static final class TooLong extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final long size;

        TooLong(long size) {
            super("message of " + size + " bytes", null, false, false);
            this.size = size;
        }

        /** @return the message's size */
        public long size() {
            return size;
        }
    }

    private final Segment segment;
    private final MemorySegment mem;
    private final long capacity;
    private final long mask;
    private final Posix.Sem writeBell;
    private final Posix.Sem readBell;
    private final Posix.Sem dataBell;
    private final Posix.Sem spaceBell;
    /** Guarded by the write lock: the {@code DATA_EPOCH} whose sleepers this JVM posted last (see publish). */
    private long postedEpoch = Long.MIN_VALUE;

    private Ring(Segment segment, List<Posix.Sem> sems) {
        this.segment = segment;
        this.mem = segment.memory();
        this.capacity = (long) LONG.getVolatile(mem, CAPACITY);
        this.mask = capacity - 1;
        this.writeBell = sems.get(0);
        this.readBell = sems.get(1);
        this.dataBell = sems.get(2);
        this.spaceBell = sems.get(3);
    }

    private static final String[] BELLS = {"w", "r", "d", "s"};

    /**
     * @param ringName a ring's (segment's) name
     * @param suffix a short suffix
     * @return the name of a semaphore that belongs to the ring
     */
    public static String semName(String ringName, String suffix) {
        return "/" + ringName + "-" + suffix;
    }

    /**
     * @param ringName a ring's name
     * @return the names of the ring's own semaphores
     */
    public static List<String> semNames(String ringName) {
        List<String> names = new ArrayList<>(BELLS.length);
        for (String b : BELLS) {
            names.add(semName(ringName, b));
        }
        return names;
    }

    /**
     * Makes a new ring (a segment and its four semaphores, registered with the resource tracker).
     *
     * @param capacity the data area's size: a power of two, at least 4096
     * @return the ring, attached in this process
     */
    public static Ring create(int capacity) {
        if (capacity < 4096 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("ring capacity must be a power of two >= 4096, got " + capacity);
        }
        Segment seg = Segment.create(null, DATA + capacity);
        List<Posix.Sem> sems = new ArrayList<>();
        try {
            MemorySegment m = seg.memory();
            LONG.setVolatile(m, CAPACITY, (long) capacity);
            INT.setVolatile(m, VERSION, VERSION_VALUE);
            INT.setVolatile(m, MAGIC, MAGIC_VALUE);
            for (String n : semNames(seg.name())) {
                sems.add(Posix.semCreate(n, 0));
                ResourceTracker.register(ResourceTracker.Kind.SEM, n);
            }
            return new Ring(seg, sems);
        } catch (RuntimeException e) {
            for (Posix.Sem s : sems) {
                Posix.semClose(s);
            }
            unlink(seg.name());
            seg.close();
            throw e;
        }
    }

    /**
     * Attaches an existing ring.
     *
     * @param name the ring's name
     * @return the ring
     * @throws UncheckedIOException if it does not exist (any more)
     */
    public static Ring attach(String name) {
        Segment seg = Segment.attach(name);
        List<Posix.Sem> sems = new ArrayList<>();
        try {
            if ((int) INT.getVolatile(seg.memory(), MAGIC) != MAGIC_VALUE
                    || (int) INT.getVolatile(seg.memory(), VERSION) != VERSION_VALUE) {
                throw new UncheckedIOException(new IOException("shared memory '" + name + "' is not an mp4j ring"));
            }
            for (String n : semNames(name)) {
                sems.add(Posix.semAttach(n));
            }
            return new Ring(seg, sems);
        } catch (RuntimeException e) {
            for (Posix.Sem s : sems) {
                Posix.semClose(s);
            }
            seg.close();
            throw e;
        }
    }

    /**
     * Removes a ring's names (segment and semaphores); attached processes keep using it.
     *
     * @param name the ring's name
     */
    public static void unlink(String name) {
        for (String n : semNames(name)) {
            if (Posix.semUnlink(n)) {
                ResourceTracker.unregister(ResourceTracker.Kind.SEM, n);
            }
        }
        Segment.unlink(name);
    }

    /** @return the ring's name (its segment's) */
    public String name() {
        return segment.name();
    }

    /** @return the data area's size */
    public long capacity() {
        return capacity;
    }

    /** Closes this process's semaphore handles and mapping. No thread may be using the ring. */
    @Override
    public void close() {
        for (Posix.Sem s : List.of(writeBell, readBell, dataBell, spaceBell)) {
            Posix.semClose(s);
        }
        segment.close();
    }

    // ---------------------------------------------------------------- user area

    /**
     * @param i an index below {@link #USER_INTS}
     * @return the user int's value (volatile read)
     */
    public int userGet(int i) {
        return (int) INT.getVolatile(mem, user(i));
    }

    /**
     * @param i an index below {@link #USER_INTS}
     * @param delta what to add
     * @return the value before
     */
    public int userAdd(int i, int delta) {
        return (int) INT.getAndAdd(mem, user(i), delta);
    }

    /**
     * @param i an index below {@link #USER_INTS}
     * @param expect the expected value
     * @param update the new value
     * @return whether it was set
     */
    public boolean userCas(int i, int expect, int update) {
        return INT.compareAndSet(mem, user(i), expect, update);
    }

    private static long user(int i) {
        if (i < 0 || i >= USER_INTS) {
            throw new IndexOutOfBoundsException(i);
        }
        return USER + 4L * i;
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes one message, blocking while the ring is full or another writer holds the lock. A message
     * longer than half the ring is streamed through it in chunks.
     *
     * @param b the bytes
     * @param off where the message starts
     * @param len its length
     * @param watch checked while blocked ({@link Watch#peerGone()}: no reader left, a broken pipe)
     * @throws InterruptedError if interrupted while blocked (a half-sent message is then aborted)
     * @throws UncheckedIOException on a broken pipe
     */
    public void write(byte[] b, int off, int len, Watch watch) {
        lock(WRITE_OWNER, WRITE_WAITERS, writeBell, Timeouts.FOREVER, watch);
        try {
            abortUnfinished();
            writeLocked(b, off, len, watch);
        } finally {
            unlock(WRITE_OWNER, WRITE_WAITERS, writeBell);
        }
    }

    /**
     * Writes messages in order under one taking of the write lock, waking a sleeping reader at most once
     * for each time it went to sleep (not once per message). Used by a queue's feeder for what it has
     * buffered.
     *
     * @param messages the messages, each whole
     * @param watch checked while blocked
     * @throws InterruptedError if interrupted while blocked (a half-sent message is then aborted; the
     *         messages before it are written, those after it are not)
     * @throws UncheckedIOException on a broken pipe
     */
    public void writeAll(List<byte[]> messages, Watch watch) {
        lock(WRITE_OWNER, WRITE_WAITERS, writeBell, Timeouts.FOREVER, watch);
        try {
            abortUnfinished();
            for (byte[] m : messages) {
                writeLocked(m, 0, m.length, watch);
            }
        } finally {
            unlock(WRITE_OWNER, WRITE_WAITERS, writeBell);
        }
    }

    /** Caller holds the write lock: one message, in as many chunks as it takes. */
    private void writeLocked(byte[] b, int off, int len, Watch watch) {
        long tail = getLong(TAIL);
        int sent = 0;
        boolean first = true;
        do {
            int left = len - sent;
            long most = len <= capacity / 2 ? capacity / 2 : Math.min(STREAM_CHUNK, capacity / 4);
            long need = 8 + align(Math.min(left, most));
            long free = awaitSpace(tail, need, watch);
            int chunk = (int) Math.min(left, Math.min(free - 8, most));
            putRecord(tail, chunk, first ? len : CONT, b, off + sent);
            if (first && chunk < len) {
                INT.setVolatile(mem, WRITER_IN_MESSAGE, 1);
            }
            tail += 8 + align(chunk);
            publish(tail);
            sent += chunk;
            first = false;
        } while (sent < len);
        if ((int) INT.getVolatile(mem, WRITER_IN_MESSAGE) != 0) {
            INT.setVolatile(mem, WRITER_IN_MESSAGE, 0);
        }
    }

    /**
     * Writes a message only if that needs no waiting: the write lock is free and the whole message fits now.
     *
     * @param b the bytes
     * @param off where the message starts
     * @param len its length
     * @return whether it was written
     */
    public boolean tryWrite(byte[] b, int off, int len) {
        if (len > capacity / 2 || !INT.compareAndSet(mem, WRITE_OWNER, 0, Pids.SELF)) {
            return false;
        }
        try {
            if ((int) INT.getVolatile(mem, WRITER_IN_MESSAGE) != 0) {
                return false;
            }
            long tail = getLong(TAIL);
            if (capacity - (tail - getLong(HEAD)) < 8 + align(len)) {
                return false;
            }
            putRecord(tail, len, len, b, off);
            publish(tail + 8 + align(len));
            return true;
        } finally {
            unlock(WRITE_OWNER, WRITE_WAITERS, writeBell);
        }
    }

    private void putRecord(long pos, int len, int kind, byte[] b, int off) {
        long at = pos & mask;
        if (len > 0) {
            long p = (pos + 8) & mask;
            long first = Math.min(len, capacity - p);
            MemorySegment.copy(b, off, mem, ValueLayout.JAVA_BYTE, DATA + p, (int) first);
            if (first < len) {
                MemorySegment.copy(b, off + (int) first, mem, ValueLayout.JAVA_BYTE, DATA, (int) (len - first));
            }
        }
        mem.set(ValueLayout.JAVA_INT, DATA + at, len);
        mem.set(ValueLayout.JAVA_INT, DATA + at + 4, kind);
    }

    /**
     * Caller holds the write lock: makes records up to {@code tail} visible and posts the readers asleep,
     * unless no reader began to wait since the last post. Every wait for records bumps {@code DATA_EPOCH}
     * before it looks at {@code TAIL} a last time, so a writer that sees no new epoch after storing
     * {@code TAIL} knows each sleeper either sees that store or was posted after an earlier one, which
     * already ends its wait. A burst of records thus costs one post, not one per record.
     */
    private void publish(long tail) {
        LONG.setVolatile(mem, TAIL, tail);
        int n = (int) INT.getVolatile(mem, DATA_WAITERS);
        if (n > 0) {
            int epoch = (int) INT.getVolatile(mem, DATA_EPOCH);
            if (epoch != postedEpoch) {
                postedEpoch = epoch;
                for (int i = 0; i < n; i++) {
                    Posix.semPost(dataBell);
                }
            }
        }
    }

    /** Caller holds the write lock: closes a message a writer left unfinished with an ABORT record. */
    private void abortUnfinished() {
        if ((int) INT.getVolatile(mem, WRITER_IN_MESSAGE) == 0) {
            return;
        }
        long tail = getLong(TAIL);
        awaitSpace(tail, 8, NONE);
        putRecord(tail, 0, ABORT, null, 0);
        INT.setVolatile(mem, WRITER_IN_MESSAGE, 0);
        publish(tail + 8);
    }

    /** Caller holds the write lock. Returns the free bytes, at least {@code need}. */
    private long awaitSpace(long tail, long need, Watch watch) {
        long free = capacity - (tail - getLong(HEAD));
        for (int i = 0; free < need && i < SPINS; i++) {
            Thread.onSpinWait();
            free = capacity - (tail - getLong(HEAD));
        }
        if (free < need && (int) INT.getVolatile(mem, READ_OWNER) != 0) {
            long until = System.nanoTime() + BUSY_PEER_WAIT_NANOS;
            do {
                Thread.yield();
                free = capacity - (tail - getLong(HEAD));
            } while (free < need && (int) INT.getVolatile(mem, READ_OWNER) != 0 && System.nanoTime() - until < 0);
        }
        if (free >= need) {
            return free;
        }
        // be posted once a quarter of the ring is free (or all of need), not for every record a reader frees;
        // the reader that reaches the target takes it away (posts once), so it is set again before each sleep
        long target = tail - capacity + Math.max(need, capacity / 4);
        INT.getAndAdd(mem, SPACE_WAITERS, 1);
        try {
            boolean slept = false;
            for (;;) {
                LONG.setVolatile(mem, SPACE_TARGET, target);
                free = capacity - (tail - getLong(HEAD));
                if (free >= need) {
                    return free;
                }
                watch.check();
                checkInterrupt();
                if (slept && watch.peerGone()) {
                    throw new UncheckedIOException(new IOException("broken pipe: no process holds the reading end"));
                }
                slept = !Posix.semWaitSlice(spaceBell, Posix.SLICE_NANOS);
            }
        } finally {
            INT.getAndAdd(mem, SPACE_WAITERS, -1);
        }
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads one message.
     *
     * @param deadline until when to wait for a message to start (a {@link Timeouts} deadline); once its first
     *        chunk is taken the rest is awaited without limit, as the writer is streaming it
     * @param maxLength the longest message accepted
     * @param watch checked while blocked ({@link Watch#peerGone()}: EOF once nothing is left)
     * @return the message, or null if none started before the deadline
     * @throws EOFError if nothing is left and the watch says the writing end is gone
     * @throws TooLong if the next message is longer than {@code maxLength} (the ring skips it)
     * @throws InterruptedError if interrupted (a half-read message is then lost)
     */
    public byte[] read(long deadline, int maxLength, Watch watch) {
        if (!lock(READ_OWNER, READ_WAITERS, readBell, deadline, watch)) {
            return null;
        }
        try {
            for (;;) {
                long head = nextMessage(deadline, watch);
                if (head < 0) {
                    return null;
                }
                int len = mem.get(ValueLayout.JAVA_INT, DATA + (head & mask));
                int kind = mem.get(ValueLayout.JAVA_INT, DATA + (head & mask) + 4);
                if (kind > maxLength) {
                    if (len < kind) {
                        LONG.setVolatile(mem, READER_REMAINING, (long) kind - len);
                        INT.setVolatile(mem, READER_IN_MESSAGE, 1);
                    }
                    free(head, len);
                    throw new TooLong(kind);
                }
                byte[] out = new byte[kind];
                if (readMessage(head, len, out, 0, kind, watch)) {
                    return out;
                }
            }
        } finally {
            unlock(READ_OWNER, READ_WAITERS, readBell);
        }
    }

    /** A message longer than the room the reader offered: read whole into an array of its own. */
    public static final class TooShort extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient byte[] message;

        TooShort(byte[] message) {
            super("message of " + message.length + " bytes", null, false, false);
            this.message = message;
        }

        /** @return the whole message */
        public byte[] message() {
            return message;
        }
    }

    /**
     * Reads one message into {@code buf} from {@code off}, copying it once, straight from the ring; one that
     * does not fit is read whole into an array of its own and handed over in {@link TooShort}. A message
     * lost half-way (its writer died, or this reader was interrupted) may have overwritten part of
     * {@code buf} from {@code off}.
     *
     * @param deadline until when to wait for a message to start (a {@link Timeouts} deadline)
     * @param buf where the message goes
     * @param off where in buf it starts
     * @param watch checked while blocked ({@link Watch#peerGone()}: EOF once nothing is left)
     * @return the message's length, or -1 if none started before the deadline
     * @throws TooShort if the message is longer than {@code buf.length - off}
     * @throws EOFError if nothing is left and the watch says the writing end is gone
     * @throws InterruptedError if interrupted (a half-read message is then lost)
     */
    public int readInto(long deadline, byte[] buf, int off, Watch watch) {
        if (off < 0 || off > buf.length) {
            throw new IndexOutOfBoundsException("offset " + off + " out of bounds for a buffer of " + buf.length);
        }
        if (!lock(READ_OWNER, READ_WAITERS, readBell, deadline, watch)) {
            return -1;
        }
        try {
            for (;;) {
                long head = nextMessage(deadline, watch);
                if (head < 0) {
                    return -1;
                }
                int len = mem.get(ValueLayout.JAVA_INT, DATA + (head & mask));
                int kind = mem.get(ValueLayout.JAVA_INT, DATA + (head & mask) + 4);
                boolean fits = kind <= buf.length - off;
                byte[] out = fits ? buf : new byte[kind];
                if (readMessage(head, len, out, fits ? off : 0, kind, watch)) {
                    if (!fits) {
                        throw new TooShort(out);
                    }
                    return kind;
                }
            }
        } finally {
            unlock(READ_OWNER, READ_WAITERS, readBell);
        }
    }

    /**
     * Caller holds the read lock: waits for the first record of the next message, first skipping what a
     * previous reader left of a message and any ABORT records.
     *
     * @return the record's position, or -1 if the deadline passed first
     */
    private long nextMessage(long deadline, Watch watch) {
        if ((int) INT.getVolatile(mem, READER_IN_MESSAGE) != 0 && !skipRest(deadline, watch)) {
            return -1;
        }
        for (;;) {
            long head = getLong(HEAD);
            if (!awaitData(head, deadline, watch, true)) {
                return -1;
            }
            int len = mem.get(ValueLayout.JAVA_INT, DATA + (head & mask));
            int kind = mem.get(ValueLayout.JAVA_INT, DATA + (head & mask) + 4);
            if (kind >= 0) {
                return head;
            }
            free(head, len); // an ABORT, or the tail of a message another reader gave up
        }
    }

    /** Takes a message of total bytes whose first record is at head into out at at; false if its writer aborted it. */
    private boolean readMessage(long head, int len, byte[] out, int at, int total, Watch watch) {
        copyOut(head, len, out, at);
        int got = len;
        if (got < total) {
            LONG.setVolatile(mem, READER_REMAINING, (long) total - got);
            INT.setVolatile(mem, READER_IN_MESSAGE, 1);
        }
        head = free(head, len);
        while (got < total) {
            awaitData(head, Timeouts.FOREVER, watch, false);
            len = mem.get(ValueLayout.JAVA_INT, DATA + (head & mask));
            int kind = mem.get(ValueLayout.JAVA_INT, DATA + (head & mask) + 4);
            if (kind != CONT) {
                INT.setVolatile(mem, READER_IN_MESSAGE, 0);
                if (kind == ABORT) {
                    free(head, len);
                }
                return false;
            }
            copyOut(head, len, out, at + got);
            got += len;
            LONG.setVolatile(mem, READER_REMAINING, (long) total - got);
            if (got == total) {
                INT.setVolatile(mem, READER_IN_MESSAGE, 0);
            }
            head = free(head, len);
        }
        return true;
    }

    /** Skips what a previous reader left of a message; false if the deadline passed first. */
    private boolean skipRest(long deadline, Watch watch) {
        long head = getLong(HEAD);
        while ((int) INT.getVolatile(mem, READER_IN_MESSAGE) != 0) {
            if (!awaitData(head, deadline, watch, false)) {
                return false;
            }
            int len = mem.get(ValueLayout.JAVA_INT, DATA + (head & mask));
            int kind = mem.get(ValueLayout.JAVA_INT, DATA + (head & mask) + 4);
            if (kind != CONT) {
                INT.setVolatile(mem, READER_IN_MESSAGE, 0);
                break;
            }
            long left = (long) LONG.getVolatile(mem, READER_REMAINING) - len;
            LONG.setVolatile(mem, READER_REMAINING, Math.max(0, left));
            if (left <= 0) {
                INT.setVolatile(mem, READER_IN_MESSAGE, 0);
            }
            head = free(head, len);
        }
        return true;
    }

    private void copyOut(long pos, int len, byte[] out, int at) {
        long p = (pos + 8) & mask;
        long first = Math.min(len, capacity - p);
        MemorySegment.copy(mem, ValueLayout.JAVA_BYTE, DATA + p, out, at, (int) first);
        if (first < len) {
            MemorySegment.copy(mem, ValueLayout.JAVA_BYTE, DATA, out, at + (int) first, (int) (len - first));
        }
    }

    private long free(long head, int len) {
        long next = head + 8 + align(len);
        LONG.setVolatile(mem, HEAD, next);
        if ((int) INT.getVolatile(mem, SPACE_WAITERS) > 0) {
            long target = getLong(SPACE_TARGET);
            if (next >= target && LONG.compareAndSet(mem, SPACE_TARGET, target, Long.MAX_VALUE)) {
                wake(SPACE_WAITERS, spaceBell);
            }
        }
        return next;
    }

    /**
     * Waits until a record follows {@code head}. On every wake-up it checks the watch, finishes a message a
     * dead or departed writer left open (ABORT), and, when allowed, reports EOF.
     */
    private boolean awaitData(long head, long deadline, Watch watch, boolean eofAllowed) {
        if (getLong(TAIL) != head) {
            return true;
        }
        for (int i = 0; i < SPINS; i++) {
            Thread.onSpinWait();
            if (getLong(TAIL) != head) {
                return true;
            }
        }
        long busyWait = Math.min(BUSY_PEER_WAIT_NANOS, Timeouts.remaining(deadline));
        if (busyWait > 0 && (int) INT.getVolatile(mem, WRITE_OWNER) != 0) {
            long until = System.nanoTime() + busyWait;
            do {
                Thread.yield();
                if (getLong(TAIL) != head) {
                    return true;
                }
            } while ((int) INT.getVolatile(mem, WRITE_OWNER) != 0 && System.nanoTime() - until < 0);
        }
        INT.getAndAdd(mem, DATA_WAITERS, 1);
        INT.getAndAdd(mem, DATA_EPOCH, 1);
        try {
            // the checks that read /proc (is the writer or the other end's holder alive?) are made only after
            // a slice passed without a post: a live peer posts, a dead one does not
            boolean thorough = false;
            for (;;) {
                if (getLong(TAIL) != head) {
                    return true;
                }
                watch.check();
                checkInterrupt();
                recoverWriter(thorough);
                if (getLong(TAIL) != head) {
                    return true;
                }
                if (eofAllowed && (thorough ? watch.peerGone() : watch.peerClosed())) {
                    if (getLong(TAIL) != head) {
                        return true;
                    }
                    throw new EOFError("the other end of the pipe is closed and nothing is left to read");
                }
                long left = Timeouts.remaining(deadline);
                if (left == 0) {
                    if (!thorough) {
                        thorough = true; // one full round of checks before giving up
                        continue;
                    }
                    return false;
                }
                thorough = !Posix.semWaitSlice(dataBell, Math.min(left, Posix.SLICE_NANOS));
            }
        } finally {
            INT.getAndAdd(mem, DATA_WAITERS, -1);
        }
    }

    /**
     * A reader with nothing to read closes a message whose writer died or gave up in the middle; whether the
     * writer is alive is asked only when {@code thorough}.
     */
    private void recoverWriter(boolean thorough) {
        if ((int) INT.getVolatile(mem, WRITER_IN_MESSAGE) == 0) {
            return;
        }
        int owner = (int) INT.getVolatile(mem, WRITE_OWNER);
        if (owner == Pids.SELF || (owner != 0 && (!thorough || Pids.alive(owner)))) {
            return;
        }
        if (INT.compareAndSet(mem, WRITE_OWNER, owner, Pids.SELF)) {
            try {
                abortUnfinished();
            } finally {
                unlock(WRITE_OWNER, WRITE_WAITERS, writeBell);
            }
        }
    }

    /**
     * Waits, without taking anything, until a record is there or the watch reports the writing end gone.
     *
     * @param deadline a {@link Timeouts} deadline
     * @param watch checked while waiting
     * @return whether something is to be read (or EOF is to be reported)
     */
    public boolean awaitReadable(long deadline, Watch watch) {
        try {
            return awaitData(getLong(HEAD), deadline, watch, true);
        } catch (EOFError eof) {
            return true;
        }
    }

    /** @return whether records are waiting to be read (approximate) */
    public boolean hasData() {
        return getLong(TAIL) != getLong(HEAD);
    }

    /** Wakes whoever waits for records (e.g. to notice EOF), and whoever waits for room. */
    public void wakeAll() {
        wake(DATA_WAITERS, dataBell);
        wake(SPACE_WAITERS, spaceBell);
    }

    // ---------------------------------------------------------------- locks

    private boolean lock(long ownerOff, long waitersOff, Posix.Sem bell, long deadline, Watch watch) {
        if (INT.compareAndSet(mem, ownerOff, 0, Pids.SELF)) {
            return true;
        }
        for (int i = 0; i < SPINS; i++) {
            Thread.onSpinWait();
            if ((int) INT.getVolatile(mem, ownerOff) == 0 && INT.compareAndSet(mem, ownerOff, 0, Pids.SELF)) {
                return true;
            }
        }
        INT.getAndAdd(mem, waitersOff, 1);
        try {
            boolean checkOwner = deadline != Timeouts.FOREVER && Timeouts.remaining(deadline) == 0;
            for (;;) {
                int owner = (int) INT.getVolatile(mem, ownerOff);
                if (owner == 0) {
                    if (INT.compareAndSet(mem, ownerOff, 0, Pids.SELF)) {
                        return true;
                    }
                    continue;
                }
                if (checkOwner && owner != Pids.SELF && !Pids.alive(owner)) {
                    if (INT.compareAndSet(mem, ownerOff, owner, Pids.SELF)) {
                        return true;
                    }
                    continue;
                }
                watch.check();
                checkInterrupt();
                long left = Timeouts.remaining(deadline);
                if (left == 0) {
                    return false;
                }
                checkOwner = !Posix.semWaitSlice(bell, Math.min(left, Posix.SLICE_NANOS));
            }
        } finally {
            INT.getAndAdd(mem, waitersOff, -1);
        }
    }

    private void unlock(long ownerOff, long waitersOff, Posix.Sem bell) {
        INT.setVolatile(mem, ownerOff, 0);
        if ((int) INT.getVolatile(mem, waitersOff) > 0) {
            Posix.semPost(bell);
        }
    }

    private void wake(long waitersOff, Posix.Sem bell) {
        int n = (int) INT.getVolatile(mem, waitersOff);
        for (int i = 0; i < n; i++) {
            Posix.semPost(bell);
        }
    }

    private static void checkInterrupt() {
        if (Thread.interrupted()) {
            throw InterruptedError.restore(null);
        }
    }

    private long getLong(long off) {
        return (long) LONG.getVolatile(mem, off);
    }

    private static long align(long n) {
        return (n + 7) & ~7L;
    }

    // ---------------------------------------------------------------- end tables

    /**
     * This process opened a handle on an end.
     *
     * @param end {@link #WRITING_END} or {@link #READING_END}
     */
    public void endOpened(int end) {
        withTable(end, t -> {
            long row = row(t, Pids.SELF, true);
            if (row >= 0) {
                INT.getAndAdd(mem, row + 4, 1);
            }
        });
    }

    /**
     * This process closed a handle on an end.
     *
     * @param end {@link #WRITING_END} or {@link #READING_END}
     */
    public void endClosed(int end) {
        withTable(end, t -> {
            long row = row(t, Pids.SELF, false);
            if (row >= 0 && (int) INT.getVolatile(mem, row + 4) > 0) {
                INT.getAndAdd(mem, row + 4, -1);
            }
        });
    }

    /**
     * This process serialized a handle on an end: the end counts as held (while this process lives) until
     * a receiver re-attaches it.
     *
     * @param end {@link #WRITING_END} or {@link #READING_END}
     */
    public void endSent(int end) {
        withTable(end, t -> {
            long row = row(t, Pids.SELF, true);
            if (row >= 0) {
                INT.getAndAdd(mem, row + 8, 1);
            }
        });
    }

    /**
     * This process re-attached a handle that process {@code from} serialized.
     *
     * @param end {@link #WRITING_END} or {@link #READING_END}
     * @param from the pid that serialized it
     */
    public void endReceived(int end, int from) {
        withTable(end, t -> {
            long sender = row(t, from, false);
            long row = row(t, Pids.SELF, true);
            if (row >= 0) {
                INT.getAndAdd(mem, row + 4, 1);
            }
            if (sender >= 0 && (int) INT.getVolatile(mem, sender + 8) > 0) {
                INT.getAndAdd(mem, sender + 8, -1);
            }
        });
    }

    /**
     * @param end {@link #WRITING_END} or {@link #READING_END}
     * @return whether a live process holds (or is passing on) a handle on that end
     */
    public boolean endHeld(int end) {
        return endHeld(end, true);
    }

    /**
     * @param end {@link #WRITING_END} or {@link #READING_END}
     * @param checkAlive whether a holder must also be alive (reads {@code /proc}); otherwise any process that
     *        counts a handle (open or being passed on) holds it
     * @return whether some process holds (or is passing on) a handle on that end
     */
    public boolean endHeld(int end, boolean checkAlive) {
        long t = TABLES + end * TABLE_SIZE;
        if ((int) INT.getVolatile(mem, t + 4) != 0) {
            return true; // too many processes to track: assume held
        }
        for (int i = 0; i < ROWS; i++) {
            long row = t + 16 + i * ROW;
            int pid = (int) INT.getVolatile(mem, row);
            if (pid != 0 && ((int) INT.getVolatile(mem, row + 4) > 0 || (int) INT.getVolatile(mem, row + 8) > 0)
                    && (!checkAlive || Pids.alive(pid))) {
                return true;
            }
        }
        return false;
    }

    /** Finds pid's row; with {@code claim}, takes a free or stale row for it. -1 if none. */
    private long row(long t, int pid, boolean claim) {
        long free = -1;
        for (int i = 0; i < ROWS; i++) {
            long row = t + 16 + i * ROW;
            int p = (int) INT.getVolatile(mem, row);
            if (p == pid) {
                return row;
            }
            if (free < 0 && claim && (p == 0 || ((int) INT.getVolatile(mem, row + 4) == 0
                    && (int) INT.getVolatile(mem, row + 8) == 0) || !Pids.alive(p))) {
                free = row;
            }
        }
        if (!claim) {
            return -1;
        }
        if (free < 0) {
            INT.setVolatile(mem, t + 4, 1);
            return -1;
        }
        INT.setVolatile(mem, free + 4, 0);
        INT.setVolatile(mem, free + 8, 0);
        INT.setVolatile(mem, free, pid);
        return free;
    }

    private interface TableOp {
        void apply(long table);
    }

    /** Runs op under the table's spin lock (taken over from a dead owner; held for microseconds). */
    private void withTable(int end, TableOp op) {
        if (end != WRITING_END && end != READING_END) {
            throw new IllegalArgumentException("no end " + end);
        }
        long t = TABLES + end * TABLE_SIZE;
        for (int spins = 0; ; spins++) {
            int owner = (int) INT.getVolatile(mem, t);
            if (owner == 0 ? INT.compareAndSet(mem, t, 0, Pids.SELF)
                    : (spins % 1000 == 999 && owner != Pids.SELF && !Pids.alive(owner)
                    && INT.compareAndSet(mem, t, owner, Pids.SELF))) {
                break;
            }
            Thread.yield();
        }
        try {
            op.apply(t);
        } finally {
            INT.setVolatile(mem, t, 0);
        }
    }
}
