package dev.mp4j.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Queue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kill -9 of a process that writes large messages into a multiprocessing Queue, while a reader in this JVM
 * takes them: the ring's promise (internal/ring/Ring.java) is that readers lose exactly the dead writer's
 * unfinished message and later messages arrive whole. So the reader, possibly blocked inside that message
 * at the kill, must neither wedge nor see a torn message: it gets whole messages, then the one this JVM
 * puts afterwards. Nothing the queue made remains in /dev/shm once it is closed and dropped.
 */
class QueueWriterKillTest {
    private static final int BIG = 8 << 20;

    @TempDir
    Path dir;

    static List<Integer> rounds() {
        int repeat = Integer.getInteger("mp4j.faults.repeat", 1);
        List<Integer> out = new ArrayList<>();
        for (int r = 1; r <= repeat; r++) {
            out.add(r);
        }
        return out;
    }

    static byte[] pattern(int seed) {
        byte[] b = new byte[BIG];
        for (int i = 0; i < BIG; i += 4096) {
            b[i] = (byte) (seed + i / 4096);
        }
        b[BIG - 1] = (byte) seed;
        return b;
    }

    /** Whether {@code b} is a whole message of the writer (any seed). */
    static boolean whole(byte[] b) {
        if (b.length != BIG) {
            return false;
        }
        int seed = b[BIG - 1];
        for (int i = 0; i < BIG; i += 4096) {
            if (b[i] != (byte) (seed + i / 4096)) {
                return false;
            }
        }
        return true;
    }

    @ParameterizedTest(name = "writer killed in the middle of a large message (#{0})")
    @MethodSource("rounds")
    @Timeout(90)
    void writerKilledMidMessage(int round) throws Exception {
        Set<Long> descendantsBefore = Procs.descendants();
        Set<String> shm = killWriter();
        Procs.awaitGone(Procs.added(descendantsBefore, Procs.descendants()), Duration.ofSeconds(20),
                "processes the test started");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Set<String> left = Procs.awaitAbsent(Path.of("/dev/shm"), shm, Duration.ZERO);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            System.gc(); // the queue's names go when its last handle here is collected
            left = Procs.awaitAbsent(Path.of("/dev/shm"), shm, Duration.ofMillis(200));
        }
        assertEquals(Set.of(), left, "the queue's objects left in /dev/shm");
    }

    /** The case itself; returns the /dev/shm names the queue used (its handles are unreachable after). */
    private Set<String> killWriter() throws Exception {
        Set<String> mappedBefore = Procs.shmMapped(ProcessHandle.current().pid());
        Set<String> shm = new TreeSet<>();
        String rec = dir.toString();
        Queue<Object> q = Multiprocessing.queue();
        q.cancelJoinThread(); // should the test fail, this JVM does not wait at exit for unread items
        Process writer = new Process(() -> {
            Stage.record(rec, "writer", Long.toString(ProcessHandle.current().pid()));
            for (int seed = 0; seed < 100; seed++) {
                q.put(pattern(seed)); // buffered: this process's feeder streams them one after another
            }
            q.close();
            q.joinThread();
        });
        writer.setDaemon(true);
        writer.start();
        long pid = Long.parseLong(Stage.await(dir, "writer", Duration.ofSeconds(60)));
        assertEquals(pid, writer.pid().orElseThrow());
        for (int i = 0; i < 2; i++) {
            byte[] b = (byte[]) q.get(Duration.ofSeconds(60));
            assertTrue(whole(b), "message " + i + " is torn");
        }
        shm.addAll(Procs.shmMapped(pid));
        shm.addAll(Procs.shmMapped(ProcessHandle.current().pid()));
        shm.removeAll(mappedBefore);
        assertFalse(shm.isEmpty(), "the queue maps nothing in /dev/shm: the leak check would check nothing");

        // a reader takes messages while the writer streams; the writer is frozen (most likely inside a
        // message, with the reader waiting for its next chunk), then killed
        List<Object> got = new ArrayList<>();
        CompletableFuture<Throwable> reader = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().name("reader").start(() -> {
            try {
                while (true) {
                    Object o = q.get(Duration.ofSeconds(60));
                    synchronized (got) {
                        got.add(o);
                        got.notifyAll();
                    }
                    if ("later".equals(o)) {
                        reader.complete(null);
                        return;
                    }
                }
            } catch (Throwable e) {
                reader.complete(e);
            }
        });
        synchronized (got) {
            while (got.isEmpty()) {
                got.wait(); // the reader is taking messages now
            }
        }
        Procs.signal(pid, "STOP");
        Procs.kill9(pid);
        assertTrue(writer.join(Duration.ofSeconds(30)), "the killed writer did not end");
        assertEquals(-9, writer.exitCode().orElseThrow());

        q.put("later");
        Throwable failure = reader.get(30, TimeUnit.SECONDS); // a wedged reader fails here
        t.join(30_000);
        if (failure != null) {
            throw new AssertionError("the reader failed after the writer's death", failure);
        }
        synchronized (got) {
            assertEquals("later", got.getLast());
            for (Object o : got.subList(0, got.size() - 1)) {
                assertTrue(o instanceof byte[] b && whole(b), "a torn or foreign message reached the reader");
            }
        }
        q.close();
        writer.close();
        return shm;
    }
}
