package dev.mp4j.internal.ring;

import static dev.mp4j.internal.ring.RingDescriptor.ABORT;
import static dev.mp4j.internal.ring.RingDescriptor.CAPACITY;
import static dev.mp4j.internal.ring.RingDescriptor.CONT;
import static dev.mp4j.internal.ring.RingDescriptor.DATA;
import static dev.mp4j.internal.ring.RingDescriptor.DATA_EPOCH;
import static dev.mp4j.internal.ring.RingDescriptor.DATA_WAITERS;
import static dev.mp4j.internal.ring.RingDescriptor.HEAD;
import static dev.mp4j.internal.ring.RingDescriptor.READER_IN_MESSAGE;
import static dev.mp4j.internal.ring.RingDescriptor.READER_REMAINING;
import static dev.mp4j.internal.ring.RingDescriptor.READ_OWNER;
import static dev.mp4j.internal.ring.RingDescriptor.READ_WAITERS;
import static dev.mp4j.internal.ring.RingDescriptor.RECORD_HEADER;
import static dev.mp4j.internal.ring.RingDescriptor.SPACE_TARGET;
import static dev.mp4j.internal.ring.RingDescriptor.SPACE_WAITERS;
import static dev.mp4j.internal.ring.RingDescriptor.TAIL;
import static dev.mp4j.internal.ring.RingDescriptor.WRITER_IN_MESSAGE;
import static dev.mp4j.internal.ring.RingDescriptor.WRITE_OWNER;
import static dev.mp4j.internal.ring.RingDescriptor.WRITE_WAITERS;
import static dev.mp4j.internal.shm.Words.addInt;
import static dev.mp4j.internal.shm.Words.casInt;
import static dev.mp4j.internal.shm.Words.casLong;
import static dev.mp4j.internal.shm.Words.getInt;
import static dev.mp4j.internal.shm.Words.getLong;
import static dev.mp4j.internal.ring.RingDescriptor.putRecordHeader;
import static dev.mp4j.internal.ring.RingDescriptor.record;
import static dev.mp4j.internal.ring.RingDescriptor.recordKind;
import static dev.mp4j.internal.ring.RingDescriptor.recordLength;
import static dev.mp4j.internal.ring.RingDescriptor.recordSize;
import static dev.mp4j.internal.shm.Words.setInt;
import static dev.mp4j.internal.shm.Words.setLong;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.ffm.Posix;
import dev.mp4j.internal.shm.Segment;
import dev.mp4j.internal.shm.Words;
import dev.mp4j.internal.tracker.ResourceTracker;
import dev.mp4j.internal.util.CpuCrowd;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.multiprocessing.EOFError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A bounded byte ring in a shared-memory {@link Segment} that carries length-framed messages between
 * processes, any number of writers and readers. Writers take the write lock for a whole message, readers
 * the read lock, so messages never interleave; a message longer than half the ring is streamed through it
 * in chunks of at most {@link #STREAM_CHUNK} bytes while the reader drains it. The segment's layout — the
 * header's fields, the records, the two end tables — is drawn in {@link RingDescriptor}; the locks are
 * {@link PidLock}s, the tables of the processes holding each end of a pipe {@link EndTable}s.
 *
 * <h2>Records</h2>
 * A message is one or more records: the first says the message's size in its KIND, the others are CONT.
 * A message is complete when its chunks' lengths add up to its size. The writer copies a record's bytes
 * first, then publishes it by a volatile store of {@code TAIL}; the reader copies it out, then frees it by
 * a volatile store of {@code HEAD}. Bells are POSIX semaphores that a storer posts when the matching
 * waiter count is non-zero; waiters wait in slices of {@link Posix#SLICE_NANOS} and re-check everything
 * after each slice, so a lost or spare post costs at most one slice, never correctness. What needs
 * {@code /proc} (is a lock's owner, an unfinished message's writer, the other end's holder alive?) is
 * asked only after a slice passed without a post, since a live peer posts and a dead one cannot.
 *
 * <pre>
 *   writer: write lock → [ABORT a dead writer's unfinished message] → per chunk: await space → copy in
 *           → publish (TAIL; post readers asleep once per DATA_EPOCH) → unlock
 *   reader: read lock → [skip what a dead reader left] → await data → copy out → free (HEAD; post a writer
 *           waiting for room once SPACE_TARGET is reached) → ... until the message is whole → unlock
 * </pre>
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
 * JVM never takes a lock over from itself. An owner is recorded with its start time, so a process that got a
 * dead owner's pid is not taken for the owner; each takeover is logged at WARNING ({@link PidLock}).
 */
public final class Ring implements AutoCloseable {
    /** The data area a queue or pipe gets unless told otherwise. */
    public static final int DEFAULT_CAPACITY = 256 * 1024;
    /** The table of the processes holding the end that writes into the ring. */
    public static final int WRITING_END = 0;
    /** The table of the processes holding the end that reads from the ring. */
    public static final int READING_END = 1;
    /** How many ints the {@code USER} area holds. */
    public static final int USER_INTS = RingDescriptor.USER_INTS;

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
    /** The segment as a byte buffer: the header's fields ({@link Words}) and the records' headers. */
    private final ByteBuffer view;
    private final long capacity;
    private final long mask;
    private final Posix.Sem writeBell;
    private final Posix.Sem readBell;
    private final Posix.Sem dataBell;
    private final Posix.Sem spaceBell;
    private final PidLock writeLock;
    private final PidLock readLock;
    private final EndTable writingEnd;
    private final EndTable readingEnd;
    /** Guarded by the write lock: the {@code DATA_EPOCH} whose sleepers this JVM posted last (see publish). */
    private long postedEpoch = Long.MIN_VALUE;
    /**
     * Whether this JVM's reader spins for data before it sleeps: used without a lock by whichever thread
     * waits (a lost update only moves a probe).
     */
    private final CpuCrowd.SpinGate spinGate = new CpuCrowd.SpinGate();

    private Ring(Segment segment, List<Posix.Sem> sems) {
        this.segment = segment;
        this.mem = segment.memory();
        this.view = Words.view(mem);
        this.capacity = getLong(view, CAPACITY);
        this.mask = capacity - 1;
        this.writeBell = sems.get(0);
        this.readBell = sems.get(1);
        this.dataBell = sems.get(2);
        this.spaceBell = sems.get(3);
        String name = segment.name();
        this.writeLock = new PidLock(view, WRITE_OWNER, RingDescriptor.WRITE_OWNER_START, WRITE_WAITERS, writeBell,
                "the write lock of ring ".concat(name), new Recovered(view, true));
        this.readLock = new PidLock(view, READ_OWNER, RingDescriptor.READ_OWNER_START, READ_WAITERS, readBell,
                "the read lock of ring ".concat(name), new Recovered(view, false));
        this.writingEnd = new EndTable(view, RingDescriptor.table(WRITING_END));
        this.readingEnd = new EndTable(view, RingDescriptor.table(READING_END));
    }

    /**
     * What a lock's recovery from a dead owner says: a named class, not two lambdas (and no + concat), which a
     * fresh JVM would spin and link on its first queue.
     */
    private static final class Recovered implements IntFunction<String> {
        private final ByteBuffer view;
        private final boolean writer;

        Recovered(ByteBuffer view, boolean writer) {
            this.view = view;
            this.writer = writer;
        }

        @Override
        public String apply(int dead) {
            if (writer) {
                return getInt(view, WRITER_IN_MESSAGE) != 0
                        ? "its unfinished message is closed with an ABORT record" : "no message was in progress";
            }
            return getInt(view, READER_IN_MESSAGE) != 0
                    ? "the rest of the message it was reading is skipped" : "no message was being read";
        }
    }

    private static final String[] BELLS = {"w", "r", "d", "s"};

    /**
     * @param ringName a ring's (segment's) name
     * @param suffix a short suffix
     * @return the name of a semaphore that belongs to the ring
     */
    public static String semName(String ringName, String suffix) {
        // a StringBuilder, not +: javac's indy concat links each call site at its first run, a fresh JVM's first queue
        return new StringBuilder(ringName.length() + suffix.length() + 2).append('/').append(ringName).append('-')
                .append(suffix).toString();
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
        // the tracker starts while this JVM prepares (the layouts' var handles, the semaphores' classes); the
        // segment and the semaphores are made only once it runs (Segment#create)
        ResourceTracker.startInBackground();
        prepare();
        Segment seg = Segment.create(null, RingDescriptor.segmentSize(capacity));
        List<Posix.Sem> sems = new ArrayList<>();
        try {
            RingDescriptor.format(Words.view(seg.memory()), capacity);
            for (String n : semNames(seg.name())) {
                sems.add(Posix.semCreate(n, 0));
                ResourceTracker.register(ResourceTracker.Kind.SEM, n);
            }
            bootstrapCopyForms(seg.memory());
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

    /** Whether {@link #prepare} has run in this JVM. */
    private static volatile boolean prepared;

    /**
     * Loads and initializes what making a ring uses once its segment exists — the word views' var handles (by
     * formatting a scratch header), the semaphore files' check and handle class, the locks', end tables' and spin
     * gate's classes — and makes no name: a fresh JVM's first ring does this while the resource tracker starts,
     * which it must wait for before it makes a name (Segment#create), instead of after.
     */
    private static void prepare() {
        if (prepared) {
            return;
        }
        prepared = true;
        ByteBuffer scratch = Words.view(java.lang.foreign.Arena.ofAuto().allocate(RingDescriptor.DATA));
        RingDescriptor.format(scratch, DEFAULT_CAPACITY);
        casInt(scratch, WRITE_OWNER, 0, 0);
        casLong(scratch, HEAD, 0, 0);
        Posix.prepareCreate();
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            lookup.ensureInitialized(PidLock.class);
            lookup.ensureInitialized(EndTable.class);
            lookup.ensureInitialized(Recovered.class);
            lookup.ensureInitialized(CopyForms.class);
            lookup.ensureInitialized(CpuCrowd.SpinGate.class);
        } catch (IllegalAccessException e) {
            throw new AssertionError("the ring's own classes are accessible to it", e);
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
            if (!RingDescriptor.isRing(Words.view(seg.memory()))) {
                throw new UncheckedIOException(new IOException("shared memory '" + name + "' is not an mp4j ring"));
            }
            for (String n : semNames(name)) {
                sems.add(Posix.semAttach(n));
            }
            bootstrapCopyForms(seg.memory());
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

    /**
     * Closes this process's semaphore handles and mapping. No thread may be using the ring (but the empty copies
     * of {@link #bootstrapCopyForms}'s thread, which closing makes fail, as that thread expects).
     */
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
        return getInt(view, RingDescriptor.user(i));
    }

    /**
     * @param i an index below {@link #USER_INTS}
     * @param delta what to add
     * @return the value before
     */
    public int userAdd(int i, int delta) {
        return addInt(view, RingDescriptor.user(i), delta);
    }

    /**
     * @param i an index below {@link #USER_INTS}
     * @param expect the expected value
     * @param update the new value
     * @return whether it was set
     */
    public boolean userCas(int i, int expect, int update) {
        return casInt(view, RingDescriptor.user(i), expect, update);
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
        writeLock.lock(Timeouts.FOREVER, watch);
        try {
            abortUnfinished();
            writeLocked(b, off, len, watch);
        } finally {
            writeLock.unlock();
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
        writeLock.lock(Timeouts.FOREVER, watch);
        try {
            abortUnfinished();
            for (byte[] m : messages) {
                writeLocked(m, 0, m.length, watch);
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Caller holds the write lock: one message, in as many chunks as it takes. */
    private void writeLocked(byte[] b, int off, int len, Watch watch) {
        long tail = getLong(view, TAIL);
        int sent = 0;
        boolean first = true;
        do {
            int left = len - sent;
            long most = len <= capacity / 2 ? capacity / 2 : Math.min(STREAM_CHUNK, capacity / 4);
            long need = recordSize(Math.min(left, most));
            long free = awaitSpace(tail, need, watch);
            int chunk = (int) Math.min(left, Math.min(free - RECORD_HEADER, most));
            putRecord(tail, chunk, first ? len : CONT, b, off + sent);
            if (first && chunk < len) {
                setInt(view, WRITER_IN_MESSAGE, 1);
            }
            tail += recordSize(chunk);
            publish(tail);
            sent += chunk;
            first = false;
        } while (sent < len);
        if (getInt(view, WRITER_IN_MESSAGE) != 0) {
            setInt(view, WRITER_IN_MESSAGE, 0);
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
        if (len > capacity / 2 || !writeLock.tryLock()) {
            return false;
        }
        try {
            if (getInt(view, WRITER_IN_MESSAGE) != 0) {
                return false;
            }
            long tail = getLong(view, TAIL);
            if (capacity - (tail - getLong(view, HEAD)) < recordSize(len)) {
                return false;
            }
            putRecord(tail, len, len, b, off);
            publish(tail + recordSize(len));
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    private void putRecord(long pos, int len, int kind, byte[] b, int off) {
        if (len > 0) {
            long p = (pos + RECORD_HEADER) & mask;
            long first = Math.min(len, capacity - p);
            MemorySegment.copy(b, off, mem, ValueLayout.JAVA_BYTE, DATA + p, (int) first);
            if (first < len) {
                MemorySegment.copy(b, off + (int) first, mem, ValueLayout.JAVA_BYTE, DATA, (int) (len - first));
            }
        }
        putRecordHeader(view, record(pos, mask), len, kind);
    }

    /**
     * Caller holds the write lock: makes records up to {@code tail} visible and posts the readers asleep,
     * unless no reader began to wait since the last post. Every wait for records bumps {@code DATA_EPOCH}
     * before it looks at {@code TAIL} a last time, so a writer that sees no new epoch after storing
     * {@code TAIL} knows each sleeper either sees that store or was posted after an earlier one, which
     * already ends its wait. A burst of records thus costs one post, not one per record.
     */
    private void publish(long tail) {
        setLong(view, TAIL, tail);
        int n = getInt(view, DATA_WAITERS);
        if (n > 0) {
            int epoch = getInt(view, DATA_EPOCH);
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
        if (getInt(view, WRITER_IN_MESSAGE) == 0) {
            return;
        }
        long tail = getLong(view, TAIL);
        awaitSpace(tail, RECORD_HEADER, NONE);
        putRecord(tail, 0, ABORT, null, 0);
        setInt(view, WRITER_IN_MESSAGE, 0);
        publish(tail + RECORD_HEADER);
    }

    /** Caller holds the write lock. Returns the free bytes, at least {@code need}. */
    private long awaitSpace(long tail, long need, Watch watch) {
        long free = capacity - (tail - getLong(view, HEAD));
        return free >= need ? free : waitForSpace(tail, need, watch, free);
    }

    /**
     * The wait of {@link #awaitSpace}, a method of its own: most writes find room at once, and the JIT then
     * compiles their check without the semaphore's native call.
     */
    private long waitForSpace(long tail, long need, Watch watch, long free) {
        for (int i = 0; free < need && i < SPINS; i++) {
            Thread.onSpinWait();
            free = capacity - (tail - getLong(view, HEAD));
        }
        if (free < need && readLock.owner() != 0) {
            long until = System.nanoTime() + BUSY_PEER_WAIT_NANOS;
            do {
                Thread.yield();
                free = capacity - (tail - getLong(view, HEAD));
            } while (free < need && readLock.owner() != 0 && System.nanoTime() - until < 0);
        }
        if (free >= need) {
            return free;
        }
        // be posted once a quarter of the ring is free (or all of need), not for every record a reader frees;
        // the reader that reaches the target takes it away (posts once), so it is set again before each sleep
        long target = tail - capacity + Math.max(need, capacity / 4);
        addInt(view, SPACE_WAITERS, 1);
        try {
            boolean slept = false;
            for (;;) {
                setLong(view, SPACE_TARGET, target);
                free = capacity - (tail - getLong(view, HEAD));
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
            addInt(view, SPACE_WAITERS, -1);
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
        if (!readLock.lock(deadline, watch)) {
            return null;
        }
        try {
            for (;;) {
                long head = nextMessage(deadline, watch);
                if (head < 0) {
                    return null;
                }
                int len = recordLength(view, record(head, mask));
                int kind = recordKind(view, record(head, mask));
                if (kind > maxLength) {
                    if (len < kind) {
                        setLong(view, READER_REMAINING, (long) kind - len);
                        setInt(view, READER_IN_MESSAGE, 1);
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
            readLock.unlock();
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
        if (!readLock.lock(deadline, watch)) {
            return -1;
        }
        try {
            for (;;) {
                long head = nextMessage(deadline, watch);
                if (head < 0) {
                    return -1;
                }
                int len = recordLength(view, record(head, mask));
                int kind = recordKind(view, record(head, mask));
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
            readLock.unlock();
        }
    }

    /**
     * Caller holds the read lock: waits for the first record of the next message, first skipping what a
     * previous reader left of a message and any ABORT records.
     *
     * @return the record's position, or -1 if the deadline passed first
     */
    private long nextMessage(long deadline, Watch watch) {
        if (getInt(view, READER_IN_MESSAGE) != 0 && !skipRest(deadline, watch)) {
            return -1;
        }
        for (;;) {
            long head = getLong(view, HEAD);
            if (!awaitData(head, deadline, watch, true)) {
                return -1;
            }
            int len = recordLength(view, record(head, mask));
            int kind = recordKind(view, record(head, mask));
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
            setLong(view, READER_REMAINING, (long) total - got);
            setInt(view, READER_IN_MESSAGE, 1);
        }
        head = free(head, len);
        while (got < total) {
            awaitData(head, Timeouts.FOREVER, watch, false);
            len = recordLength(view, record(head, mask));
            int kind = recordKind(view, record(head, mask));
            if (kind != CONT) {
                setInt(view, READER_IN_MESSAGE, 0);
                if (kind == ABORT) {
                    free(head, len);
                }
                return false;
            }
            copyOut(head, len, out, at + got);
            got += len;
            setLong(view, READER_REMAINING, (long) total - got);
            if (got == total) {
                setInt(view, READER_IN_MESSAGE, 0);
            }
            head = free(head, len);
        }
        return true;
    }

    /** Skips what a previous reader left of a message; false if the deadline passed first. */
    private boolean skipRest(long deadline, Watch watch) {
        long head = getLong(view, HEAD);
        while (getInt(view, READER_IN_MESSAGE) != 0) {
            if (!awaitData(head, deadline, watch, false)) {
                return false;
            }
            int len = recordLength(view, record(head, mask));
            int kind = recordKind(view, record(head, mask));
            if (kind != CONT) {
                setInt(view, READER_IN_MESSAGE, 0);
                break;
            }
            long left = getLong(view, READER_REMAINING) - len;
            setLong(view, READER_REMAINING, Math.max(0, left));
            if (left <= 0) {
                setInt(view, READER_IN_MESSAGE, 0);
            }
            head = free(head, len);
        }
        return true;
    }

    private void copyOut(long pos, int len, byte[] out, int at) {
        long p = (pos + RECORD_HEADER) & mask;
        long first = Math.min(len, capacity - p);
        MemorySegment.copy(mem, ValueLayout.JAVA_BYTE, DATA + p, out, at, (int) first);
        if (first < len) {
            MemorySegment.copy(mem, ValueLayout.JAVA_BYTE, DATA, out, at + (int) first, (int) (len - first));
        }
    }

    private static boolean copyFormsStarted; // guarded by Ring.class

    /**
     * Bootstraps, on a daemon thread, the type switch with which the array forms of {@code MemorySegment.copy}
     * (the ring's copies) look the array's kind up: its bootstrap spins a class through the class-file API at its
     * first run, 5-15 ms of a fresh JVM's first put or get here, which a ring made or attached now no longer
     * waits for. Measured against the alternatives (interleaved fresh JVMs, load 2-7): copying segment to segment
     * (through a heap segment of the array) cost queue-small's steady state 5-8 %; doing so only until the switch
     * was bootstrapped, or for a JVM's first 64 copies, cost the first passes of queue-small and pipe ping-pong
     * 8-17 % (the new build slower in 5 or 6 of 6 pairs: the ring's methods compiled twice).
     *
     * <p>The thread's copies are empty and use the ring's own segment, not a heap segment: the copies' code is the
     * JDK's, shared by every caller, and its type profile is what the JIT inlines the ring's copies by, which a
     * heap segment there gives a second kind of segment. With a heap segment, queue-small's second pass ran 707k msgs/s against the
     * code before's 884k (medians of 20 interleaved fresh JVMs, load ~2, faster in 7); with the ring's own, 619k
     * against 609k (16 pairs, faster in 7: level), its steady state 3.13M against 2.62M (faster in 9).
     *
     * @param mem the ring's segment
     */
    private static void bootstrapCopyForms(MemorySegment mem) {
        synchronized (Ring.class) {
            if (copyFormsStarted) {
                return;
            }
            copyFormsStarted = true;
        }
        try {
            new CopyForms(mem).start(); // not assigned to a Thread: the verifier would load CopyForms in every JVM
        } catch (OutOfMemoryError noThread) {
            // the first copy bootstraps it
        }
    }

    /** The thread of {@link #bootstrapCopyForms}. */
    private static final class CopyForms extends Thread {
        private final MemorySegment mem;

        CopyForms(MemorySegment mem) {
            super("mp4j-ring-copy-forms");
            setDaemon(true);
            this.mem = mem;
        }

        @Override
        public void run() {
            try {
                byte[] none = new byte[0];
                MemorySegment.copy(none, 0, mem, ValueLayout.JAVA_BYTE, DATA, 0);
                MemorySegment.copy(mem, ValueLayout.JAVA_BYTE, DATA, none, 0, 0);
            } catch (Throwable e) { // not to the user's stderr through the thread's handler: it has nothing else to do
                // the ring closed meanwhile (IllegalStateException), or the JVM is short of memory or stack: the
                // first copy bootstraps it and reports what fails
            }
        }
    }

    private long free(long head, int len) {
        long next = head + recordSize(len);
        setLong(view, HEAD, next);
        if (getInt(view, SPACE_WAITERS) > 0) {
            long target = getLong(view, SPACE_TARGET);
            if (next >= target && casLong(view, SPACE_TARGET, target, Long.MAX_VALUE)) {
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
        return spinForData(head) || sleepForData(head, deadline, watch, eofAllowed);
    }

    /**
     * The spin of {@link #awaitData}, a method of its own: it is what the JIT compiles first (its loop is
     * hot at once), and compiled alone it is small, where compiled with the rest it took the semaphore's
     * native call along, several times over as the rest warmed up.
     *
     * <p>A reader whose last spin found nothing does not spin while other threads wait for a CPU
     * ({@link CpuCrowd.SpinGate}; the writer may be one of them), but on a probe.
     *
     * @return whether a record follows {@code head} within {@link #SPINS} spins
     */
    private boolean spinForData(long head) {
        if (getLong(view, TAIL) != head) {
            return true;
        }
        if (spinGate.skip()) {
            return false;
        }
        for (int i = 0; i < SPINS; i++) {
            Thread.onSpinWait();
            if (getLong(view, TAIL) != head) {
                spinGate.spun(true);
                return true;
            }
        }
        spinGate.spun(false);
        return false;
    }

    /** The rest of {@link #awaitData}: a yielding wait while the writer is busy, then sleeps on the bell. */
    private boolean sleepForData(long head, long deadline, Watch watch, boolean eofAllowed) {
        long busyWait = Math.min(BUSY_PEER_WAIT_NANOS, Timeouts.remaining(deadline));
        if (busyWait > 0 && writeLock.owner() != 0) {
            long until = System.nanoTime() + busyWait;
            do {
                Thread.yield();
                if (getLong(view, TAIL) != head) {
                    return true;
                }
            } while (writeLock.owner() != 0 && System.nanoTime() - until < 0);
        }
        addInt(view, DATA_WAITERS, 1);
        addInt(view, DATA_EPOCH, 1);
        try {
            // the checks that read /proc (is the writer or the other end's holder alive?) are made only after
            // a slice passed without a post: a live peer posts, a dead one does not
            boolean thorough = false;
            for (;;) {
                if (getLong(view, TAIL) != head) {
                    return true;
                }
                watch.check();
                checkInterrupt();
                recoverWriter(thorough);
                if (getLong(view, TAIL) != head) {
                    return true;
                }
                if (eofAllowed && (thorough ? watch.peerGone() : watch.peerClosed())) {
                    if (getLong(view, TAIL) != head) {
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
            addInt(view, DATA_WAITERS, -1);
        }
    }

    /**
     * A reader with nothing to read closes a message whose writer died or gave up in the middle; whether the
     * writer is alive is asked only when {@code thorough}.
     */
    private void recoverWriter(boolean thorough) {
        if (getInt(view, WRITER_IN_MESSAGE) == 0) {
            return;
        }
        int owner = writeLock.owner();
        if (owner == Pids.SELF || (owner != 0 && (!thorough || writeLock.ownerAlive(owner)))) {
            return;
        }
        if (writeLock.takeOver(owner)) {
            try {
                abortUnfinished();
            } finally {
                writeLock.unlock();
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
            return awaitData(getLong(view, HEAD), deadline, watch, true);
        } catch (EOFError eof) {
            return true;
        }
    }

    /** @return whether records are waiting to be read (approximate) */
    public boolean hasData() {
        return getLong(view, TAIL) != getLong(view, HEAD);
    }

    /** Wakes whoever waits for records (e.g. to notice EOF), and whoever waits for room. */
    public void wakeAll() {
        wake(DATA_WAITERS, dataBell);
        wake(SPACE_WAITERS, spaceBell);
    }

    // ---------------------------------------------------------------- bells

    private void wake(long waitersOff, Posix.Sem bell) {
        int n = getInt(view, waitersOff);
        for (int i = 0; i < n; i++) {
            Posix.semPost(bell);
        }
    }

    /** Throws {@link InterruptedError}, the interrupt restored, if the thread was interrupted. */
    static void checkInterrupt() {
        if (Thread.interrupted()) {
            throw InterruptedError.restore(null);
        }
    }

    // ---------------------------------------------------------------- end tables

    /**
     * This process opened a handle on an end.
     *
     * @param end {@link #WRITING_END} or {@link #READING_END}
     */
    public void endOpened(int end) {
        endTable(end).opened();
    }

    /**
     * This process closed a handle on an end.
     *
     * @param end {@link #WRITING_END} or {@link #READING_END}
     */
    public void endClosed(int end) {
        endTable(end).closed();
    }

    /**
     * This process serialized a handle on an end: the end counts as held (while this process lives) until
     * a receiver re-attaches it.
     *
     * @param end {@link #WRITING_END} or {@link #READING_END}
     */
    public void endSent(int end) {
        endTable(end).sent();
    }

    /**
     * This process re-attached a handle that process {@code from} serialized.
     *
     * @param end {@link #WRITING_END} or {@link #READING_END}
     * @param from the pid that serialized it
     */
    public void endReceived(int end, int from) {
        endTable(end).received(from);
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
        return endTable(end).held(checkAlive);
    }

    private EndTable endTable(int end) {
        return switch (end) {
            case WRITING_END -> writingEnd;
            case READING_END -> readingEnd;
            default -> throw new IllegalArgumentException("no end " + end);
        };
    }
}
