package dev.mp4j.multiprocessing.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.InterruptedError;
import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.conn.FutureWaitable;
import dev.mp4j.internal.conn.Waitable;
import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.Connections;
import dev.mp4j.multiprocessing.EOFError;
import dev.mp4j.multiprocessing.Listener;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Sentinel;
import dev.mp4j.multiprocessing.conn.Fixtures.Family;
import dev.mp4j.multiprocessing.conn.Fixtures.Pair;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CPython's TestWait on socket connections and process sentinels. */
@Timeout(90)
class WaitTest {
    /** Python's _child_test_wait: ten messages (i, pid), then close. */
    static void childTestWait(SocketAddress address, boolean slow) {
        Random random = new Random();
        long pid = ProcessHandle.current().pid();
        try (Connection w = Connections.client(address)) {
            for (int i = 0; i < 10; i++) {
                if (slow) {
                    Fixtures.sleep(random.nextInt(100));
                }
                w.send(new long[] {i, pid});
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void testWait(boolean slow) {
        List<Process> procs = new ArrayList<>();
        List<Connection> readers = new ArrayList<>();
        List<long[]> messages = new ArrayList<>();
        try (Listener l = new Listener(null, 4, null)) {
            SocketAddress address = l.address();
            for (int i = 0; i < 4; i++) {
                Process p = new Process((SerializableRunnable) () -> childTestWait(address, slow));
                p.setDaemon(true);
                p.start();
                procs.add(p);
            }
            for (int i = 0; i < 4; i++) {
                readers.add(l.accept());
            }
            while (!readers.isEmpty()) {
                for (Sentinel s : Connections.wait(readers)) {
                    Connection r = (Connection) s;
                    try {
                        messages.add(r.recv());
                    } catch (EOFError e) {
                        readers.remove(r);
                        r.close();
                    }
                }
            }
        } finally {
            procs.forEach(Fixtures::joinProcess);
        }
        List<String> got = messages.stream().map(m -> m[0] + "/" + m[1]).sorted().toList();
        List<String> expected = new ArrayList<>();
        for (Process p : procs) {
            for (int i = 0; i < 10; i++) {
                expected.add(i + "/" + p.pid().getAsLong());
            }
        }
        expected.sort(null);
        assertEquals(expected, got);
    }

    @Test
    void testWaitWithThreadsAndStrings() throws Exception {
        // _test_wait_socket's shape: many writers, each stream must arrive whole and in order
        try (Listener l = new Listener(null, 4, null)) {
            List<CompletableFuture<Void>> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                writers.add(Fixtures.thread("writer-" + t, () -> {
                    Random random = new Random();
                    try (Connection c = Connections.client(l.address())) {
                        for (int i = 0; i < 10; i++) {
                            Fixtures.sleep(random.nextInt(20));
                            c.sendBytes((i + "\n").getBytes());
                        }
                    }
                    return null;
                }));
            }
            List<Connection> readers = new ArrayList<>();
            Map<Connection, StringBuilder> got = new HashMap<>();
            for (int i = 0; i < 4; i++) {
                Connection r = l.accept();
                readers.add(r);
                got.put(r, new StringBuilder());
            }
            while (!readers.isEmpty()) {
                for (Sentinel s : Connections.wait(readers)) {
                    Connection r = (Connection) s;
                    try {
                        got.get(r).append(new String(r.recvBytes()));
                    } catch (EOFError e) {
                        readers.remove(r);
                        r.close();
                    }
                }
            }
            for (CompletableFuture<Void> w : writers) {
                Fixtures.join(w);
            }
            String expected = "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n";
            got.values().forEach(sb -> assertEquals(expected, sb.toString()));
        }
    }

    @Test
    void testWaitTimeout() {
        try (Pair p = Fixtures.pair(Family.AF_UNIX)) {
            Connection a = p.a();
            Connection b = p.b();
            long t0 = System.nanoTime();
            List<Sentinel> res = Connections.wait(List.of(a, b), Duration.ofMillis(500));
            long delta = System.nanoTime() - t0;
            assertEquals(List.of(), res);
            assertTrue(delta >= TimeUnit.MILLISECONDS.toNanos(495), delta + " ns");

            b.send(null);
            assertEquals(List.of(a), Connections.wait(List.of(a, b), Duration.ofSeconds(20)));
        }
    }

    static void signalAndSleep(SocketAddress address, long millis) {
        try (Connection c = Connections.client(address)) {
            c.send("started");
        }
        Fixtures.sleep(millis);
    }

    /** Python's test_wait_integer: a process sentinel among connections. */
    @Test
    void testWaitProcessSentinel() {
        long expected = 1000;
        try (Listener l = new Listener(); Pair p = Fixtures.pair(Family.AF_UNIX)) {
            Connection a = p.a();
            Connection b = p.b();
            SocketAddress address = l.address();
            Process proc = new Process((SerializableRunnable) () -> signalAndSleep(address, expected));
            proc.start();
            try {
                try (Connection started = l.accept()) {
                    assertEquals("started", started.recv());
                }
                Sentinel sentinel = proc.sentinel();
                long t0 = System.nanoTime();
                List<Sentinel> res = Connections.wait(List.of(a, sentinel, b), Duration.ofSeconds(20));
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertEquals(List.of(sentinel), res);
                assertTrue(ms > expected - 500 && ms < expected + 5000, ms + " ms");

                a.send(null);
                t0 = System.nanoTime();
                res = Connections.wait(List.of(a, sentinel, b), Duration.ofSeconds(20));
                assertEquals(List.of(sentinel, b), res);
                assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(400));

                b.send(null);
                res = Connections.wait(List.of(a, sentinel, b), Duration.ofSeconds(20));
                assertEquals(List.of(a, sentinel, b), res);
            } finally {
                proc.terminate();
                Fixtures.joinProcess(proc);
            }
        }
    }

    @Test
    void testSentinelWakesPromptly() {
        Process proc = new Process((SerializableRunnable) () -> Fixtures.sleep(300));
        proc.start();
        try {
            Sentinel s = proc.sentinel();
            assertEquals(List.of(), Connections.wait(List.of(s), Duration.ZERO));
            assertEquals(List.of(s), Connections.wait(List.of(s)));
            assertTrue(proc.exitCode().isPresent() || proc.join(Duration.ofSeconds(5)));
            // many short waits on a finished process leave nothing behind
            for (int i = 0; i < 100; i++) {
                assertEquals(List.of(s), Connections.wait(List.of(s), Duration.ofMillis(1)));
            }
        } finally {
            Fixtures.joinProcess(proc);
        }
    }

    @Test
    void testShortWaitsOnARunningProcessLeaveNothingBehind() {
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Waitable w = new FutureWaitable(exit);
        int before = FutureWaitable.pending();
        for (int i = 0; i < 1000; i++) {
            Runnable undo = w.onReady(() -> { });
            undo.run();
        }
        assertEquals(before + 1, FutureWaitable.pending(), "one entry for the future, however many waits");
        int[] woken = new int[1];
        w.onReady(() -> woken[0]++);
        exit.complete(0);
        assertEquals(1, woken[0]);
        assertEquals(before, FutureWaitable.pending(), "the entry goes when the future completes");
    }

    @Test
    void testNegTimeout() {
        try (Pair p = Fixtures.pair(Family.AF_UNIX)) {
            long t0 = System.nanoTime();
            assertEquals(List.of(), Connections.wait(List.of(p.a()), Duration.ofSeconds(-1)));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1));
        }
    }

    /** A sentinel of a kind the waiter can only poll (as a shared-memory pipe end may be). */
    static final class Flag implements Sentinel, Waitable {
        volatile boolean set;

        @Override
        public boolean ready() {
            return set;
        }
    }

    @Test
    void testPolledSentinel() throws Exception {
        Flag flag = new Flag();
        try (Pair p = Fixtures.pair(Family.AF_UNIX)) {
            assertEquals(List.of(), Connections.wait(List.of(flag, p.a()), Duration.ofMillis(30)));
            CompletableFuture<Void> setter = Fixtures.thread("setter", () -> {
                Fixtures.sleep(100);
                flag.set = true;
                return null;
            });
            long t0 = System.nanoTime();
            assertEquals(List.of(flag), Connections.wait(List.of(p.a(), flag)));
            Fixtures.join(setter);
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test
    void testDuplicatesAndOrder() {
        try (Pair p = Fixtures.pair(Family.AF_INET); Pair q = Fixtures.pair(Family.AF_UNIX)) {
            q.a().send(1);
            p.a().send(2);
            List<Sentinel> res = Connections.wait(List.of(p.b(), q.b(), p.b()), Duration.ofSeconds(10));
            // both may not be ready at the same instant; ask again until both are
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (res.size() < 2 && System.nanoTime() < deadline) {
                res = Connections.wait(List.of(p.b(), q.b(), p.b()), Duration.ofSeconds(10));
            }
            assertEquals(List.of(p.b(), q.b()), res);
        }
    }

    @Test
    void testBadArguments() {
        Sentinel alien = new Sentinel() { };
        assertThrows(IllegalArgumentException.class, () -> Connections.wait(List.of(alien), Duration.ZERO));
        Pair p = Fixtures.pair(Family.AF_UNIX);
        p.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Connections.wait(List.of(p.a()), Duration.ZERO));
        assertEquals("handle is closed", e.getMessage());
    }

    @Test
    void testCloseDuringWaitReturnsTheConnection() throws Exception {
        Pair p = Fixtures.pair(Family.AF_UNIX);
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<List<Sentinel>> w = Fixtures.thread("waiter", () -> {
            started.countDown();
            return Connections.wait(List.of(p.a()));
        });
        started.await();
        Fixtures.sleep(50); // let it block (the outcome is the same if it has not yet)
        p.a().close();
        assertEquals(List.of(p.a()), Fixtures.join(w));
        assertThrows(IllegalStateException.class, () -> p.a().recv());
        p.close();
    }

    @Test
    void testWaitIsInterruptible() throws Exception {
        try (Pair p = Fixtures.pair(Family.AF_UNIX)) {
            CountDownLatch started = new CountDownLatch(1);
            Thread[] self = new Thread[1];
            CompletableFuture<Boolean> w = Fixtures.thread("waiter", () -> {
                self[0] = Thread.currentThread();
                started.countDown();
                try {
                    Connections.wait(List.of(p.a()));
                    return false;
                } catch (InterruptedError e) {
                    return Thread.currentThread().isInterrupted();
                }
            });
            started.await();
            self[0].interrupt();
            assertTrue(Fixtures.join(w));
        }
    }
}
