package dev.mp4j.multiprocessing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole programs in a JVM of their own ({@link ProgramMains}): when the JVM exits with children around, what
 * reaches stdout and stderr. A normally ending program leaves nothing in its temporary directory.
 */
@Timeout(90)
class WholeProgramTest {
    static final Duration GONE_WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @AfterAll
    static void noChildLeftBehind() {
        Pids.assertAllGone();
    }

    /**
     * The program's own exit removes most; the resource tracker (a separate process that sees the program
     * end) removes the rest a moment later, so this waits for it.
     */
    private static void assertNothingLeftIn(Path tmp) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<Path> left;
        while (true) {
            try (Stream<Path> s = Files.list(tmp)) {
                left = s.toList();
            }
            if (left.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(50); // nothing to wait on: the tracker is another program
        }
        assertEquals(List.of(), left, "what the program left in its temporary directory");
    }

    /** Python: the interpreter joins its non-daemon children at exit. */
    @Test
    @DisplayName("a program waits for its non-daemon child")
    void programWaitsForNonDaemonChild() throws Exception {
        Path file = dir.resolve("written-by-child.txt");
        SeparateJvm.Result r = SeparateJvm.run(ProgramMains.class, dir, 60, "non-daemon-child", file.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("main returned", r.stdout().strip(), r.toString());
        assertEquals("", r.stderrWithoutJvmWarnings(), r.toString());
        assertTrue(Files.exists(file), "the child wrote its file before the JVM exited\n" + r);
        assertEquals("done", Files.readString(file));
        assertNothingLeftIn(r.tmpDir());
    }

    /**
     * A program that returns without joining its child still runs what it chained on the child's exit: the
     * JVM waits for the child, and its exit's dependents run before the JVM may leave.
     */
    @Test
    @DisplayName("a program that does not join its child still sees the child's exit")
    void onExitRunsBeforeTheProgramLeaves() throws Exception {
        for (int i = 0; i < 2; i++) {
            SeparateJvm.Result r = SeparateJvm.run(ProgramMains.class, dir, 60, "on-exit-without-join");
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals("main returned\nexit seen", r.stdout().strip().replace("\r", ""), r.toString());
        }
    }

    /** Python: daemon children are terminated when their parent exits. */
    @Test
    @DisplayName("a program does not wait for its daemon child, which ends with it")
    void daemonChildEndsWithTheProgram() throws Exception {
        long t0 = System.nanoTime();
        SeparateJvm.Result r = SeparateJvm.run(ProgramMains.class, dir, 60, "daemon-child");
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertEquals(0, r.exitCode(), r.toString());
        var m = Pattern.compile("child (\\d+)").matcher(r.stdout().strip());
        assertTrue(m.matches(), r.toString());
        long child = Long.parseLong(m.group(1));
        Pids.record(child);
        assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0,
                "the program waited for its daemon child (which sleeps 30 s): " + took);
        Pids.awaitGone(child, GONE_WITHIN, "the daemon child of an ended program");
        assertNothingLeftIn(r.tmpDir());
    }

    /** No orphans: children (and theirs) die with a parent that is killed with SIGKILL. */
    @Test
    @DisplayName("kill -9 of a program ends its child and grandchild")
    void killedProgramLeavesNoOrphans() throws Exception {
        killProgramWithGrandchild();
    }

    /** DESIGN.md: a watchdog that outlives the program removes its socket files and temporary directories. */
    @Test
    @DisplayName("kill -9 of a program leaves nothing in its temporary directory")
    void killedProgramLeavesNoTemporaryFiles() throws Exception {
        killProgramWithGrandchild();
        assertNothingLeftIn(SeparateJvm.tmpDir(dir));
    }

    private void killProgramWithGrandchild() throws Exception {
        java.lang.Process program = SeparateJvm.start(ProgramMains.class, dir, "grandchild");
        long child = -1;
        long grandchild = -1;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(program.getInputStream(),
                    StandardCharsets.UTF_8));
            while (child < 0 || grandchild < 0) {
                String line = out.readLine();
                assertNotNull(line, "the program ended before printing both pids; stderr: "
                        + Files.readString(dir.resolve("stderr.txt")));
                if (line.startsWith("child ")) {
                    child = Long.parseLong(line.substring(6).strip());
                    Pids.record(child);
                } else if (line.startsWith("grandchild ")) {
                    grandchild = Long.parseLong(line.substring(11).strip());
                    Pids.record(grandchild);
                }
            }
            assertTrue(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false));
            program.destroyForcibly();
            assertTrue(program.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(137, program.exitValue());
        } finally {
            SeparateJvm.destroy(program);
        }
        Pids.awaitGone(child, GONE_WITHIN, "the child of a killed program");
        Pids.awaitGone(grandchild, GONE_WITHIN, "the grandchild of a killed program");
    }

    /**
     * A JVM's first job is encoded while its child boots: one that cannot be serialized still fails start()
     * with the reason, and the child booted for it is gone when start() returns.
     */
    @Test
    @DisplayName("an unsendable first process fails start and leaves no child")
    void anUnsendableFirstProcessFailsStartAndLeavesNoChild() throws Exception {
        SeparateJvm.Result r = SeparateJvm.run(ProgramMains.class, dir, 60, "unsendable-first");
        assertEquals(0, r.exitCode(), r.toString());
        List<String> lines = r.stdout().lines().toList();
        assertEquals(3, lines.size(), r.toString());
        assertTrue(lines.get(0).startsWith("refused: cannot send <Process name='Process-1'"), r.toString());
        assertTrue(lines.get(0).contains("java.lang.Object is not serializable"), r.toString());
        assertEquals("children 0", lines.get(1), r.toString());
        assertEquals("exitcode 0", lines.get(2), r.toString());
        assertNothingLeftIn(r.tmpDir());
    }

    /** CPython's test_stderr_flush as a whole program: the child's trace reaches the program's stderr. */
    @Test
    @DisplayName("test_stderr_flush (whole program)")
    void uncaughtExceptionTraceReachesStderr() throws Exception {
        SeparateJvm.Result r = SeparateJvm.run(ProgramMains.class, dir, 60, "uncaught");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("Process-1 exitcode=1", r.stdout().strip(), r.toString());
        String err = r.stderrWithoutJvmWarnings();
        assertTrue(err.startsWith("Process Process-1:\n"), r.toString());
        assertTrue(err.contains("java.lang.ArithmeticException: / by zero"), r.toString());
        assertTrue(err.contains("at " + ProcessTest.class.getName() + ".divideByZero(ProcessTest.java:"), r.toString());
        assertTrue(!err.contains("[INFO/") && !err.contains("[DEBUG/"), "no log lines unless asked for\n" + r);
        assertNothingLeftIn(r.tmpDir());
    }

    /** Python's log_to_stderr: lines "[LEVEL/ProcessName] message", the child logging at its parent's level. */
    @Test
    @DisplayName("logToStderr")
    void logToStderrFormat() throws Exception {
        SeparateJvm.Result r = SeparateJvm.run(ProgramMains.class, dir, 60, "log");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("Process-1 exitcode=0", r.stdout().strip(), r.toString());
        List<String> lines = r.stderrWithoutJvmWarnings().lines().toList();
        assertTrue(lines.contains("[INFO/MainProcess] hello from main"), r.toString());
        assertTrue(lines.contains("[WARNING/Process-1] hello from child"), r.toString());
        assertTrue(lines.contains("[ERROR/MainProcess] bye"), r.toString());
        assertTrue(lines.contains("[INFO/Process-1] child process calling self.run()"), r.toString());
        assertTrue(lines.contains("[INFO/Process-1] process exiting with exitcode 0"), r.toString());
        Pattern format = Pattern.compile("\\[(TRACE|DEBUG|INFO|WARNING|ERROR)/(MainProcess|Process-1)] .+");
        for (String line : lines) {
            assertTrue(format.matcher(line).matches(), "not a log line: " + line + "\n" + r);
            assertTrue(!line.contains("below the level"), "logged below the level: " + line);
        }
        assertTrue(lines.indexOf("[INFO/MainProcess] hello from main") < lines.indexOf("[WARNING/Process-1] hello from child"));
        assertTrue(lines.indexOf("[WARNING/Process-1] hello from child") < lines.indexOf("[ERROR/MainProcess] bye"));
    }

    /** The spare JVM a forkserver context keeps ends with the program, silently. */
    @Test
    @DisplayName("a program that used forkserver exits cleanly")
    void forkserverProgramExitsCleanly() throws Exception {
        SeparateJvm.Result r = SeparateJvm.run(ProgramMains.class, dir, 60, "forkserver");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("Process-1 exitcode=4", r.stdout().strip(), r.toString());
        assertEquals("", r.stderrWithoutJvmWarnings(), r.toString());
        assertNothingLeftIn(r.tmpDir());
    }

    /**
     * Python's sys.exit() in the main process still runs multiprocessing's atexit handler, which joins the
     * non-daemon children; System.exit is its analog (Runtime.halt is os._exit).
     */
    @Test
    @DisplayName("System.exit in main waits for non-daemon children")
    void systemExitWaitsForNonDaemonChild() throws Exception {
        Path file = dir.resolve("written-by-child.txt");
        SeparateJvm.Result r = SeparateJvm.run(ProgramMains.class, dir, 60, "exit-with-child", file.toString());
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(Files.exists(file), "the child wrote its file before the JVM exited\n" + r);
    }
}
