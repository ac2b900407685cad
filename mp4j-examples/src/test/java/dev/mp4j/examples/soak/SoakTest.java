package dev.mp4j.examples.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short soak ({@code --seconds 10}) in a fresh JVM, as {@code ./mp4j soak} runs it: every check passes,
 * the report says so line by line, and its temporary directory is empty afterwards.
 */
class SoakTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void tenSecondSoakPasses() throws Exception {
        // a short path: the manager's socket lands three levels below it, and socket paths must fit in 108 bytes
        Path tmp = Files.createTempDirectory("sk");
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + tmp));
        if (Soak.class.getModule().isNamed()) {
            cmd.add("--enable-native-access=dev.mp4j");
            cmd.addAll(List.of("-p", System.getProperty("jdk.module.path"),
                    "-m", Soak.class.getModule().getName() + "/" + Soak.class.getName()));
        } else {
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Soak.class.getName()));
        }
        cmd.addAll(List.of("--seconds", "10", "--seed", "7"));
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        try {
            if (!p.waitFor(240, TimeUnit.SECONDS)) {
                fail("the soak did not end: " + Files.readString(out) + Files.readString(err));
            }
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        String report = Files.readString(out, StandardCharsets.UTF_8) + "\n--- stderr:\n"
                + Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), report);
        List<String> lines = Files.readAllLines(out);
        for (String expected : List.of("all expected:      yes", "results lost:      0", "leaked processes:  0",
                "leaked segments:   0", "leaked files:      0", "soak: OK")) {
            assertTrue(lines.contains(expected), "no line '" + expected + "' in\n" + report);
        }
        String done = lines.stream().filter(l -> l.startsWith("tasks done:")).findFirst().orElseThrow();
        assertTrue(Long.parseLong(done.replaceAll("tasks done: +(\\d+).*", "$1")) > 0, done);
        // the resource tracker, a process of its own, empties the directory a moment after the JVM ended
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        List<Path> left;
        do {
            try (Stream<Path> s = Files.list(tmp)) {
                left = s.toList();
            }
            if (!left.isEmpty()) {
                Thread.sleep(100); // another process removes them: nothing to wait on
            }
        } while (!left.isEmpty() && System.nanoTime() < deadline);
        assertEquals(List.of(), left, "what the soak left in its temporary directory");
        Files.delete(tmp);
    }
}
