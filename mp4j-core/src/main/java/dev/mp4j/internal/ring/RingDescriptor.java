package dev.mp4j.internal.ring;

import dev.mp4j.internal.shm.Words;

import java.nio.ByteBuffer;

/**
 * The layout of a {@link Ring}'s segment: its header's fields, its two {@link EndTable}s and its data area of
 * records, with the accessors of the records; {@link Ring}, {@link PidLock} and {@link EndTable} read and write
 * the header's fields by {@link Words}, through a byte buffer view of the segment. All
 * offsets in bytes from the start of the segment; the writers' and the readers' fields live on separate cache
 * lines. Positions ({@code TAIL}, {@code HEAD}) count bytes since the ring was made and never wrap; a
 * position's place in the data area is {@code position & (capacity - 1)}.
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
 *   96  int   WRITE_OWNER_START   the write lock's owner's start time (see {@link PidLock}), 0 when free
 *  128  long  HEAD                start of the unread records; only the read-lock holder stores it
 *  136  int   READ_OWNER          pid holding the read lock, 0 when free
 *  140  int   READ_WAITERS        waiting for the read lock (bell: sem "-r")
 *  144  int   DATA_WAITERS        waiting for records (bell: sem "-d")
 *  148  int   READER_IN_MESSAGE   1 while a reader has taken some chunks of a message but not all
 *  152  long  READER_REMAINING    bytes of that message not yet taken
 *  160  int   DATA_EPOCH          bumped by every wait for records (so writers post once per sleep)
 *  164  int   READ_OWNER_START    the read lock's owner's start time, 0 when free
 *  192  int[16] USER              for the structure built on the ring (a queue's counters)
 *  256  END TABLE 0 (1024 bytes)  the processes holding the writing end (pipes); see {@link EndTable}
 * 1280  END TABLE 1 (1024 bytes)  the processes holding the reading end (pipes)
 * 4096  DATA (CAPACITY bytes)     records
 * </pre>
 * Every record starts at a multiple of 8 with an 8-byte header, the header never wraps, the payload may:
 * <pre>
 *   +0  int  LENGTH   payload bytes in this record (padded to a multiple of 8 in the ring)
 *   +4  int  KIND     &gt;= 0: first chunk of a message of KIND bytes; {@link #CONT} (-1): next chunk;
 *                     {@link #ABORT} (-2): the message was given up
 *   +8  LENGTH bytes of payload
 * </pre>
 * A segment is made zero-filled, then CAPACITY, VERSION and MAGIC are stored, MAGIC last: a process that
 * attaches and finds MAGIC and VERSION has the whole header. Every access to a header field is volatile; a
 * record's header and payload are plain, published and freed by the volatile stores of TAIL and HEAD.
 */
public final class RingDescriptor {
    static final int MAGIC_VALUE = 0x6d70346a;
    static final int VERSION_VALUE = 3;

    static final long MAGIC = 0;
    static final long VERSION = 4;
    static final long CAPACITY = 8;
    static final long TAIL = 64;
    static final long WRITE_OWNER = 72;
    static final long WRITE_WAITERS = 76;
    static final long SPACE_WAITERS = 80;
    static final long WRITER_IN_MESSAGE = 84;
    static final long SPACE_TARGET = 88;
    static final long WRITE_OWNER_START = 96;
    static final long HEAD = 128;
    static final long READ_OWNER = 136;
    static final long READ_WAITERS = 140;
    static final long DATA_WAITERS = 144;
    static final long READER_IN_MESSAGE = 148;
    static final long READER_REMAINING = 152;
    static final long DATA_EPOCH = 160;
    static final long READ_OWNER_START = 164;
    static final long USER = 192;
    /** How many ints the {@code USER} area holds. */
    static final int USER_INTS = 16;
    static final long TABLES = 256;
    static final long TABLE_SIZE = 1024;
    static final long DATA = 4096;

    /** A record's header: LENGTH, then KIND. */
    static final int RECORD_HEADER = 8;
    private static final long RECORD_LENGTH = 0;
    private static final long RECORD_KIND = 4;
    /** KIND of a message's second and later chunks. */
    static final int CONT = -1;
    /** KIND of the record that closes a message its writer gave up. */
    static final int ABORT = -2;

    private RingDescriptor() {}

    /** @return the segment's size for a data area of {@code capacity} bytes */
    static long segmentSize(long capacity) {
        return DATA + capacity;
    }

    /** Stores a new ring's CAPACITY, VERSION and, last, MAGIC. */
    static void format(ByteBuffer m, long capacity) {
        Words.setLong(m, CAPACITY, capacity);
        Words.setInt(m, VERSION, VERSION_VALUE);
        Words.setInt(m, MAGIC, MAGIC_VALUE);
    }

    /** @return whether the segment holds a ring of this layout */
    static boolean isRing(ByteBuffer m) {
        return Words.getInt(m, MAGIC) == MAGIC_VALUE && Words.getInt(m, VERSION) == VERSION_VALUE;
    }

    /**
     * @param i an index below {@link #USER_INTS}
     * @return the offset of the user int
     */
    static long user(int i) {
        if (i < 0 || i >= USER_INTS) {
            throw new IndexOutOfBoundsException(i);
        }
        return USER + 4L * i;
    }

    /**
     * @param end {@link Ring#WRITING_END} or {@link Ring#READING_END}
     * @return the offset of that end's table
     */
    static long table(int end) {
        return TABLES + end * TABLE_SIZE;
    }

    // ------------------------------------------------------------------------------ records (plain)

    /**
     * @param position a position in the ring (TAIL or HEAD, or between)
     * @param mask the capacity less one
     * @return the offset of the record there
     */
    static long record(long position, long mask) {
        return DATA + (position & mask);
    }

    static int recordLength(ByteBuffer m, long record) {
        return m.getInt((int) (record + RECORD_LENGTH));
    }

    static int recordKind(ByteBuffer m, long record) {
        return m.getInt((int) (record + RECORD_KIND));
    }

    static void putRecordHeader(ByteBuffer m, long record, int length, int kind) {
        m.putInt((int) (record + RECORD_LENGTH), length);
        m.putInt((int) (record + RECORD_KIND), kind);
    }

    /** @return the room a record of {@code length} payload bytes takes in the ring */
    static long recordSize(long length) {
        return RECORD_HEADER + align(length);
    }

    /** @return n rounded up to a multiple of 8 */
    static long align(long n) {
        return (n + 7) & ~7L;
    }
}
