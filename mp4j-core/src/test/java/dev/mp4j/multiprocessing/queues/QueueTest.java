package dev.mp4j.multiprocessing.queues;

import dev.mp4j.InterruptedError;
import dev.mp4j.multiprocessing.Empty;
import dev.mp4j.multiprocessing.Full;
import dev.mp4j.multiprocessing.JoinableQueue;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Queue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CPython's _TestQueue (test_put, test_get, test_fork, test_qsize, test_task_done, test_timeout, closed queues). */
@Timeout(60)
class QueueTest {
    private static final Duration TIMEOUT1 = Duration.ofMillis(100);
    private static final Duration TIMEOUT2 = Duration.ofMillis(100);
    private static final Duration TIMEOUT3 = Duration.ofMillis(200);
    private static final long TOLERANCE_MS = 1000;

    @AfterAll
    static void shmCleaned() throws InterruptedException {
        Kids.assertShmCleaned();
    }

    private static long millis(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static void assertTakes(long expectMs, Runnable r) {
        long ms = millis(r);
        assertTrue(ms >= expectMs - 5 && ms <= expectMs + TOLERANCE_MS, "took " + ms + " ms, expected ~" + expectMs);
    }

    @Test
    void testPut() {
        int maxsize = 6;
        Queue<Integer> queue = Kids.track(Multiprocessing.queue(maxsize));
        Kids.Event childCanStart = Kids.Event.make();
        Kids.Event parentCanContinue = Kids.Event.make();
        Process proc = Kids.start(() -> {
            childCanStart.await();
            for (int i = 0; i < 6; i++) {
                queue.get();
            }
            parentCanContinue.set();
        });
        assertTrue(queue.empty());
        assertFalse(queue.full());

        queue.put(1);
        queue.put(2, null);
        queue.put(3, Duration.ofSeconds(5));
        queue.putNowait(4);
        queue.put(5, Duration.ZERO);
        queue.putNowait(6);

        assertFalse(queue.empty());
        assertTrue(queue.full());
        assertEquals(6, queue.qsize());

        assertTakes(0, () -> assertThrows(Full.class, () -> queue.putNowait(7)));
        assertTakes(0, () -> assertThrows(Full.class, () -> queue.put(7, Duration.ofMillis(-5))));
        assertTakes(TIMEOUT1.toMillis(), () -> assertThrows(Full.class, () -> queue.put(7, TIMEOUT1)));
        assertTakes(0, () -> assertThrows(Full.class, () -> queue.put(7, Duration.ZERO)));
        assertTakes(TIMEOUT3.toMillis(), () -> assertThrows(Full.class, () -> queue.put(7, TIMEOUT3)));

        childCanStart.set();
        parentCanContinue.await();

        assertTrue(queue.empty());
        assertFalse(queue.full());
        Kids.joinOk(proc);
        queue.close();
        queue.joinThread();
    }

    @Test
    void testGet() {
        Queue<Integer> queue = Kids.track(Multiprocessing.queue());
        Kids.Event childCanStart = Kids.Event.make();
        Kids.Event parentCanContinue = Kids.Event.make();
        Process proc = Kids.start(() -> {
            childCanStart.await();
            queue.put(2);
            queue.put(3);
            queue.put(4);
            queue.put(5);
            parentCanContinue.set();
        });
        assertTrue(queue.empty());
        childCanStart.set();
        parentCanContinue.await();
        assertFalse(queue.empty());
        assertEquals(2, queue.get(null));
        assertEquals(3, queue.get());
        assertEquals(4, queue.get(Duration.ofSeconds(1)));
        assertEquals(5, queue.getNowait());
        assertTrue(queue.empty());
        Kids.joinOk(proc);
        queue.close();
    }

    @Test
    void testFork() {
        Queue<Integer> queue = Kids.track(Multiprocessing.queue());
        for (int i = 0; i < 10; i++) {
            queue.put(i);
        }
        Process p = Kids.start(() -> {
            for (int i = 10; i < 20; i++) {
                queue.put(i);
            }
            // the items may only be buffered here: the child flushes them before it exits
        });
        for (int i = 0; i < 20; i++) {
            assertEquals(i, queue.get(Duration.ofSeconds(30)));
        }
        assertThrows(Empty.class, queue::getNowait);
        Kids.joinOk(p);
        queue.close();
    }

    @Test
    void testQsize() {
        Queue<Integer> q = Kids.track(Multiprocessing.queue());
        assertEquals(0, q.qsize());
        q.put(1);
        assertEquals(1, q.qsize());
        q.put(5);
        assertEquals(2, q.qsize());
        q.get();
        assertEquals(1, q.qsize());
        q.get();
        assertEquals(0, q.qsize());
        q.close();
    }

    @Test
    void testTaskDone() {
        JoinableQueue<Integer> queue = Kids.track(Multiprocessing.joinableQueue());
        List<Process> workers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            workers.add(Kids.start(() -> {
                for (Integer obj = queue.get(); obj != null; obj = queue.get()) {
                    try {
                        Thread.sleep(20); // the work
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    queue.taskDone();
                }
            }));
        }
        for (int i = 0; i < 10; i++) {
            queue.put(i);
        }
        queue.join();
        assertEquals(0, queue.qsize());
        for (int i = 0; i < workers.size(); i++) {
            queue.put(null);
        }
        for (Process p : workers) {
            Kids.joinOk(p);
        }
        queue.close();
    }

    @Test
    void taskDoneTooOftenAndJoinInThisProcess() throws Exception {
        JoinableQueue<String> q = Kids.track(Multiprocessing.joinableQueue());
        q.join(); // nothing unfinished
        q.put("a");
        q.put("b");
        assertEquals("a", q.get());
        assertEquals("b", q.get());
        q.taskDone();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch joined = new CountDownLatch(1);
        Thread joiner = new Thread(() -> {
            try {
                q.join();
                joined.countDown();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        joiner.start();
        assertFalse(joined.await(100, java.util.concurrent.TimeUnit.MILLISECONDS), "join returned with a task unfinished");
        q.taskDone();
        assertTrue(joined.await(10, java.util.concurrent.TimeUnit.SECONDS));
        joiner.join(10_000);
        assertNull(failure.get());
        assertThrows(IllegalStateException.class, q::taskDone);
        q.close();
    }

    @Test
    void testTimeout() {
        Queue<Integer> q = Kids.track(Multiprocessing.queue());
        long ms = millis(() -> assertThrows(Empty.class, () -> q.get(Duration.ofMillis(200))));
        assertTrue(ms >= 100, "took " + ms);
        assertTakes(0, () -> assertThrows(Empty.class, () -> q.get(Duration.ofMillis(-1))));
        q.close();
    }

    @Test
    void testClosedQueue() {
        for (Queue<String> q : List.<Queue<String>>of(Kids.track(Multiprocessing.queue()),
                Kids.track(Multiprocessing.joinableQueue()))) {
            q.close();
            q.close(); // twice is fine
            assertThrows(IllegalStateException.class, () -> q.put("foo"), "put");
            assertThrows(IllegalStateException.class, q::get, "get");
            assertThrows(IllegalStateException.class, q::getNowait, "getNowait");
            assertThrows(IllegalStateException.class, q::qsize, "qsize");
            q.joinThread(); // allowed after close
        }
    }

    @Test
    void joinThreadBeforeClose() {
        Queue<String> q = Kids.track(Multiprocessing.queue());
        assertThrows(IllegalStateException.class, q::joinThread);
        q.close();
    }

    @Test
    void closeFlushesTheFeeder() {
        Queue<byte[]> q = Kids.track(Multiprocessing.queue());
        // larger than the ring: these go through the feeder thread
        for (int i = 0; i < 3; i++) {
            q.put(new byte[600_000]);
        }
        Queue<byte[]> reader = roundTrip(q);
        Thread t = new Thread(() -> {
            for (int i = 0; i < 3; i++) {
                reader.get();
            }
        });
        t.start();
        q.close();
        q.joinThread();
        assertThrows(IllegalStateException.class, () -> q.put(new byte[1]));
        try {
            t.join(30_000);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertFalse(t.isAlive());
        reader.close();
    }

    @Test
    void cancelJoinThread() {
        Queue<byte[]> q = Kids.track(Multiprocessing.queue());
        q.cancelJoinThread();
        q.put(new byte[600_000]); // no reader: the feeder blocks; neither joinThread nor exit waits for it
        q.close();
        assertTakes(0, q::joinThread);
    }

    @Test
    void nullItemsAndOrder() {
        Queue<Object> q = Kids.track(Multiprocessing.queue());
        for (int i = 0; i < 1000; i++) {
            q.put(i % 7 == 0 ? null : i);
        }
        for (int i = 0; i < 1000; i++) {
            assertEquals(i % 7 == 0 ? null : i, q.get());
        }
        q.close();
    }

    @Test
    void notSerializableItem() {
        Queue<Object> q = Kids.track(Multiprocessing.queue());
        assertThrows(IllegalArgumentException.class, () -> q.put(new Object()));
        assertEquals(0, q.qsize());
        q.close();
    }

    /** An item whose class is serializable but a field's is not: Python's feeder drops it and goes on. */
    private record Holder(Object field) implements java.io.Serializable {}

    @Test
    void itemFailingToSerializeIsDroppedAndUncounted() {
        Queue<Object> q = Kids.track(Multiprocessing.queue(2));
        q.put(new Holder(new Object()));
        q.put("next");
        assertEquals("next", q.get(Duration.ofSeconds(10)));
        assertEquals(0, q.qsize());
        // both slots are free again
        q.putNowait(1);
        q.putNowait(2);
        assertEquals(1, q.get());
        assertEquals(2, q.get());
        q.close();
    }

    @Test
    void itemFailingToSerializeBehindOthersIsDropped() {
        Queue<Object> q = Kids.track(Multiprocessing.queue());
        byte[] big = new byte[1 << 20];
        big[5] = 5;
        q.put(big); // longer than the ring: the feeder writes it, so what follows is buffered as objects
        q.put(new Holder(new Object()));
        q.put(null);
        q.put("last");
        assertEquals(5, ((byte[]) q.get(Duration.ofSeconds(10)))[5]);
        assertNull(q.get(Duration.ofSeconds(10)));
        assertEquals("last", q.get(Duration.ofSeconds(10)));
        assertThrows(Empty.class, q::getNowait);
        assertEquals(0, q.qsize());
        q.close();
    }

    /** Serializes, and fails to deserialize. */
    private static final class Unreadable implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        private void readObject(ObjectInputStream in) throws java.io.IOException {
            throw new java.io.IOException("unreadable on purpose");
        }
    }

    @Test
    void itemFailingToDeserializeIsStillTaken() {
        Queue<Object> q = Kids.track(Multiprocessing.queue(1));
        q.put(new Unreadable());
        assertThrows(dev.mp4j.multiprocessing.ProcessError.class, () -> q.get(Duration.ofSeconds(10)));
        assertEquals(0, q.qsize());
        q.putNowait("after"); // its slot is free again
        assertEquals("after", q.get(Duration.ofSeconds(10)));
        q.close();
    }

    @Test
    void droppedItemIsNotLeftUnfinished() {
        JoinableQueue<Object> q = Kids.track(Multiprocessing.joinableQueue());
        q.put("one");
        q.put(new Holder(new Object()));
        assertEquals("one", q.get(Duration.ofSeconds(10)));
        q.taskDone();
        q.join(); // returns: the dropped item is not unfinished
        assertThrows(IllegalStateException.class, q::taskDone);
        q.close();
    }

    @Test
    void interruptedGet() throws Exception {
        Queue<Object> q = Kids.track(Multiprocessing.queue());
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                q.get();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.start();
        t.interrupt();
        t.join(10_000);
        assertFalse(t.isAlive());
        assertInstanceOf(InterruptedError.class, thrown.get());
        q.put("still works");
        assertEquals("still works", q.get());
        q.close();
    }

    @Test
    void bigAndSmallItemsInOrder() {
        Queue<byte[]> q = Kids.track(Multiprocessing.queue());
        int[] sizes = {0, 1, 7, 8, 9, 1000, 131_072, 262_144, 300_000, 5_000_000, 3};
        Thread producer = new Thread(() -> {
            for (int s : sizes) {
                byte[] b = new byte[s];
                java.util.Arrays.fill(b, (byte) s);
                q.put(b);
            }
        });
        producer.start();
        for (int s : sizes) {
            byte[] b = q.get(Duration.ofSeconds(30));
            assertEquals(s, b.length);
            for (byte x : b) {
                if (x != (byte) s) {
                    throw new AssertionError("corrupt item of " + s + " bytes");
                }
            }
        }
        try {
            producer.join(10_000);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        q.close();
    }

    @SuppressWarnings("unchecked")
    static <T> T roundTrip(T handle) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(handle);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                return (T) in.readObject();
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
