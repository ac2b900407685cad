package dev.mp4j.internal.tracker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.internal.shm.Segment;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thread with its interrupt status set that registers an object (makes a segment) neither loses that
 * registration nor cuts this JVM off from its tracker: an interruptible channel would be closed by the write,
 * the registration lost, every later one too, and the tracker, seeing its last writer gone, would remove what
 * the live program still uses.
 */
@Timeout(60)
class InterruptedRegistrationTest {
    /** Makes a segment on an interrupted thread, then one more, prints their names, then waits to be killed. */
    public static void main(String[] args) throws Exception {
        Thread.currentThread().interrupt();
        Segment first = Segment.create(null, 4096);
        boolean stillInterrupted = Thread.interrupted();
        Segment second = Segment.create(null, 4096);
        System.out.println(first.name() + " " + second.name() + " " + stillInterrupted);
        System.out.flush();
        Thread.sleep(60_000);
    }

    @TempDir
    Path tmp;

    @Test
    void aRegistrationOnAnInterruptedThreadIsKeptAndSoAreTheNextOnes() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=" + tmp, "-cp",
                System.getProperty("java.class.path"), InterruptedRegistrationTest.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        List<Path> files = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line = r.readLine();
            assertNotNull(line, "the program printed nothing");
            String[] said = line.split(" ");
            files.add(Path.of("/dev/shm", said[0]));
            files.add(Path.of("/dev/shm", said[1]));
            assertTrue(Boolean.parseBoolean(said[2]), "the registration cleared the thread's interrupt status");
            Thread.sleep(500); // a tracker cut off would have removed them by now (it does within milliseconds)
            for (Path f : files) {
                assertTrue(Files.exists(f), f + " was removed while its program lives");
            }
            p.destroyForcibly(); // SIGKILL: only the tracker removes them now
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the program did not end");
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (files.stream().anyMatch(Files::exists) && System.nanoTime() < deadline) {
            Thread.sleep(50); // the tracker is another program: nothing to wait on
        }
        try {
            for (Path f : files) {
                assertFalse(Files.exists(f), f + " is still there: its registration was lost");
            }
        } finally {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        }
    }
}
