package dev.mp4j.internal.sync;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.ffm.Posix;
import dev.mp4j.internal.ring.Pids;
import dev.mp4j.internal.shm.Segment;
import dev.mp4j.internal.shm.Words;
import dev.mp4j.internal.threads.AbstractCondition;
import dev.mp4j.internal.threads.OwnershipLock;
import dev.mp4j.threading.Condition;
import dev.mp4j.threading.Lock;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A cross-process {@link Condition} over a {@link ProcessLock} or {@link ProcessRLock}. Waiters queue in a
 * table of slots in shared memory, each slot with its own named semaphore to be woken by, so that
 * {@code signal(n)} wakes exactly the {@code n} longest-waiting live waiters, whatever processes they are in.
 *
 * <p>Segment layout (offsets in bytes):
 * <pre>
 *   0   long nextTicket   the next waiter's ticket; tickets order the waiters (FIFO)
 *   8   int  highWater    slots ever used: signal scans [0, highWater), cleanup unlinks their semaphores
 *   16  int  user[0..11]  words for the primitives built on the condition (Event's flag, Barrier's state)
 *   64  slot[0..1023]     16 bytes each: int state, int pid (the waiter's process), long ticket
 * </pre>
 * A slot moves {@code FREE -> CLAIMED -> WAITING} when a waiter takes it (holding the lock), then
 * {@code WAITING -> SIGNALLED} (by a signaller holding the lock, who then posts the slot's semaphore) or
 * {@code WAITING -> LEAVING} (by the waiter itself on timeout or interrupt), each by compare-and-set, so a
 * signal is never spent on a waiter that has given up; a signalled waiter moves its slot to {@code LEAVING}
 * when it wakes. A waiter frees its {@code LEAVING} slot once it holds the lock again, so that every waiter
 * that left the lock to wait is in the table until it holds the lock again. Slot {@code i}'s semaphore is {@code /<segment>.s<i>}, made
 * by the first process that waits in that slot. A semaphore post is only a hint to look at the slot again; the
 * slot's state is the truth, so a stray token costs one extra look.
 *
 * <p>A waiter whose process dies: its slot keeps the dead pid. A signaller marks a waiting slot whose process
 * is dead {@code DEAD} and skips it, so {@code signal(n)} still wakes {@code n} live waiters (a dead process
 * whose pid was reused at once is taken for alive, and takes one signal, as before); a waiter that finds the
 * table full frees every slot of a dead process; {@link #reapDead()} frees them on demand (a barrier counts
 * them as parties that died). The condition's lock is its user's: a {@link ProcessLock} or
 * {@link ProcessRLock} keeps Python's rule (a holder's death leaves it held), an {@link InternalLock} (inside
 * an Event or Barrier) is taken over from a dead holder.
 */
public final class ProcessCondition extends AbstractCondition<Integer> implements Serializable, SyncHandle {
    @Serial
    private static final long serialVersionUID = 1L;
    static final long NEXT_TICKET = 0;
    static final long HIGH_WATER = 8;
    private static final long USER = 16;
    private static final long TABLE = 64;
    private static final int SLOTS = 1024;
    private static final int SLOT_BITS = 11;
    private static final long SLOT_SIZE = 16;
    private static final int FREE = 0;
    private static final int WAITING = 1;
    private static final int SIGNALLED = 2;
    private static final int CLAIMED = 3;
    private static final int LEAVING = 4;
    private static final int DEAD = 5;

    private final transient String shm;
    private final transient ByteBuffer state;
    private final transient Posix.Sem[] slots; // opened here, lazily; guarded by itself
    private final transient Handles.Resources resources;

    private ProcessCondition(Lock lock, Segment segment, boolean creator) {
        super(lock, (OwnershipLock) lock);
        this.shm = segment.name();
        this.state = Words.view(segment.memory());
        this.slots = new Posix.Sem[SLOTS];
        this.resources = Handles.track(this, creator, shm, null, segment, slots);
    }

    /**
     * @param lock a lock made by a multiprocessing context
     * @return a new condition, its names owned by this JVM
     * @throws IllegalArgumentException if {@code lock} is not a cross-process lock
     */
    static ProcessCondition create(Lock lock) {
        if (!(lock instanceof ProcessLock || lock instanceof ProcessRLock || lock instanceof InternalLock)) {
            throw new IllegalArgumentException("a cross-process condition needs a lock made by a multiprocessing "
                    + "context (lock() or rlock()), not " + lock);
        }
        Segment segment = Segment.create(null, TABLE + SLOTS * SLOT_SIZE);
        ProcessCondition c = new ProcessCondition(lock, segment, true);
        Handles.remember(segment.name(), c);
        return c;
    }

    private static ProcessCondition attach(Lock lock, String shm) {
        return Handles.canonical(shm, ProcessCondition.class, () -> new ProcessCondition(lock, Segment.attach(shm), false));
    }

    /** Signals the {@code n} live waiters with the lowest tickets, each by its slot's semaphore. */
    @Override
    protected void wake(int n) {
        try {
            int used = Math.min(SLOTS, Words.getInt(state, HIGH_WATER));
            long[] keys = new long[used];
            int k = 0;
            for (int i = 0; i < used; i++) {
                if (slotState(i) == WAITING) {
                    keys[k++] = Words.getLong(state, slotAt(i) + 8) << SLOT_BITS | i;
                }
            }
            Arrays.sort(keys, 0, k);
            for (int j = 0; j < k && n > 0; j++) {
                int i = (int) (keys[j] & ((1 << SLOT_BITS) - 1));
                if (!waiterAlive(i)) {
                    Words.casInt(state, slotAt(i), WAITING, DEAD);
                    continue;
                }
                if (Words.casInt(state, slotAt(i), WAITING, SIGNALLED)) {
                    Posix.semPost(slotSem(i));
                    n--;
                }
            }
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    protected Integer enqueue() {
        return claim();
    }

    @Override
    protected void dequeue(Integer slot) {
        Words.setInt(state, slotAt(slot), FREE);
    }

    /**
     * Waits on the slot's semaphore until the slot is signalled, or the deadline or an interrupt makes the
     * waiter give up (unless a signal came first); the slot is left {@code LEAVING}, for {@link #restored}.
     */
    @Override
    protected Woken waitFor(Integer slot, long deadline) {
        Posix.Sem wake = slotSem(slot);
        while (slotState(slot) != SIGNALLED) {
            boolean interrupted = false;
            boolean gaveUp;
            try {
                gaveUp = !Waiting.acquire(wake, deadline);
            } catch (InterruptedError e) {
                Thread.interrupted();
                interrupted = true;
                gaveUp = true;
            }
            if (gaveUp) {
                if (Words.casInt(state, slotAt(slot), WAITING, LEAVING)) {
                    return interrupted ? Woken.INTERRUPTED : Woken.TIMED_OUT;
                }
                if (interrupted) {
                    Thread.currentThread().interrupt(); // signalled meanwhile: keep the flag, take the signal
                }
                break;
            }
        }
        Words.setInt(state, slotAt(slot), LEAVING);
        return Woken.SIGNALLED;
    }

    /** A waiter holds the lock again: its slot, {@code LEAVING} since it stopped waiting, is free. */
    @Override
    protected void restored(Integer slot) {
        Words.casInt(state, slotAt(slot), LEAVING, FREE);
    }

    /** @return whether the process of the waiter in slot {@code i} runs */
    private boolean waiterAlive(int i) {
        int pid = Words.getInt(state, slotAt(i) + 4);
        return pid == Pids.SELF || Pids.alive(pid);
    }

    /**
     * Frees the slots of waiters whose processes died: waiting, signalled or leaving (woken, not yet holding
     * the lock again). The caller holds the lock.
     *
     * @return how many were freed
     */
    int reapDead() {
        try {
            int used = Math.min(SLOTS, Words.getInt(state, HIGH_WATER));
            int freed = 0;
            for (int i = 0; i < used; i++) {
                int s = slotState(i);
                if (s != FREE && !waiterAlive(i) && Words.casInt(state, slotAt(i), s, FREE)) {
                    freed++;
                }
            }
            return freed;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** Takes a free slot for the calling waiter (which holds the lock) and gives it the next ticket. */
    private int claim() {
        int slot = tryClaim();
        if (slot < 0 && reapDead() > 0) {
            slot = tryClaim();
        }
        if (slot < 0) {
            throw new IllegalStateException("more than " + SLOTS + " threads wait on " + this);
        }
        return slot;
    }

    /** @return the slot claimed, or -1 when none is free */
    private int tryClaim() {
        for (int i = 0; i < SLOTS; i++) {
            if (slotState(i) == FREE && Words.casInt(state, slotAt(i), FREE, CLAIMED)) {
                Words.setInt(state, slotAt(i) + 4, Pids.SELF);
                Words.setLong(state, slotAt(i) + 8, Words.addLong(state, NEXT_TICKET, 1L));
                while (true) {
                    int hw = Words.getInt(state, HIGH_WATER);
                    if (hw > i || Words.casInt(state, HIGH_WATER, hw, i + 1)) {
                        break;
                    }
                }
                try {
                    slotSem(i);
                } catch (RuntimeException e) {
                    Words.setInt(state, slotAt(i), FREE);
                    throw e;
                }
                Words.setInt(state, slotAt(i), WAITING);
                return i;
            }
        }
        return -1;
    }

    /** @return slot {@code i}'s semaphore, opened in this process (made if no process has made it yet) */
    private Posix.Sem slotSem(int i) {
        synchronized (slots) {
            Posix.Sem s = slots[i];
            if (s == null) {
                String name = Handles.slotName(shm, i);
                try {
                    s = Posix.semAttach(name);
                } catch (UncheckedIOException missing) {
                    try {
                        s = Handles.createSem(name, 0);
                    } catch (UncheckedIOException raced) {
                        s = Posix.semAttach(name); // another process made it meanwhile
                    }
                }
                slots[i] = s;
            }
            return s;
        }
    }

    private static long slotAt(int i) {
        return TABLE + i * SLOT_SIZE;
    }

    private int slotState(int i) {
        return Words.getInt(state, slotAt(i));
    }

    /** @return user word {@code i} (0 to 11), read with volatile semantics */
    int word(int i) {
        return Words.getInt(state, USER + 4L * i);
    }

    /** Sets user word {@code i} (0 to 11) with volatile semantics. */
    void setWord(int i, int value) {
        Words.setInt(state, USER + 4L * i, value);
    }

    @Override
    public int waiting() {
        int used = Math.min(SLOTS, Words.getInt(state, HIGH_WATER));
        int n = 0;
        for (int i = 0; i < used; i++) {
            if (slotState(i) == WAITING) {
                n++;
            }
        }
        return n;
    }

    @Override
    public List<Handles.Resources> resources() {
        return List.of(resources);
    }

    /** @return this condition's named objects and its lock's, for the primitives that made their lock */
    List<Handles.Resources> resourcesWithLock() {
        List<Handles.Resources> all = new ArrayList<>(resources());
        all.addAll(((SyncHandle) lock()).resources());
        return all;
    }

    @Serial
    private Object writeReplace() {
        return new Form((Serializable) lock(), shm);
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("a ProcessCondition travels as its lock and name");
    }

    /**
     * The serialized form: the lock (itself a handle) and the segment's name. A class, not a record: a fresh JVM
     * deserializing a record builds method handles for its constructor first.
     */
    private static final class Form implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        private final Serializable lock;
        private final String shm;

        Form(Serializable lock, String shm) {
            this.lock = lock;
            this.shm = shm;
        }

        @Serial
        private Object readResolve() {
            return attach((Lock) lock, shm);
        }
    }
}
