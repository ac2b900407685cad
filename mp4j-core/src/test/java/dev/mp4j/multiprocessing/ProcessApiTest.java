package dev.mp4j.multiprocessing;

import static dev.mp4j.multiprocessing.Fixtures.str;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every API.md line on Process and the Multiprocessing functions that exist today. */
@Timeout(60)
class ProcessApiTest {
    static final Duration LONG = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @AfterAll
    static void noChildLeftBehind() {
        Pids.assertAllGone();
    }

    private static Process sleeper() {
        Process p = new Process(() -> Fixtures.sleep(100_000));
        p.setDaemon(true);
        return p;
    }

    private static void stop(Process p) {
        p.kill();
        assertTrue(p.join(LONG));
    }

    @Test
    void startTwiceThrows() {
        Process p = sleeper();
        p.start();
        Pids.started(p);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, p::start);
            assertTrue(e.getMessage().contains("twice"), e.getMessage());
        } finally {
            stop(p);
        }
        assertThrows(IllegalStateException.class, p::start);
    }

    @Test
    void joinBeforeStartThrows() {
        Process p = new Process(() -> { });
        assertThrows(IllegalStateException.class, p::join);
        assertThrows(IllegalStateException.class, () -> p.join(Duration.ofMillis(10)));
    }

    @Test
    void joinWithTimeout() {
        Process p = new Process(() -> Fixtures.sleep(500));
        p.setDaemon(true);
        p.start();
        Pids.started(p);
        assertFalse(p.join(Duration.ofMillis(50)), "the child sleeps longer than 50 ms");
        long t0 = System.nanoTime();
        assertFalse(p.join(Duration.ofSeconds(-5)), "a negative timeout counts as zero");
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(4).toNanos(), "a negative timeout did not wait");
        assertTrue(p.isAlive());
        assertTrue(p.join(LONG));
        assertEquals(0, p.exitCode().orElseThrow());
        assertTrue(p.join(Duration.ZERO), "an ended process joins at once");
        assertTrue(p.join(null));
        p.join();
    }

    @Test
    void pidAndExitCode() throws Exception {
        Process p = sleeper();
        assertEquals(OptionalLong.empty(), p.pid(), "no pid before start");
        assertEquals(OptionalInt.empty(), p.exitCode(), "no exit code before start");
        p.start();
        Pids.started(p);
        try {
            long pid = p.pid().orElseThrow();
            ProcessHandle child = ProcessHandle.of(pid).orElseThrow();
            assertEquals(ProcessHandle.current().pid(), child.parent().orElseThrow().pid(),
                    "the process is a child of this JVM");
            assertTrue(child.info().command().orElse("").endsWith("java"), child.info().toString());
            assertEquals(OptionalInt.empty(), p.exitCode(), "no exit code while running");
        } finally {
            stop(p);
        }
        assertEquals(-9, p.exitCode().orElseThrow());
        assertTrue(p.pid().isPresent(), "the pid stays known after the end");
    }

    @Test
    void namesAndSetName() {
        Process p = new Process(() -> { });
        assertTrue(p.name().matches("Process-\\d+"), p.name());
        Process q = new Process(() -> { });
        int n = Integer.parseInt(p.name().substring("Process-".length()));
        assertEquals("Process-" + (n + 1), q.name(), "processes are numbered in creation order");
        assertEquals("worker", new Process(() -> { }, "worker").name());
        assertTrue(new Process(() -> { }, null).name().matches("Process-\\d+"));
        p.setName("renamed");
        assertEquals("renamed", p.name());
    }

    @Test
    void daemonIsInheritedAndSettableBeforeStartOnly() {
        Process p = sleeper();
        assertEquals(Multiprocessing.currentProcess().isDaemon(), new Process(() -> { }).isDaemon());
        p.start();
        Pids.started(p);
        try {
            assertThrows(IllegalStateException.class, () -> p.setDaemon(false));
            assertTrue(p.isDaemon());
        } finally {
            stop(p);
        }
    }

    @Test
    void closeWhileRunningThenMethodsThrow() {
        Process p = sleeper();
        p.start();
        Pids.started(p);
        assertThrows(IllegalStateException.class, p::close);
        assertTrue(p.isAlive(), "a refused close() changes nothing");
        stop(p);
        p.close();
        p.close();
        assertThrows(IllegalStateException.class, p::start);
        assertThrows(IllegalStateException.class, p::join);
        assertThrows(IllegalStateException.class, () -> p.join(Duration.ZERO));
        assertThrows(IllegalStateException.class, p::isAlive);
        assertThrows(IllegalStateException.class, p::terminate);
        assertThrows(IllegalStateException.class, p::kill);
        assertNotNull(p.name(), "the name stays readable");
        assertTrue(p.toString().contains("closed"), p.toString());
    }

    /** CPython's closed process also refuses exitcode, pid (ident) and sentinel with ValueError. */
    @Test
    void closedProcessRefusesExitCodePidAndSentinel() {
        Process p = new Process(() -> { });
        p.start();
        Pids.started(p);
        p.join();
        p.close();
        assertThrows(IllegalStateException.class, p::exitCode);
        assertThrows(IllegalStateException.class, p::pid);
        assertThrows(IllegalStateException.class, p::sentinel);
    }

    @Test
    void closeBeforeStart() {
        Process p = new Process(() -> { });
        p.close();
        assertThrows(IllegalStateException.class, p::start);
        assertThrows(IllegalStateException.class, p::pid); // CPython: ValueError once closed
    }

    @Test
    void sentinel() {
        Process p = new Process(() -> { });
        assertThrows(IllegalStateException.class, p::sentinel);
        p.start();
        Pids.started(p);
        assertNotNull(p.sentinel());
        p.join();
        assertNotNull(p.sentinel());
    }

    @Test
    void mainProcess() {
        Process main = Multiprocessing.currentProcess();
        assertEquals("MainProcess", main.name());
        assertEquals(null, Multiprocessing.parentProcess());
        assertThrows(IllegalStateException.class, main::join, "the current process cannot be joined");
        assertTrue(main.isAlive());
    }

    /** What a child sees of itself and of its parent. */
    @Test
    void currentAndParentProcessInTheChild() throws IOException {
        String out = str(dir.resolve("child.txt"));
        byte[] key = {1, 2, 3, 4, 5};
        Process p = new Process(() -> {
            Process self = Multiprocessing.currentProcess();
            Process parent = Multiprocessing.parentProcess();
            String joinSelf;
            try {
                self.join(Duration.ZERO);
                joinSelf = "returned";
            } catch (IllegalStateException e) {
                joinSelf = "IllegalStateException";
            }
            String joinParent;
            try {
                parent.join(Duration.ZERO);
                joinParent = "returned";
            } catch (IllegalStateException e) {
                joinParent = "IllegalStateException";
            }
            Fixtures.report(out, "name", self.name(), "pid", String.valueOf(self.pid().orElse(-1)),
                    "osPid", String.valueOf(ProcessHandle.current().pid()),
                    "alive", String.valueOf(self.isAlive()), "daemon", String.valueOf(self.isDaemon()),
                    "authkey", Fixtures.hex(self.authkey()), "joinSelf", joinSelf, "joinParent", joinParent,
                    "parentName", parent.name(), "parentPid", String.valueOf(parent.pid().orElse(-1)),
                    "parentAlive", String.valueOf(parent.isAlive()),
                    "activeChildren", String.valueOf(Multiprocessing.activeChildren().size()));
        });
        p.setName("renamed-before-start");
        p.setAuthkey(key);
        key[0] = 99;
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, p.authkey(), "setAuthkey copies the key");
        p.authkey()[1] = 99;
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, p.authkey(), "authkey() returns a copy");
        p.start();
        Pids.started(p);
        p.join();
        assertEquals(0, p.exitCode().orElseThrow());
        Map<String, String> r = Fixtures.readReport(Path.of(out));
        assertEquals("renamed-before-start", r.get("name"));
        assertEquals(String.valueOf(p.pid().orElseThrow()), r.get("pid"));
        assertEquals(r.get("osPid"), r.get("pid"));
        assertEquals("true", r.get("alive"));
        assertEquals("false", r.get("daemon"));
        assertEquals("0102030405", r.get("authkey"));
        assertEquals("IllegalStateException", r.get("joinSelf"));
        assertEquals("IllegalStateException", r.get("joinParent"));
        assertEquals("MainProcess", r.get("parentName"));
        assertEquals(String.valueOf(ProcessHandle.current().pid()), r.get("parentPid"));
        assertEquals("true", r.get("parentAlive"));
        assertEquals("0", r.get("activeChildren"));
    }

    @Test
    void activeChildrenReaps() {
        Process p = new Process(() -> { });
        Process q = sleeper();
        p.start();
        q.start();
        Pids.started(p);
        Pids.started(q);
        try {
            p.join();
            List<Process> active = Multiprocessing.activeChildren();
            assertFalse(active.contains(p), "an ended child is reaped");
            assertTrue(active.contains(q));
        } finally {
            stop(q);
        }
        assertFalse(Multiprocessing.activeChildren().contains(q));
    }

    @Test
    void targetNullRunsNothing() {
        Process p = new Process(null);
        p.start();
        Pids.started(p);
        p.join();
        assertEquals(0, p.exitCode().orElseThrow());
    }

    @Test
    void withJvmOptions() throws IOException {
        String out = str(dir.resolve("props.txt"));
        Context spawn = Multiprocessing.getContext("spawn");
        Context first = spawn.withJvmOptions(List.of("-Dmp4j.test.first=1"));
        Context ctx = first.withJvmOptions(List.of("-Dmp4j.test.second=2", "-Xmx64m"));
        assertNotSame(spawn, ctx);
        assertEquals("spawn", ctx.startMethod());
        Process p = ctx.process(() -> Fixtures.report(out,
                "first", String.valueOf(System.getProperty("mp4j.test.first")),
                "second", String.valueOf(System.getProperty("mp4j.test.second")),
                "maxMemory", String.valueOf(Runtime.getRuntime().maxMemory())));
        p.start();
        Pids.started(p);
        p.join();
        assertEquals(0, p.exitCode().orElseThrow());
        Map<String, String> r = Fixtures.readReport(Path.of(out));
        assertEquals("null", r.get("first"), "options replace those given before");
        assertEquals("2", r.get("second"));
        assertTrue(Long.parseLong(r.get("maxMemory")) <= 64L * 1024 * 1024, r.get("maxMemory"));
    }

    @Test
    void withExecutable() throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String out = str(dir.resolve("home.txt"));
        Context ctx = Multiprocessing.getContext("spawn")
                .withExecutable(java)
                .withJvmOptions(List.of("-Dmp4j.test.exe=yes"));
        Process p = ctx.process(() -> Fixtures.report(out, "home", System.getProperty("java.home"),
                "exe", String.valueOf(System.getProperty("mp4j.test.exe"))));
        p.start();
        Pids.started(p);
        p.join();
        assertEquals(0, p.exitCode().orElseThrow());
        Map<String, String> r = Fixtures.readReport(Path.of(out));
        assertEquals(System.getProperty("java.home"), r.get("home"));
        assertEquals("yes", r.get("exe"), "withJvmOptions keeps the executable");
    }

    @Test
    void withExecutableRefusesWhatCannotBeRun() throws IOException {
        Context spawn = Multiprocessing.getContext("spawn");
        Path plain = Files.createFile(dir.resolve("not-executable"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> spawn.withExecutable(plain));
        assertTrue(e.getMessage().contains(plain.toString()), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> spawn.withExecutable(dir.resolve("missing")));
    }

    /** An executable that is not a JVM: start() fails with ProcessError, promptly. */
    @Test
    void startWithAnExecutableThatIsNotJava() {
        Path fals = Path.of("/bin/false");
        Context ctx = Multiprocessing.getContext("spawn").withExecutable(fals);
        Process p = ctx.process(() -> { });
        ProcessError e = assertThrows(ProcessError.class, p::start);
        assertNotNull(e.getMessage());
        assertEquals(OptionalInt.empty(), p.exitCode());
        assertFalse(Multiprocessing.activeChildren().contains(p));

        // a directory: refused at once, or start() fails
        Process q;
        try {
            q = Multiprocessing.getContext("spawn").withExecutable(dir).process(() -> { });
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertThrows(ProcessError.class, q::start);
    }

    /** Not serializable, so not capturable by a target. */
    static final class Unserializable {
        int value() {
            return 42;
        }
    }

    @Test
    void nonSerializableCaptureIsRefusedByStart() {
        Unserializable thing = new Unserializable();
        Process p = new Process(() -> thing.value());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, p::start);
        assertTrue(e.getMessage().contains(Unserializable.class.getName()), e.getMessage());
        assertEquals(OptionalLong.empty(), p.pid());
        assertFalse(p.isAlive());
        assertFalse(Multiprocessing.activeChildren().contains(p));
    }

    @Test
    void processOfTheDefaultContext() {
        Process p = Multiprocessing.process(() -> System.exit(3));
        p.start();
        Pids.started(p);
        p.join();
        assertEquals(3, p.exitCode().orElseThrow());
    }

    @Test
    void logger() {
        System.Logger log = Multiprocessing.getLogger();
        assertEquals("dev.mp4j.multiprocessing", log.getName());
        assertSame(log, Multiprocessing.getLogger());
    }

    @Test
    void interruptedJoinThrowsInterruptedError() throws Exception {
        Process p = sleeper();
        p.start();
        Pids.started(p);
        try {
            java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
            Thread waiter = Thread.ofPlatform().start(() -> {
                try {
                    p.join();
                    outcome.complete(null);
                } catch (Throwable t) {
                    outcome.complete(new Throwable("interrupted=" + Thread.currentThread().isInterrupted(), t));
                }
            });
            // an interrupt that comes before join() waits counts too: the flag is set
            waiter.interrupt();
            Throwable t = outcome.get(30, java.util.concurrent.TimeUnit.SECONDS);
            waiter.join(Duration.ofSeconds(10));
            assertNotNull(t, "join() returned while the child still runs");
            assertInstanceOf(dev.mp4j.InterruptedError.class, t.getCause());
            assertEquals("interrupted=true", t.getMessage(), "the interrupt flag is restored");
            assertTrue(p.isAlive(), "an interrupted join leaves the child alone");
        } finally {
            stop(p);
        }
    }

    @Test
    void childJvmThatCannotStartFailsStart() {
        Context ctx = Multiprocessing.getContext("spawn").withJvmOptions(List.of("-XX:+NoSuchJvmOption"));
        Process p = ctx.process(() -> { });
        ProcessError e = assertThrows(ProcessError.class, p::start);
        assertTrue(e.getMessage().contains(p.name()), e.getMessage());
        assertEquals(OptionalLong.empty(), p.pid());
        assertFalse(p.isAlive());
    }
}
