package dev.mp4j.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kill -9 of a main program ({@link KilledProgram}) that holds a child process, a pool, a queue, a lock, a
 * semaphore, shared memory, a manager and a Listener: within a few seconds its children (and theirs) are
 * gone, and so are its named semaphores and segments in /dev/shm and everything in its temporary directory
 * (socket files and directories). The resource tracker, a process that outlives the program, removes them.
 */
class KilledProgramTest {
    private static final Duration WITHIN = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    static List<Integer> rounds() {
        return QueueWriterKillTest.rounds();
    }

    @ParameterizedTest(name = "kill -9 of a main program leaves nothing (#{0})")
    @MethodSource("rounds")
    @Timeout(120)
    void killedProgramLeavesNothing(int round) throws Exception {
        killAndCheck(null);
    }

    /**
     * The same with a {@code PATH} that names no folder at all (a service or container can start a program so):
     * its children start, and its tracker removes what it left, with the system's programs found where the system
     * keeps them. Before, the first child's start failed ("Cannot run program mkfifo").
     */
    @Test
    @Timeout(120)
    void aProgramWhosePathNamesNoFolderStartsItsChildrenAndLeavesNothing() throws Exception {
        killAndCheck("/nonexistent");
    }

    /** @param path the program's PATH, or null for this JVM's */
    private void killAndCheck(String path) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ProcessBuilder pb = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=" + tmp,
                "-cp", System.getProperty("java.class.path"), KilledProgram.class.getName())
                .redirectError(dir.resolve("stderr.txt").toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        if (path != null) {
            pb.environment().put("PATH", path);
        }
        java.lang.Process program = pb.start();
        List<Long> descendants = new ArrayList<>();
        Set<String> shm = new TreeSet<>();
        Set<String> inTmp;
        String segment;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(program.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = out.readLine();
            assertNotNull(line, "the program ended before it was ready; stderr: "
                    + Files.readString(dir.resolve("stderr.txt")));
            assertTrue(line.startsWith("ready "), line);
            segment = line.split(" ")[1];
            program.descendants().forEach(p -> descendants.add(p.pid()));
            shm.addAll(Procs.shmMapped(program.pid()));
            for (long d : descendants) {
                shm.addAll(Procs.shmMapped(d));
            }
            shm.removeIf(n -> !n.startsWith("mp4j-") && !n.startsWith("sem.mp4j-"));
            inTmp = Procs.list(tmp);
            // what the checks below check: the program's objects are there now
            assertTrue(descendants.size() >= 4, "a child, two pool workers and a manager: " + descendants);
            assertTrue(shm.contains(segment), "the segment " + segment + " is not mapped: " + shm);
            assertTrue(shm.stream().anyMatch(n -> n.startsWith("sem.")), "no named semaphore mapped: " + shm);
            assertFalse(inTmp.isEmpty(), "nothing in the program's temporary directory");

            Procs.kill9(program.pid());
            assertTrue(program.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, program.exitValue());
        } finally {
            if (program.isAlive()) {
                program.destroyForcibly();
                program.waitFor(10, TimeUnit.SECONDS);
            }
        }
        Procs.awaitGone(descendants, WITHIN, "the children of the killed program");
        assertEquals(Set.of(), Procs.awaitAbsent(Path.of("/dev/shm"), shm, WITHIN),
                "what the killed program left in /dev/shm (it had " + shm + ")");
        assertEquals(Set.of(), Procs.awaitAbsent(tmp, Procs.list(tmp), WITHIN),
                "what the killed program left in its temporary directory (it had " + inTmp + ")");
    }
}
