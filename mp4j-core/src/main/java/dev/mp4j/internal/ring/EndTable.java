package dev.mp4j.internal.ring;

import static dev.mp4j.internal.ring.RingDescriptor.TABLE_SIZE;
import static dev.mp4j.internal.shm.Words.addInt;
import static dev.mp4j.internal.shm.Words.casInt;
import static dev.mp4j.internal.shm.Words.getInt;
import static dev.mp4j.internal.shm.Words.setInt;

import java.nio.ByteBuffer;

/**
 * Which processes hold one end of a pipe built on a {@link Ring} (the writing or the reading end), so that
 * the other side can tell EOF or a broken pipe from a slow peer. One table of {@link RingDescriptor#TABLE_SIZE}
 * bytes per end, offsets from the table's start:
 * <pre>
 *    +0  int  LOCK      pid holding the table's spin lock, 0 when free (held for microseconds)
 *    +4  int  OVERFLOW  1 once the table ran out of rows: the end then counts as held for good
 *   +16  {@link #ROWS} rows of 16 bytes:
 *          +0   int  PID      the process, 0 for a row never used
 *          +4   int  OPENS    its open handles on the end
 *          +8   int  PENDING  its handles serialized and not yet re-attached by a receiver
 *          +12  int  unused
 * </pre>
 * Every change is made under the lock. A row whose counts are both 0, or whose process is dead, is free to
 * claim: a killed holder's row stops counting as soon as its pid is seen dead. A process killed while it
 * holds the lock leaves its pid there; the next process that spins on it long enough checks that pid and
 * takes the lock over from it.
 */
final class EndTable {
    private static final long LOCK = 0;
    private static final long OVERFLOW = 4;
    private static final long ROWS_AT = 16;
    private static final long ROW_SIZE = 16;
    private static final long PID = 0;
    private static final long OPENS = 4;
    private static final long PENDING = 8;
    /** The rows a table holds. */
    static final int ROWS = (int) ((TABLE_SIZE - ROWS_AT) / ROW_SIZE);

    private final ByteBuffer buf;
    private final long table;

    /**
     * @param buf a view of the ring's segment
     * @param table the table's offset in it ({@link RingDescriptor#table})
     */
    EndTable(ByteBuffer buf, long table) {
        this.buf = buf;
        this.table = table;
    }

    /** This process opened a handle on the end. */
    void opened() {
        locked(() -> add(row(Pids.SELF, true), OPENS, 1));
    }

    /** This process closed a handle on the end. */
    void closed() {
        locked(() -> add(row(Pids.SELF, false), OPENS, -1));
    }

    /** This process serialized a handle on the end. */
    void sent() {
        locked(() -> add(row(Pids.SELF, true), PENDING, 1));
    }

    /**
     * This process re-attached a handle that process {@code from} serialized.
     *
     * @param from the pid that serialized it
     */
    void received(int from) {
        locked(() -> {
            long sender = row(from, false);
            add(row(Pids.SELF, true), OPENS, 1);
            add(sender, PENDING, -1);
        });
    }

    /**
     * Reads the table without its lock.
     *
     * @param checkAlive whether a holder must also be alive (reads {@code /proc})
     * @return whether some process holds (or is passing on) a handle on the end
     */
    boolean held(boolean checkAlive) {
        if (getInt(buf, table + OVERFLOW) != 0) {
            return true; // too many processes to track: assume held
        }
        for (int i = 0; i < ROWS; i++) {
            long row = rowAt(i);
            int pid = getInt(buf, row + PID);
            if (pid != 0 && (getInt(buf, row + OPENS) > 0 || getInt(buf, row + PENDING) > 0)
                    && (!checkAlive || Pids.alive(pid))) {
                return true;
            }
        }
        return false;
    }

    private long rowAt(int i) {
        return table + ROWS_AT + i * ROW_SIZE;
    }

    /** Finds pid's row; with {@code claim}, takes a free or stale row for it. -1 if none. Caller holds the lock. */
    private long row(int pid, boolean claim) {
        long free = -1;
        for (int i = 0; i < ROWS; i++) {
            long row = rowAt(i);
            int p = getInt(buf, row + PID);
            if (p == pid) {
                return row;
            }
            if (free < 0 && claim && (p == 0 || (getInt(buf, row + OPENS) == 0
                    && getInt(buf, row + PENDING) == 0) || !Pids.alive(p))) {
                free = row;
            }
        }
        if (!claim) {
            return -1;
        }
        if (free < 0) {
            setInt(buf, table + OVERFLOW, 1);
            return -1;
        }
        setInt(buf, free + OPENS, 0);
        setInt(buf, free + PENDING, 0);
        setInt(buf, free + PID, pid);
        return free;
    }

    /** Adds delta to a field of a row (none: -1), never taking it below zero. Caller holds the lock. */
    private void add(long row, long field, int delta) {
        if (row >= 0 && (delta > 0 || getInt(buf, row + field) > 0)) {
            addInt(buf, row + field, delta);
        }
    }

    /** Runs op under the table's spin lock. */
    private void locked(Runnable op) {
        lock();
        try {
            op.run();
        } finally {
            unlock();
        }
    }

    /** Takes the spin lock (taken over from a dead owner; held for microseconds). */
    private void lock() {
        for (int spins = 0; ; spins++) {
            int owner = getInt(buf, table + LOCK);
            if (owner == 0 ? casInt(buf, table + LOCK, 0, Pids.SELF)
                    : (spins % 1000 == 999 && owner != Pids.SELF && !Pids.alive(owner)
                    && casInt(buf, table + LOCK, owner, Pids.SELF))) {
                return;
            }
            Thread.yield();
        }
    }

    private void unlock() {
        setInt(buf, table + LOCK, 0);
    }
}
