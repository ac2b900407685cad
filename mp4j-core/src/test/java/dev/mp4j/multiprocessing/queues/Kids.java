package dev.mp4j.multiprocessing.queues;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.queue.IpcQueues;
import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pipe;
import dev.mp4j.multiprocessing.Process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Child processes, one-shot cross-process events, and the /dev/shm bookkeeping for the queue tests. */
final class Kids {
    private static final Set<String> MADE = ConcurrentHashMap.newKeySet();

    private Kids() {}

    static Process start(SerializableRunnable target) {
        Process p = new Process(target);
        p.setDaemon(true);
        p.start();
        return p;
    }

    static void joinOk(Process p) {
        assertTrue(p.join(Duration.ofSeconds(60)), p + " did not end");
        assertEquals(0, p.exitCode().orElseThrow(), p + " failed");
    }

    /** Remembers the /dev/shm files of an object made by a test. */
    static <T> T track(T handle) {
        MADE.addAll(IpcQueues.shmFiles(handle));
        return handle;
    }

    static Pipe trackedPipe(boolean duplex) {
        Pipe p = Multiprocessing.pipe(duplex);
        track(p.conn1());
        track(p.conn2());
        return p;
    }

    /** A one-shot event across processes: {@code set} in one, {@code await} in another. */
    record Event(Connection waiter, Connection setter) implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        static Event make() {
            Pipe p = trackedPipe(false);
            return new Event(p.conn1(), p.conn2());
        }

        void set() {
            setter.send(Boolean.TRUE);
        }

        void await() {
            if (!waiter.poll(Duration.ofSeconds(60))) {
                fail("event not set in time");
            }
            waiter.recv();
        }
    }

    /** The files of objects the tests made that still exist in /dev/shm. */
    static List<String> leftInShm() {
        List<String> left = new ArrayList<>();
        for (String n : MADE) {
            if (Files.exists(Path.of("/dev/shm", n))) {
                left.add(n);
            }
        }
        return left;
    }

    /** Collects garbage until the tests' objects are unlinked (their creators' handles are unreachable). */
    static void assertShmCleaned() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<String> left = leftInShm();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20); // the cleaner runs on its own thread after the collection
            left = leftInShm();
        }
        assertEquals(List.of(), left, "still in /dev/shm");
    }
}
