package dev.mp4j.internal.queue;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.internal.sync.ProcessSync;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pipe;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A fresh JVM whose first mp4j call makes a queue, a joinable queue, a simple queue, a pipe or a lock (the path
 * on which the resource tracker starts while the object is prepared), killed with SIGKILL as soon as the call
 * has returned, leaves nothing of it in {@code /dev/shm} once its tracker has run; so does one that makes its
 * queue on a thread whose interrupt status is set.
 */
class FirstObjectKillTest {
    /** Makes one object as its first mp4j call, prints its {@code /dev/shm} names, then waits to be killed. */
    public static void main(String[] args) throws Exception {
        List<String> names = new ArrayList<>();
        switch (args[0]) {
            case "queue" -> names.addAll(IpcQueues.shmFiles(Multiprocessing.queue(3)));
            case "joinable" -> names.addAll(IpcQueues.shmFiles(Multiprocessing.joinableQueue(2)));
            case "simple" -> names.addAll(IpcQueues.shmFiles(Multiprocessing.simpleQueue()));
            case "pipe" -> {
                Pipe p = Multiprocessing.pipe(true);
                names.addAll(IpcQueues.shmFiles(p.conn1()));
                names.addAll(IpcQueues.shmFiles(p.conn2()));
            }
            case "lock" -> names.addAll(ProcessSync.names(Multiprocessing.lock()));
            case "interrupted" -> { // made on a thread whose interrupt status is set, which it keeps
                Thread.currentThread().interrupt();
                names.addAll(IpcQueues.shmFiles(Multiprocessing.queue()));
                if (!Thread.interrupted()) {
                    throw new AssertionError("making the queue cleared the thread's interrupt status");
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.println(String.join(" ", names));
        System.out.flush();
        Thread.sleep(60_000);
    }

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "SIGKILL right after the first {0} leaves nothing in /dev/shm")
    @ValueSource(strings = {"queue", "joinable", "simple", "pipe", "lock", "interrupted"})
    @Timeout(60)
    void aProgramKilledRightAfterItsFirstObjectLeavesNothing(String kind) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=" + tmp,
                "-cp", System.getProperty("java.class.path"), FirstObjectKillTest.class.getName(), kind)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        List<Path> files = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line = r.readLine();
            assertNotNull(line, "the program printed nothing");
            for (String n : line.split(" ")) {
                files.add(Path.of("/dev/shm", n));
            }
            p.destroyForcibly(); // SIGKILL: no shutdown hook runs, nothing is unlinked by the program
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the program did not end");
        } finally {
            p.destroyForcibly();
        }
        assertTrue(files.size() >= 2, "a ring has a segment and semaphores, a lock a semaphore and words: " + files);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (files.stream().anyMatch(Files::exists) && System.nanoTime() < deadline) {
            Thread.sleep(50); // the tracker is another program: nothing to wait on
        }
        for (Path f : files) {
            assertFalse(Files.exists(f), f + " is still there");
        }
        try (var left = Files.list(tmp)) {
            assertFalse(left.anyMatch(f -> f.getFileName().toString().startsWith("mp4j-tracker-")),
                    "the tracker's directory is still there");
        }
    }
}
