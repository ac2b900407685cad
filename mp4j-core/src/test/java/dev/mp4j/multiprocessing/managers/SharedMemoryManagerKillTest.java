package dev.mp4j.multiprocessing.managers;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of a program whose SharedMemoryManager made a block and a list: its server ends with it, and the
 * resource tracker removes both from /dev/shm (CPython's test_shared_memory_cleaned_after_process_termination,
 * for the manager).
 */
class SharedMemoryManagerKillTest {
    @TempDir
    Path dir;

    /**
     * @param serverFirst kill -9 the manager's server before the program, so that no JVM of the program runs
     *     its exit hooks and only the resource tracker can remove the blocks
     */
    @ParameterizedTest(name = "server killed first: {0}")
    @ValueSource(booleans = {false, true})
    @Timeout(120)
    void theBlocksOfAKilledProgramAreRemoved(boolean serverFirst) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        java.lang.Process program = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=" + tmp,
                "-cp", System.getProperty("java.class.path"), KilledSharedMemoryManagerProgram.class.getName())
                .redirectError(dir.resolve("stderr.txt").toFile())
                .start();
        List<String> names;
        long server;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(program.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = out.readLine();
            assertNotNull(line, "the program ended before it was ready; stderr: "
                    + Files.readString(dir.resolve("stderr.txt")));
            String[] parts = line.split(" ");
            assertEquals("ready", parts[0], line);
            server = Long.parseLong(parts[1]);
            names = List.of(parts[2], parts[3]);
            for (String n : names) {
                assertTrue(Files.exists(Path.of("/dev/shm", n)), n + " is not there before the kill");
            }
            if (serverFirst) {
                ProcessHandle s = ProcessHandle.of(server).orElseThrow();
                assertTrue(s.destroyForcibly());   // SIGKILL
                s.onExit().get(30, TimeUnit.SECONDS);
                for (String n : names) {
                    assertTrue(Files.exists(Path.of("/dev/shm", n)), n + " is removed when the program ends, not before");
                }
            }
            assertTrue(program.toHandle().destroyForcibly());   // SIGKILL
            assertTrue(program.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, program.exitValue());
        } finally {
            if (program.isAlive()) {
                program.destroyForcibly();
                program.waitFor(10, TimeUnit.SECONDS);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        ProcessHandle.of(server).ifPresent(h -> h.onExit().completeOnTimeout(h, 30, TimeUnit.SECONDS).join());
        assertTrue(ProcessHandle.of(server).map(h -> !h.isAlive()).orElse(true), "the server process outlived the program");
        // the resource tracker removes the files when it sees the program's last JVM gone: only the kernel
        // knows when, so poll
        while (System.nanoTime() < deadline && names.stream().anyMatch(n -> Files.exists(Path.of("/dev/shm", n)))) {
            Thread.sleep(20);
        }
        for (String n : names) {
            assertTrue(Files.notExists(Path.of("/dev/shm", n)), "/dev/shm/" + n + " was left behind");
        }
    }
}
