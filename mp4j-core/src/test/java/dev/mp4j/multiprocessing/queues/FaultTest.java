package dev.mp4j.multiprocessing.queues;

import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pipe;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Queue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Processes killed while writing or reading do not wedge a queue or pipe; many producers and consumers. */
@Timeout(90)
class FaultTest {
    private static final int BIG = 5 * 1024 * 1024;

    @AfterAll
    static void shmCleaned() throws InterruptedException {
        Kids.assertShmCleaned();
    }

    private static byte[] pattern(int size, int seed) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    private static void assertPattern(byte[] b, int seed) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] != (byte) (seed * 31 + i)) {
                throw new AssertionError("corrupt message of " + b.length + " bytes at " + i);
            }
        }
    }

    @Test
    void writerKilledMidMessageOnAPipe() throws InterruptedException {
        Pipe pipe = Kids.trackedPipe(true);
        Connection conn = pipe.conn1();
        Connection childConn = pipe.conn2();
        // 20 MiB through a 256 KiB ring that nobody drains: the child stays in the middle of the message
        Process p = Kids.start(() -> childConn.sendBytes(pattern(20 * 1024 * 1024, 1)));
        assertTrue(conn.poll(Duration.ofSeconds(30)), "the child's first chunk arrives");
        p.kill();
        assertTrue(p.join(Duration.ofSeconds(30)));
        // this process still holds childConn: its next message takes the dead writer's lock over (the ring is
        // full of the partial message, so it is sent while this thread reads)
        byte[] later = "later".getBytes(StandardCharsets.US_ASCII);
        Thread sender = new Thread(() -> {
            childConn.sendBytes(later);
            childConn.sendBytes(pattern(300_000, 2));
        });
        sender.start();
        assertArrayEquals(later, conn.recvBytes(), "the partial message is dropped, the next one arrives whole");
        assertPattern(conn.recvBytes(), 2);
        sender.join(30_000);
        assertFalse(sender.isAlive());
        childConn.close();
        conn.close();
    }

    @Test
    void writerKilledWhileStreamingIntoAQueue() {
        Queue<Object> q = Kids.track(Multiprocessing.queue());
        Process writer = Kids.start(() -> {
            for (int seed = 0; ; seed++) {
                q.put(pattern(BIG, seed)); // buffered; the feeder streams them one after another
                if (seed > 20) {
                    q.close(); // never reached in time: the test kills this process first
                    return;
                }
            }
        });
        for (int i = 0; i < 2; i++) {
            byte[] b = (byte[]) q.get(Duration.ofSeconds(60));
            assertEquals(BIG, b.length);
            assertPattern(b, i);
        }
        writer.kill(); // almost surely in the middle of the third item (the ring is full, the feeder waits)
        assertTrue(writer.join(Duration.ofSeconds(30)));
        q.put("later");
        for (int i = 2; ; i++) {
            Object o = q.get(Duration.ofSeconds(30));
            if ("later".equals(o)) {
                break;
            }
            assertPattern((byte[]) o, i); // an item the writer finished before it died
        }
        q.close();
    }

    @Test
    void readerKilledMidMessage() {
        Queue<Object> q = Kids.track(Multiprocessing.queue());
        q.cancelJoinThread(); // should the test fail, this JVM does not wait at exit for unread items
        Kids.Event gotTwo = Kids.Event.make();
        Process reader = Kids.start(() -> {
            for (int i = 0; ; i++) {
                q.get();
                if (i == 1) {
                    gotTwo.set();
                }
            }
        });
        for (int seed = 0; seed < 6; seed++) {
            q.put(pattern(BIG, seed)); // streamed by this process's feeder while the child drains them
        }
        gotTwo.await();
        reader.kill(); // likely in the middle of an item: its read lock and the rest of that item are left
        assertTrue(reader.join(Duration.ofSeconds(30)));
        q.put("later");
        Object o;
        do {
            o = q.get(Duration.ofSeconds(30)); // takes the dead reader's lock over and skips its item's rest
            if (o instanceof byte[] b) {
                assertEquals(BIG, b.length);
                assertPattern(b, seedOf(b)); // any item taken whole is well-formed
            }
        } while (!"later".equals(o));
        q.close();
        q.joinThread();
    }

    private static int seedOf(byte[] b) {
        for (int s = 0; s < 64; s++) {
            if ((byte) (s * 31) == b[0]) {
                return s;
            }
        }
        throw new AssertionError("no seed starts with " + b[0]);
    }

    @Test
    void manyProducersAcrossProcesses() throws Exception {
        Queue<Object> q = Kids.track(Multiprocessing.queue(50));
        q.cancelJoinThread(); // should the test fail, this JVM does not wait at exit for unread items
        int perProducer = 500;
        List<Process> producers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            int worker = w;
            producers.add(Kids.start(() -> {
                for (int i = 0; i < perProducer; i++) {
                    q.put(i % 100 == 0 ? pattern(200_000 + i, worker) : (Object) (worker * 100_000 + i));
                }
            }));
        }
        List<Integer> got = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        List<Thread> consumers = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            Thread t = new Thread(() -> {
                try {
                    for (;;) {
                        Object o = q.get(Duration.ofSeconds(60));
                        if ("stop".equals(o)) {
                            return;
                        }
                        if (o instanceof byte[] b) {
                            int i = b.length - 200_000;
                            int worker = b[0] == 0 ? 0 : 1;
                            assertPattern(b, worker);
                            got.add(worker * 100_000 + i);
                        } else {
                            got.add((Integer) o);
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            t.start();
            consumers.add(t);
        }
        for (Process p : producers) {
            Kids.joinOk(p);
        }
        q.put("stop");
        q.put("stop");
        for (Thread t : consumers) {
            t.join(60_000);
            assertTrue(!t.isAlive());
        }
        assertEquals(List.of(), failures);
        List<Integer> expected = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            for (int i = 0; i < perProducer; i++) {
                expected.add(w * 100_000 + i);
            }
        }
        List<Integer> sorted = new ArrayList<>(got);
        Collections.sort(sorted);
        assertEquals(expected, sorted);
        assertEquals(0, q.qsize());
        q.close();
    }

    @Test
    void sizesUpToTwentyMiBFromAChild() {
        Pipe pipe = Kids.trackedPipe(true);
        Connection conn = pipe.conn1();
        Connection childConn = pipe.conn2();
        int[] sizes = {0, 1, 3, 8, 100, 4096, 65_536, 131_071, 131_072, 262_144, 1 << 20, 20 * 1024 * 1024};
        Process p = Kids.start(() -> {
            for (int s : sizes) {
                childConn.sendBytes(pattern(s, s));
            }
            childConn.send(Arrays.asList(1, "two", null));
        });
        childConn.close();
        for (int s : sizes) {
            byte[] b = conn.recvBytes();
            assertEquals(s, b.length);
            assertPattern(b, s);
        }
        assertEquals(Arrays.asList(1, "two", null), conn.recv());
        Kids.joinOk(p);
        conn.close();
    }
}
