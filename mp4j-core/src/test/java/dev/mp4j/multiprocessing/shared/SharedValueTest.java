package dev.mp4j.multiprocessing.shared;

import dev.mp4j.internal.shared.SharedObjects;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.SharedDouble;
import dev.mp4j.multiprocessing.SharedInt;
import dev.mp4j.multiprocessing.SharedLong;
import dev.mp4j.multiprocessing.SharedMemory;
import dev.mp4j.threading.Guard;
import dev.mp4j.threading.RLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CPython's _TestValue, and the atomic updates of SharedInt, SharedLong and SharedDouble. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedValueTest {
    private final Shm shm = new Shm();

    @AfterEach
    void release() {
        shm.releaseAll();
    }

    @Test
    void initialValuesAndSet() {
        SharedInt i = shm.track(Multiprocessing.sharedInt(4343));
        SharedLong q = shm.track(Multiprocessing.sharedLong(1L << 33));
        SharedDouble d = shm.track(Multiprocessing.sharedDouble(3.625));
        assertEquals(4343, i.get());
        assertEquals(1L << 33, q.get());
        assertEquals(3.625, d.get());
        i.set(-232);
        q.set(Long.MIN_VALUE);
        d.set(-4.25);
        assertEquals(-232, i.get());
        assertEquals(Long.MIN_VALUE, q.get());
        assertEquals(-4.25, d.get());
        assertEquals("SharedInt(-232)", i.toString());
    }

    /** test_value: values a child sets are what the parent reads afterwards. */
    @Test
    void childChangesAreSeenByTheParent() {
        SharedInt i = shm.track(Multiprocessing.sharedInt(4343));
        SharedLong q = shm.track(Multiprocessing.sharedLong(1L << 33));
        SharedDouble d = shm.track(Multiprocessing.sharedDouble(3.625));
        Shm.inChild(() -> {
            if (i.get() != 4343 || q.get() != 1L << 33 || d.get() != 3.625) {
                throw new AssertionError("the child sees " + i + " " + q + " " + d);
            }
            i.set(24234);
            q.set(1L << 34);
            d.set(-4.25);
        });
        assertEquals(24234, i.get());
        assertEquals(1L << 34, q.get());
        assertEquals(-4.25, d.get());
    }

    @Test
    void getAndAddAndCompareAndSet() {
        SharedInt i = shm.track(Multiprocessing.sharedInt(5));
        assertEquals(5, i.getAndAdd(3));
        assertEquals(8, i.get());
        assertEquals(8, i.getAndAdd(-10));
        assertEquals(-2, i.get());
        assertFalse(i.compareAndSet(5, 6));
        assertEquals(-2, i.get());
        assertTrue(i.compareAndSet(-2, 7));
        assertEquals(7, i.get());
        i.set(Integer.MAX_VALUE);
        assertEquals(Integer.MAX_VALUE, i.getAndAdd(1));
        assertEquals(Integer.MIN_VALUE, i.get(), "wraps like int arithmetic");

        SharedLong q = shm.track(Multiprocessing.sharedLong(0));
        assertEquals(0, q.getAndAdd(1L << 40));
        assertEquals(1L << 40, q.get());
        assertFalse(q.compareAndSet(0, 1));
        assertTrue(q.compareAndSet(1L << 40, 42));
        assertEquals(42, q.get());
    }

    @Test
    void doubleCompareAndSetComparesLikeDoubleEquals() {
        SharedDouble d = shm.track(Multiprocessing.sharedDouble(0.0));
        assertFalse(d.compareAndSet(-0.0, 1.0), "0.0 and -0.0 differ");
        assertTrue(d.compareAndSet(0.0, -0.0));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(d.get()));
        assertFalse(d.compareAndSet(0.0, 1.0));
        assertTrue(d.compareAndSet(-0.0, Double.NaN));
        double otherNaN = Double.longBitsToDouble(0x7ff8_0000_0000_0001L);
        assertTrue(Double.isNaN(otherNaN));
        assertTrue(d.compareAndSet(otherNaN, 2.5), "every NaN equals every NaN, as Double.equals");
        assertEquals(2.5, d.get());
    }

    /** A copy received in the same JVM maps the same memory. */
    @Test
    void aReceivedCopySharesTheMemory() {
        SharedLong q = shm.track(Multiprocessing.sharedLong(1));
        SharedLong copy = Shm.roundTrip(q);
        assertEquals(SharedObjects.nameOf(q), SharedObjects.nameOf(copy));
        copy.set(99);
        assertEquals(99, q.get());
        assertEquals(99, copy.getAndAdd(1));
        assertEquals(100, q.get());
        assertNotSame(q, copy);
        SharedObjects.release(copy);
        assertTrue(Shm.exists(SharedObjects.nameOf(q)), "a received copy never unlinks");
        SharedObjects.release(q);
        assertFalse(Shm.exists(SharedObjects.nameOf(q)));
        copy.set(7);
        assertEquals(7, q.get(), "unlinking leaves the mappings valid");
    }

    /**
     * Two children race on the same values, each adding 1 N times: getAndAdd on a long, compareAndSet
     * loops on an int and a double. Every increment counts.
     */
    @Test
    void atomicUpdatesRaceAcrossProcesses() {
        int n = 10_000;
        SharedInt ready = shm.track(Multiprocessing.sharedInt(0));
        SharedLong added = shm.track(Multiprocessing.sharedLong(0));
        SharedInt casInt = shm.track(Multiprocessing.sharedInt(0));
        SharedDouble casDouble = shm.track(Multiprocessing.sharedDouble(0.0));
        Process[] ps = new Process[2];
        for (int k = 0; k < ps.length; k++) {
            ps[k] = new Process(() -> {
                // Start together, so that the loops overlap although the JVMs start one after the other.
                ready.getAndAdd(1);
                while (ready.get() < 2) {
                    Thread.onSpinWait();
                }
                for (int j = 0; j < n; j++) {
                    added.getAndAdd(1);
                    int v;
                    do {
                        v = casInt.get();
                    } while (!casInt.compareAndSet(v, v + 1));
                    double d;
                    do {
                        d = casDouble.get();
                    } while (!casDouble.compareAndSet(d, d + 1));
                }
            });
            ps[k].start();
        }
        for (Process p : ps) {
            Shm.join(p);
        }
        assertEquals(2L * n, added.get());
        assertEquals(2 * n, casInt.get());
        assertEquals(2.0 * n, casDouble.get());
    }

    /** The compound update of the docs: value += 1 under get_lock(), from two processes. */
    @Test
    void lockGuardsCompoundUpdatesAcrossProcesses() {
        int n = 2_000;
        SharedInt counter = shm.track(Multiprocessing.sharedInt(0));
        RLock lock = counter.lock();
        assertSame(lock, counter.lock());
        Process[] ps = new Process[2];
        for (int k = 0; k < ps.length; k++) {
            ps[k] = new Process(() -> {
                for (int j = 0; j < n; j++) {
                    try (Guard _ = counter.lock().enter()) {
                        counter.set(counter.get() + 1);
                    }
                }
            });
            ps[k].start();
        }
        for (int j = 0; j < n; j++) {
            try (Guard _ = lock.enter()) {
                try (Guard _ = lock.enter()) { // reentrant
                    counter.set(counter.get() + 1);
                }
            }
        }
        for (Process p : ps) {
            Shm.join(p);
        }
        assertEquals(3 * n, counter.get());
    }

    /** The creator unlinks the name once its handle is unreachable. */
    @Test
    void theNameIsUnlinkedWhenTheCreatorsHandleIsCollected() {
        String[] name = new String[1];
        WeakReference<Object> ref = makeAndDrop(name);
        assertTrue(Shm.exists(name[0]));
        assertTrue(SharedObjects.owns(name[0]));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!SharedObjects.awaitReleased(name[0], Duration.ofMillis(50))) {
            assertTrue(System.nanoTime() < deadline, "the handle was never collected");
            System.gc();
        }
        assertFalse(Shm.exists(name[0]), "/dev/shm/" + name[0] + " is still there");
        assertTrue(ref.refersTo(null));
    }

    /** A JVM that ends unlinks the names it still owns, though its handles were never collected. */
    @Test
    void aChildUnlinksWhatItMadeWhenItEnds() {
        try (SharedMemory box = SharedMemory.create(null, 64)) {
            try {
                Shm.inChild(() -> {
                    SharedLong kept = Multiprocessing.sharedLong(5);
                    byte[] name = SharedObjects.nameOf(kept).getBytes(StandardCharsets.US_ASCII);
                    MemorySegment out = box.segment();
                    out.set(ValueLayout.JAVA_INT, 0, name.length);
                    MemorySegment.copy(name, 0, out, ValueLayout.JAVA_BYTE, 4, name.length);
                    KEEP.add(kept); // reachable until the JVM exits
                });
                MemorySegment in = box.segment();
                int len = in.get(ValueLayout.JAVA_INT, 0);
                String name = new String(in.asSlice(4, len).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
                assertTrue(name.startsWith("mp4j-"), name);
                assertFalse(Shm.exists(name), "/dev/shm/" + name + " outlived the child that made it");
            } finally {
                box.unlink();
            }
        }
    }

    /** Holds what a child must keep reachable to its end. */
    private static final List<Object> KEEP = new CopyOnWriteArrayList<>();

    private static WeakReference<Object> makeAndDrop(String[] name) {
        SharedInt v = Multiprocessing.sharedInt(1);
        name[0] = SharedObjects.nameOf(v);
        return new WeakReference<>(v);
    }
}
