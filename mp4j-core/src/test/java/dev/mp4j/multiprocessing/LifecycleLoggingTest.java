package dev.mp4j.multiprocessing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lifecycle messages go to {@code System.Logger} at their levels whether or not {@code logToStderr} was called:
 * a program that configures its logging sees its own and its children's; one that configures nothing sees none
 * below WARNING (Python's default), and its children do not log them.
 */
@Timeout(90)
class LifecycleLoggingTest {
    @TempDir
    Path dir;

    @AfterAll
    static void noChildLeftBehind() {
        Pids.assertAllGone();
    }

    private static List<String> logged(SeparateJvm.Result r) {
        return r.stderrWithoutJvmWarnings().lines().filter(l -> l.startsWith("LOGGED ")).toList();
    }

    @Test
    void unconfiguredItLogsNothingBelowWarning() throws Exception {
        SeparateJvm.Result r = SeparateJvm.run(LifecycleLogMain.class, dir, 60, "default");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("exitcode=0 info=false warning=true", r.stdout().strip(), r.toString());
        assertEquals("", r.stderrWithoutJvmWarnings(), r.toString());
    }

    @Test
    void configuredTheParentAndTheChildLogTheirLifecycle() throws Exception {
        SeparateJvm.Result r = SeparateJvm.run(LifecycleLogMain.class, dir, 60, "configured",
                dir.resolve("logging.properties").toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("exitcode=0", r.stdout().strip(), r.toString());
        List<String> lines = logged(r);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("LOGGED FINE dev.mp4j.multiprocessing started ")),
                "the parent's DEBUG message\n" + r);
        assertTrue(lines.contains("LOGGED INFO dev.mp4j.multiprocessing child process calling self.run()"),
                "the child's\n" + r);
        assertTrue(lines.contains("LOGGED INFO dev.mp4j.multiprocessing process exiting with exitcode 0"),
                "the child's\n" + r);
        assertTrue(lines.indexOf("LOGGED INFO dev.mp4j.multiprocessing child process calling self.run()")
                < lines.indexOf("LOGGED INFO dev.mp4j.multiprocessing process exiting with exitcode 0"), r.toString());
        assertTrue(r.stderrWithoutJvmWarnings().lines().noneMatch(l -> l.startsWith("[")),
                "no logToStderr lines\n" + r);
    }

    @Test
    void aWorkersFailedInitializerIsLoggedNotPrinted() throws Exception {
        SeparateJvm.Result r = SeparateJvm.run(LifecycleLogMain.class, dir, 60, "initializer",
                dir.resolve("logging.properties").toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("failed=BrokenProcessPool", r.stdout().strip(), r.toString());
        String err = r.stderrWithoutJvmWarnings();
        assertTrue(err.lines().anyMatch(l -> l.matches("LOGGED SEVERE dev\\.mp4j\\.pool Exception in initializer of .+:")),
                r.toString());
        assertTrue(err.contains("java.lang.IllegalStateException: no start today"), r.toString());
        assertTrue(err.lines().noneMatch(l -> l.startsWith("Exception in initializer")), "not printed bare\n" + r);
    }
}
