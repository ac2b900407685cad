package dev.mp4j.multiprocessing.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.internal.sync.ProcessSync;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.Condition;
import dev.mp4j.threading.Event;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.RLock;
import dev.mp4j.threading.Semaphore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.ref.PhantomReference;
import java.lang.ref.ReferenceQueue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The named objects behind the primitives: they exist while a primitive is alive, travel as names, and are
 * gone from {@code /dev/shm} after the primitive is destroyed or becomes unreachable in the process that made
 * it; a process that received one does not remove them.
 */
@Timeout(60)
class SyncResourcesTest {
    private static final Path SHM = Path.of("/dev/shm");

    private static List<String> present(List<String> names) {
        List<String> there = new ArrayList<>();
        for (String n : names) {
            if (Files.exists(SHM.resolve(n))) {
                there.add(n);
            }
        }
        return there;
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T o) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    @Test
    void destroyRemovesEveryName() {
        Lock lock = Multiprocessing.lock();
        RLock rlock = Multiprocessing.rlock();
        Condition cond = Multiprocessing.condition(lock);
        Semaphore sem = Multiprocessing.semaphore(1);
        Semaphore bounded = Multiprocessing.boundedSemaphore(1);
        Event event = Multiprocessing.event();
        Barrier barrier = Multiprocessing.barrier(1);
        // use them, so that the condition has a slot semaphore
        cond.acquire();
        assertFalse(cond.await(Duration.ofMillis(1)));
        cond.release();
        assertFalse(event.await(Duration.ofMillis(1)));
        assertEquals(0, barrier.await());
        List<Object> all = List.of(cond, lock, rlock, sem, bounded, event, barrier);
        List<String> names = new ArrayList<>();
        for (Object o : all) {
            names.addAll(ProcessSync.names(o));
        }
        assertEquals(names.size(), names.stream().distinct().count(), names.toString());
        assertTrue(names.size() >= 12, names.toString());
        assertEquals(names, present(names));
        for (Object o : all) {
            ProcessSync.destroy(o);
        }
        assertEquals(List.of(), present(names));
    }

    @Test
    void unreachablePrimitivesAreUnlinked() throws InterruptedException {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        List<PhantomReference<Object>> refs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Object o : List.of(Multiprocessing.lock(), Multiprocessing.rlock(), Multiprocessing.boundedSemaphore(2),
                Multiprocessing.event())) {
            names.addAll(ProcessSync.names(o));
            refs.add(new PhantomReference<>(o, queue));
        }
        assertEquals(names, present(names));
        int collected = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (collected < refs.size() && System.nanoTime() < deadline) {
            System.gc();
            if (queue.remove(100) != null) {
                collected++;
            }
        }
        assertEquals(refs.size(), collected, "the primitives were not collected");
        // the cleaner runs right after the collection: give it a moment to unlink
        while (!present(names).isEmpty() && System.nanoTime() < deadline) {
            System.gc();
            queue.remove(20);
        }
        assertEquals(List.of(), present(names));
    }

    @Test
    void aHandleDeserializedInTheSameProcessIsTheSameHandle() throws Exception {
        RLock rlock = Multiprocessing.rlock();
        Condition cond = Multiprocessing.condition(rlock);
        Lock lock = Multiprocessing.lock();
        Semaphore sem = Multiprocessing.boundedSemaphore(3);
        assertSame(rlock, roundTrip(rlock));
        assertSame(lock, roundTrip(lock));
        assertSame(sem, roundTrip(sem));
        assertSame(cond, roundTrip(cond));
        // so the owner and count of a re-entrant lock stay those of the whole process
        rlock.acquire();
        RLock again = roundTrip(rlock);
        assertTrue(again.acquire(false));
        again.release();
        rlock.release();
        assertFalse(rlock.locked());
        Event event = Multiprocessing.event();
        Event copy = roundTrip(event);
        copy.set();
        assertTrue(event.isSet());
    }

    @Test
    void aChildDoesNotRemoveWhatItReceived() {
        Lock lock = Multiprocessing.lock();
        Condition cond = Multiprocessing.condition();
        Event event = Multiprocessing.event();
        Process child = new Process(() -> {
            lock.acquire();
            lock.release();
            cond.acquire();
            cond.await(Duration.ofMillis(1)); // makes and registers a slot semaphore in the child
            cond.release();
            event.set();
        });
        child.start();
        assertTrue(child.join(Duration.ofSeconds(20)));
        assertEquals(OptionalInt.of(0), child.exitCode());
        child.close();
        assertTrue(event.isSet());
        List<String> names = new ArrayList<>();
        for (Object o : List.of(lock, cond, ((dev.mp4j.internal.sync.ProcessCondition) cond).lock(), event)) {
            names.addAll(ProcessSync.names(o));
        }
        assertEquals(names, present(names), "the child's exit removed names the parent still uses");
        assertTrue(lock.acquire(false));
        lock.release();
        for (Object o : List.of(lock, cond, ((dev.mp4j.internal.sync.ProcessCondition) cond).lock(), event)) {
            ProcessSync.destroy(o);
        }
        assertEquals(List.of(), present(names));
    }
}
