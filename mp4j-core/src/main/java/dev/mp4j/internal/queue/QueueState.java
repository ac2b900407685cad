package dev.mp4j.internal.queue;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.ffm.Posix;
import dev.mp4j.internal.ring.Ring;
import dev.mp4j.internal.util.LazyLogger;
import dev.mp4j.internal.util.Timeouts;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One JVM's attachment of a {@code Queue} or {@code JoinableQueue}: the ring, the semaphores, the local
 * buffer and the feeder thread. It is also the cleaning action run when the handle becomes unreachable, so
 * it never refers to the handle.
 *
 * <p>Shared state, in the ring's user area: {@code ITEMS} (items put, buffered ones included, and not yet
 * taken: qsize), {@code UNFINISHED} (joinable: put and not yet marked done), {@code JOIN_WAITERS}. A
 * bounded queue also has the semaphore {@code -q} of free slots (put takes one, get gives it back), a
 * joinable one the bell {@code -j} that the task bringing UNFINISHED to 0 posts once per waiter.
 *
 * <p>Local state, guarded by {@code lock}: {@code buffer} (items this JVM put and the feeder has not
 * written yet, held as the objects themselves, as Python's feeder holds references: an item changed after
 * {@code put} may be sent as it is when the feeder serializes it), {@code busy} (the feeder is writing an item), {@code closed} (no more puts here),
 * {@code feeder} (started on the first put that cannot go straight into the ring, ends when closed and
 * flushed). A put writes straight into the ring when that needs no waiting and nothing of this JVM is
 * buffered or being written — items of one JVM stay in order. The feeder writes what is buffered in
 * batches, each under one taking of the ring's write lock. Feeder: IDLE -> WRITING -> IDLE ...,
 * and after close: flushes, then DONE.
 */
final class QueueState extends Attachment {
    static final int ITEMS = 0;
    static final int UNFINISHED = 1;
    static final int JOIN_WAITERS = 2;
    /** The most items the feeder writes under one taking of the ring's write lock (other JVMs wait meanwhile). */
    private static final int BATCH = 256;
    /**
     * The feeder writes what it has serialized once it holds this many bytes (or has serialized what it
     * took): a quarter of a default ring, so a reader has work while the next batch is serialized.
     */
    private static final int FLUSH_BYTES = Ring.DEFAULT_CAPACITY / 4;
    /** Stands for a null item in the buffer. */
    private static final Object NULL = new Object();
    private static final System.Logger LOG = LazyLogger.of("dev.mp4j.multiprocessing.Queue");

    final Ring ring;
    final Posix.Sem slots;
    final Posix.Sem joinBell;
    final int maxsize;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Items put and not yet handed to the ring: the items themselves ({@link #NULL} for null), or an {@link Encoded}. */
    private final ArrayDeque<Object> buffer = new ArrayDeque<>();
    private boolean busy;
    private boolean closed;
    private boolean joinCancelled;
    private Thread feeder;

    /** An item serialized by its put, which found the ring without room for it. */
    private record Encoded(byte[] bytes) {}

    QueueState(Ring ring, Posix.Sem slots, Posix.Sem joinBell, int maxsize, Lifecycle.Group group) {
        super("Queue is closed", group);
        this.ring = ring;
        this.slots = slots;
        this.joinBell = joinBell;
        this.maxsize = maxsize;
    }

    List<String> names() {
        List<String> n = new ArrayList<>();
        n.add(ring.name());
        n.addAll(Ring.semNames(ring.name()));
        if (slots != null) {
            n.add(slots.name());
        }
        if (joinBell != null) {
            n.add(joinBell.name());
        }
        return n;
    }

    /** Waits for a free slot of a bounded queue. */
    boolean takeSlot(long deadline) {
        if (Posix.semTryWait(slots)) {
            return true;
        }
        for (;;) {
            if (Thread.interrupted()) {
                throw InterruptedError.restore(null);
            }
            watch.check();
            long left = Timeouts.remaining(deadline);
            if (left == 0) {
                return false;
            }
            if (Posix.semWaitSlice(slots, Math.min(left, Posix.SLICE_NANOS))) {
                return true;
            }
        }
    }

    /**
     * Hands an item to the ring. When nothing of this JVM is buffered or being written, it is serialized
     * here and written at once if that needs no waiting; otherwise the item itself is buffered and the
     * feeder serializes it when its turn comes, so a JVM holds at most one serialized item that is not in
     * the ring yet (a batch of small ones), not one per item put. An item that fails to serialize is
     * dropped: its counts are taken back and the error logged (Python's feeder prints it).
     */
    void offer(Object item) {
        lock.lock();
        try {
            if (closed) {
                throw closedError();
            }
            if (buffer.isEmpty() && !busy) {
                byte[] bytes = encode(item);
                if (bytes == null || ring.tryWrite(bytes, 0, bytes.length)) {
                    return;
                }
                buffer.add(new Encoded(bytes));
            } else {
                buffer.add(item == null ? NULL : item);
            }
            if (feeder == null) {
                enter();
                // a named class and concat, not a method reference and +: nothing spun or linked on a fresh JVM's first wait
                feeder = Thread.ofPlatform().daemon().name("mp4j-queue-feeder-".concat(ring.name()))
                        .unstarted(new Feed(this));
                if (!joinCancelled) {
                    Lifecycle.feederStarted(this);
                }
                feeder.start();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** @return the item serialized, or null when it cannot be (then dropped: uncounted, the error logged) */
    private byte[] encode(Object item) {
        if (item instanceof Encoded e) {
            return e.bytes;
        }
        try {
            return Items.encode(item == NULL ? null : item, "item");
        } catch (RuntimeException e) {
            uncount();
            LOG.log(System.Logger.Level.ERROR, "queue feeder dropped an item that could not be serialized", e);
            return null;
        }
    }

    /** An item was taken from the ring: one item less, one free slot more. */
    void taken() {
        ring.userAdd(ITEMS, -1);
        if (slots != null) {
            Posix.semPost(slots);
        }
    }

    /** Takes back the counts of an item put and not written: a put that failed, or an item dropped. */
    void uncount() {
        taken(); // as if it had been written and read: qsize and the free slots first
        if (joinBell != null && ring.userAdd(UNFINISHED, -1) == 1) {
            ringJoinBell();
        }
    }

    /** Wakes every {@code join()} waiting: the unfinished count reached 0. */
    void ringJoinBell() {
        int waiters = ring.userGet(JOIN_WAITERS);
        for (int i = 0; i < waiters; i++) {
            Posix.semPost(joinBell);
        }
    }

    /** The feeder thread's body. */
    private static final class Feed implements Runnable {
        private final QueueState state;

        Feed(QueueState state) {
            this.state = state;
        }

        @Override
        public void run() {
            state.feed();
        }
    }

    private void feed() {
        try {
            List<Object> taken = new ArrayList<>();
            List<byte[]> batch = new ArrayList<>();
            for (;;) {
                lock.lock();
                try {
                    while (buffer.isEmpty() && !closed) {
                        changed.awaitUninterruptibly();
                    }
                    if (buffer.isEmpty()) {
                        return;
                    }
                    while (!buffer.isEmpty() && taken.size() < BATCH) {
                        taken.add(buffer.poll());
                    }
                    busy = true;
                } finally {
                    lock.unlock();
                }
                try {
                    // serialized one by one, and written under one taking of the ring's write lock per
                    // FLUSH_BYTES: what this JVM holds serialized stays small whatever the items' sizes
                    long bytes = 0;
                    for (int i = 0; i < taken.size(); i++) {
                        byte[] b = encode(taken.get(i));
                        taken.set(i, null);
                        if (b != null) {
                            batch.add(b);
                            bytes += b.length;
                        }
                        if (bytes >= FLUSH_BYTES || (i == taken.size() - 1 && !batch.isEmpty())) {
                            ring.writeAll(batch, Ring.NONE);
                            batch.clear();
                            bytes = 0;
                        }
                    }
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "queue feeder thread could not write an item", e);
                } finally {
                    taken.clear();
                    batch.clear();
                }
                lock.lock();
                try {
                    busy = false;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } finally {
            Lifecycle.feederDone(this);
            exit();
        }
    }

    /** No more puts from this JVM; the feeder flushes and ends; the mapping goes once nobody uses it. */
    @Override
    void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        super.close();
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    void joinThread() {
        Thread t;
        lock.lock();
        try {
            if (!closed) {
                throw new IllegalStateException("joinThread() is for a closed queue: call close() first");
            }
            if (joinCancelled) {
                return;
            }
            t = feeder;
        } finally {
            lock.unlock();
        }
        if (t != null) {
            try {
                t.join();
            } catch (InterruptedException e) {
                throw InterruptedError.restore(e);
            }
        }
    }

    void cancelJoinThread() {
        lock.lock();
        try {
            joinCancelled = true;
        } finally {
            lock.unlock();
        }
        Lifecycle.feederDone(this);
    }

    /** At JVM exit: close and wait for the feeder, unless the join was cancelled. */
    void flushAtExit() {
        Thread t;
        lock.lock();
        try {
            if (joinCancelled) {
                return;
            }
            t = feeder;
        } finally {
            lock.unlock();
        }
        close();
        if (t != null) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    void release() {
        ring.close();
        if (slots != null) {
            Posix.semClose(slots);
        }
        if (joinBell != null) {
            Posix.semClose(joinBell);
        }
    }
}
