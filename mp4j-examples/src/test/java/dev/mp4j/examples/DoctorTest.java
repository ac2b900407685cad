package dev.mp4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ./mp4j doctor}: one line per check, "ok" or "FAIL" followed by a fix; a closing line; exit code 0
 * exactly when nothing failed. On this machine, which builds and tests mp4j, the checks the suite itself
 * depends on pass; a simulated problem (a JVM temporary directory that does not exist) is reported with its
 * fix and fails the run.
 */
@Timeout(180)
class DoctorTest {
    private static final List<String> CHECKS = List.of("JDK 25+", "Maven 3.8+", "/dev/shm", "POSIX semaphores",
            "ulimit -u", "ulimit -n", "temp dir", "AOT cache", "python3");

    record Run(int exitCode, List<String> lines) {
        String line(String check) {
            return lines.stream().filter(l -> l.matches(" {2}(ok|FAIL) +" + java.util.regex.Pattern.quote(check) + " .*"))
                    .findFirst().orElseThrow(() -> new AssertionError("no line for " + check + ":\n" + this));
        }

        @Override
        public String toString() {
            return "exit code " + exitCode + "\n" + String.join("\n", lines);
        }
    }

    private static Run doctor(Map<String, String> env) throws IOException, InterruptedException {
        Path launcher = Path.of("..", "mp4j").toAbsolutePath().normalize();
        assertTrue(Files.isExecutable(launcher), "the launcher: " + launcher);
        ProcessBuilder pb = new ProcessBuilder("bash", launcher.toString(), "doctor")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(150, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("./mp4j doctor did not end:\n" + out);
        }
        return new Run(p.exitValue(), out.lines().toList());
    }

    /** Every check is there, each FAIL has a fix, and the exit code and the closing line agree with them. */
    private static void assertWellFormed(Run r) {
        assertTrue(r.lines().getFirst().startsWith("mp4j doctor: "), r.toString());
        for (String check : CHECKS) {
            r.line(check);
        }
        long failed = 0;
        for (int i = 0; i < r.lines().size(); i++) {
            if (r.lines().get(i).startsWith("  FAIL  ")) {
                failed++;
                assertTrue(i + 1 < r.lines().size() && r.lines().get(i + 1).strip().startsWith("fix: "),
                        "a fix follows each problem:\n" + r);
            }
        }
        String last = r.lines().getLast();
        if (failed == 0) {
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals("All well: mp4j has what it needs here.", last, r.toString());
        } else {
            assertEquals(1, r.exitCode(), r.toString());
            assertEquals(failed + " problem(s): see the fixes above.", last, r.toString());
        }
    }

    @Test
    void thisMachineHasWhatTheSuiteNeeds() throws Exception {
        Run r = doctor(Map.of());
        assertWellFormed(r);
        for (String check : List.of("JDK 25+", "/dev/shm", "POSIX semaphores", "temp dir")) {
            assertTrue(r.line(check).startsWith("  ok    "), check + " passes where the suite runs:\n" + r);
        }
        assertTrue(r.line("POSIX semaphores").contains("sem_open"), r.toString());
        assertTrue(r.line("/dev/shm").matches(".* free$"), r.toString());
    }

    @Test
    void aMissingTempDirIsAProblemWithItsFix() throws Exception {
        Run r = doctor(Map.of("JDK_JAVA_OPTIONS", "-Djava.io.tmpdir=/nonexistent/mp4j-doctor-test"));
        assertWellFormed(r);
        assertEquals(1, r.exitCode(), r.toString());
        String line = r.line("temp dir");
        assertTrue(line.startsWith("  FAIL  ") && line.contains("/nonexistent/mp4j-doctor-test (java.io.tmpdir) does not exist"),
                r.toString());
        String fix = r.lines().get(r.lines().indexOf(line) + 1).strip();
        assertTrue(fix.startsWith("fix: ") && fix.contains("-Djava.io.tmpdir="), r.toString());
    }
}
