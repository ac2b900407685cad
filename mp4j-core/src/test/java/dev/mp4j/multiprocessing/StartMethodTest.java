package dev.mp4j.multiprocessing;

import static dev.mp4j.multiprocessing.Fixtures.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * CPython's TestStartMethod, for the start methods a JVM has: "spawn" (the default) and "forkserver"; "fork"
 * is refused. The default start method is global: every test leaves it as "spawn".
 */
@Timeout(60)
class StartMethodTest {
    @TempDir
    Path dir;

    @AfterEach
    void restoreDefault() {
        Multiprocessing.setStartMethod("spawn", true);
    }

    @AfterAll
    static void noChildLeftBehind() {
        Pids.assertAllGone();
    }

    /** CPython's check_context: a process of {@code ctx} runs, and its child sees the start method. */
    private void checkContext(Context ctx, boolean checkChildMethod) throws IOException {
        String out = str(dir.resolve("method-" + ctx.startMethod() + ".txt"));
        Process p = ctx.process(() -> Fixtures.write(out, Multiprocessing.getStartMethod()));
        p.start();
        Pids.started(p);
        assertTrue(p.join(Duration.ofSeconds(30)));
        assertEquals(0, p.exitCode().orElseThrow(), p.toString());
        if (checkChildMethod) {
            assertEquals(ctx.startMethod(), Files.readString(Path.of(out)), "the child's start method");
        }
    }

    @Test
    @DisplayName("test_context")
    void testContext() throws IOException {
        for (String method : List.of("spawn", "forkserver")) {
            Context ctx = Multiprocessing.getContext(method);
            assertEquals(method, ctx.startMethod());
            assertSame(ctx, Multiprocessing.getContext(method));
            checkContext(ctx, false);
        }
    }

    /** CPython's _check_context: the child reports {@code multiprocessing.get_start_method()}. */
    @Test
    @DisplayName("test_context (the child's start method)")
    void testContextSeenByChild() throws IOException {
        for (String method : List.of("spawn", "forkserver")) {
            checkContext(Multiprocessing.getContext(method), true);
        }
    }

    @Test
    @DisplayName("test_set_get")
    void testSetGet() throws IOException {
        String old = Multiprocessing.getStartMethod();
        int count = 0;
        try {
            for (String method : List.of("fork", "spawn", "forkserver")) {
                try {
                    Multiprocessing.setStartMethod(method, true);
                } catch (IllegalArgumentException e) {
                    assertEquals("fork", method);
                    assertEquals(old, Multiprocessing.getStartMethod(), "a refused method changes nothing");
                    continue;
                }
                assertEquals(method, Multiprocessing.getStartMethod());
                Context ctx = Multiprocessing.getContext();
                assertEquals(method, ctx.startMethod());
                assertSame(Multiprocessing.getContext(method), ctx);
                Process p = Multiprocessing.process(() -> System.exit(7));
                p.start();
                Pids.started(p);
                p.join();
                assertEquals(7, p.exitCode().orElseThrow(), "a process of the default context, " + method);
                count++;
            }
        } finally {
            Multiprocessing.setStartMethod(old, true);
        }
        assertEquals(2, count);
    }

    @Test
    @DisplayName("test_set_get (already set)")
    void setStartMethodWhenAlreadySet() {
        assertEquals("spawn", Multiprocessing.getStartMethod(), "getStartMethod fixes the default");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Multiprocessing.setStartMethod("forkserver"));
        assertTrue(e.getMessage().contains("already"), e.getMessage());
        assertEquals("spawn", Multiprocessing.getStartMethod());

        Multiprocessing.setStartMethod(null, true);
        assertEquals("spawn", Multiprocessing.getStartMethod(), "unset: the default again");
        assertThrows(IllegalArgumentException.class, () -> Multiprocessing.setStartMethod("nonsense", true));
        assertEquals("spawn", Multiprocessing.getStartMethod());
    }

    @Test
    @DisplayName("test_get_all")
    void testGetAll() {
        List<String> methods = Multiprocessing.getAllStartMethods();
        assertEquals(List.of("spawn", "forkserver"), methods);
        assertThrows(UnsupportedOperationException.class, () -> methods.add("fork"));
    }

    @Test
    void forkIsRefusedNamingTheAlternatives() {
        for (var call : List.<org.junit.jupiter.api.function.Executable>of(
                () -> Multiprocessing.getContext("fork"),
                () -> Multiprocessing.setStartMethod("fork", true))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
            assertTrue(e.getMessage().contains("'spawn'") && e.getMessage().contains("'forkserver'"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Multiprocessing.getContext("thread"));
        assertTrue(e.getMessage().contains("thread"), e.getMessage());
        assertTrue(e.getMessage().contains("spawn") && e.getMessage().contains("forkserver"), e.getMessage());
        assertThrows(NullPointerException.class, () -> Multiprocessing.getContext(null));
    }

    /** Forkserver processes work, one after the other and at once (a spare is taken, another boots). */
    @Test
    void forkserverProcessesWork() throws IOException {
        Context fs = Multiprocessing.getContext("forkserver");
        for (int round = 0; round < 2; round++) {
            String out = str(dir.resolve("fs-" + round + ".txt"));
            Process p = fs.process(() -> Fixtures.report(out,
                    "name", Multiprocessing.currentProcess().name(),
                    "parent", String.valueOf(Multiprocessing.parentProcess().pid().orElse(-1))));
            p.start();
            Pids.started(p);
            assertTrue(p.join(Duration.ofSeconds(30)));
            assertEquals(0, p.exitCode().orElseThrow());
            var r = Fixtures.readReport(Path.of(out));
            assertEquals(p.name(), r.get("name"));
            assertEquals(String.valueOf(ProcessHandle.current().pid()), r.get("parent"));
        }
        Process a = fs.process(() -> System.exit(11));
        Process b = fs.process(() -> Fixtures.sleep(100_000));
        a.start();
        b.start();
        Pids.started(a);
        Pids.started(b);
        b.terminate();
        assertTrue(a.join(Duration.ofSeconds(30)));
        assertTrue(b.join(Duration.ofSeconds(30)));
        assertEquals(11, a.exitCode().orElseThrow());
        assertEquals(-15, b.exitCode().orElseThrow());
    }

    /**
     * CPython's test_forkserver_sigkill: the forkserver dies and later processes still start. Here the spare
     * JVM waiting for a job is killed; the next start() must not hand out the dead spare.
     */
    @Test
    @DisplayName("test_forkserver_sigkill (the spare dies)")
    void forkserverSpareKilled() throws Exception {
        Context fs = Multiprocessing.getContext("forkserver");
        Process p = fs.process(() -> { });
        p.start();
        Pids.started(p);
        p.join();
        // after a start there is one spare again: the replacement booted once p had ended or had its job for
        // a moment. Find it among this JVM's children (a process has no event for a new child, so poll, with a
        // deadline)
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        java.util.List<ProcessHandle> spares;
        while (true) {
            spares = ProcessHandle.current().children()
                    .filter(h -> h.isAlive() && h.pid() != p.pid().orElseThrow())
                    .filter(h -> h.info().arguments().map(a -> java.util.Arrays.asList(a)
                            .contains(dev.mp4j.internal.child.Bootstrap.class.getName())).orElse(false))
                    .toList();
            if (!spares.isEmpty() || System.nanoTime() - deadline > 0) {
                break;
            }
            Thread.sleep(20);
        }
        // this start method's spare is among them; a spare of another launch spec (an earlier test's JVM
        // options) may be too: kill them all
        assertFalse(spares.isEmpty(), "no replacement spare within 10 s");
        for (ProcessHandle spare : spares) {
            spare.destroyForcibly();
        }
        for (ProcessHandle spare : spares) {
            spare.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }

        Process q = fs.process(() -> System.exit(5));
        q.start();
        Pids.started(q);
        assertTrue(q.join(Duration.ofSeconds(30)));
        assertEquals(5, q.exitCode().orElseThrow());
        long qPid = q.pid().orElseThrow();
        assertTrue(spares.stream().noneMatch(h -> h.pid() == qPid), "q ran in a killed spare: " + qPid);
    }

    /** @return the pids of this JVM's descendants whose command line holds {@code option} */
    private static List<Long> jvmsWith(String option) {
        return ProcessHandle.current().descendants()
                .filter(h -> h.info().arguments().map(a -> List.of(a).contains(option)).orElse(false))
                .map(ProcessHandle::pid).toList();
    }

    /**
     * A start takes the spare even while it still boots, rather than boot a second JVM beside it, and one
     * spare boots after each start: between starts (each joined before the next) exactly one JVM of these
     * settings is alive besides the processes joined, and the next start runs in it. Found among this JVM's
     * descendants by a launch option of this test's own; a new child has no event, so it is polled for, with
     * a deadline.
     */
    @Test
    void aStartTakesTheSpareWhileItBootsAndOneSpareFollowsEachStart() throws Exception {
        String option = "-Dmp4j.test.burst=" + System.nanoTime();
        Context fs = Multiprocessing.getContext("forkserver").withJvmOptions(List.of(option));
        Set<Long> joined = ConcurrentHashMap.newKeySet();
        List<Long> spares = List.of();
        try {
            for (int i = 0; i < 6; i++) {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (true) {
                    spares = jvmsWith(option).stream().filter(pid -> !joined.contains(pid)).toList();
                    if (!spares.isEmpty() || System.nanoTime() - deadline > 0) {
                        break;
                    }
                    Thread.sleep(5);
                }
                assertEquals(1, spares.size(), "before start " + i + ", the JVMs of these settings besides the "
                        + "processes joined: " + spares);
                Process p = fs.process(() -> { });
                p.start();
                Pids.started(p);
                assertEquals(spares.getFirst(), p.pid().orElseThrow(), "start " + i + " did not run in the spare");
                assertTrue(p.join(Duration.ofSeconds(30)));
                assertEquals(0, p.exitCode().orElseThrow());
                joined.add(p.pid().orElseThrow());
            }
            spares = List.of();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (spares.isEmpty() && System.nanoTime() - deadline < 0) {
                Thread.sleep(5);
                spares = jvmsWith(option).stream().filter(pid -> !joined.contains(pid)).toList();
            }
            assertEquals(1, spares.size(), "after the last start: " + spares);
        } finally {
            for (long pid : spares) {
                if (!joined.contains(pid)) {
                    Pids.record(pid);
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
    }

    /**
     * A forkserver start on an interrupted thread fails, saying so, and keeps the interrupt; the next start,
     * not interrupted, runs.
     */
    @Test
    void aForkserverStartOnAnInterruptedThreadFailsAndTheNextRuns() {
        String option = "-Dmp4j.test.interrupted=" + System.nanoTime();
        Context fs = Multiprocessing.getContext("forkserver").withJvmOptions(List.of(option));
        Process p = fs.process(() -> { });
        Thread.currentThread().interrupt();
        RuntimeException failed;
        try {
            failed = assertThrows(RuntimeException.class, p::start);
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt was swallowed");
        } finally {
            Thread.interrupted();
        }
        assertTrue(String.valueOf(failed.getMessage()).contains("interrupted"), failed.toString());
        Process q = fs.process(() -> System.exit(3));
        q.start();
        Pids.started(q);
        assertTrue(q.join(Duration.ofSeconds(30)));
        assertEquals(3, q.exitCode().orElseThrow());
    }

    /**
     * A change of the default settings while a forkserver child runs ends the old settings' spares for good:
     * the child's exit, or its time to start its job passing, boots no replacement with the old settings.
     */
    @Test
    void noSpareOfTheOldSettingsBootsOnceTheyChange() throws Exception {
        String option = "-Dmp4j.test.discarded=" + System.nanoTime();
        Multiprocessing.setJvmOptions(List.of(option));
        List<Long> left = List.of();
        try {
            Process p = Multiprocessing.getContext("forkserver").process(() -> {
                try {
                    Thread.sleep(300); // outlives the change below
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            p.start();
            Pids.started(p);
            Multiprocessing.setJvmOptions(List.of());
            assertTrue(p.join(Duration.ofSeconds(30)));
            long child = p.pid().orElseThrow();
            // a replacement would boot 10 ms after the exit, or 150 ms after the start: give both time to pass
            Thread.sleep(500);
            left = jvmsWith(option).stream().filter(pid -> pid != child).toList();
            assertEquals(List.of(), left, "JVMs of the old settings still alive");
        } finally {
            Multiprocessing.setJvmOptions(List.of());
            for (long pid : left) {
                Pids.record(pid);
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /**
     * Spares claimed back to back, while they boot or warm up, run their job once the classes named by
     * setForkserverPreload are loaded and initialized, as a spare that waited runs it.
     */
    @Test
    void sparesClaimedBackToBackRunTheirJobWithThePreloadedClasses() {
        Multiprocessing.setForkserverPreload(List.of(ChildLaunchSettingsTest.Preloaded.class.getName()));
        try {
            Context fs = Multiprocessing.getContext("forkserver");
            for (int i = 0; i < 4; i++) {
                Process p = fs.process(() -> System.exit(
                        "yes".equals(System.getProperty("mp4j.test.preloaded")) ? 0 : 4));
                p.start();
                Pids.started(p);
                assertTrue(p.join(Duration.ofSeconds(30)));
                assertEquals(0, p.exitCode().orElseThrow(), "start " + i + ": the preloaded class was not initialized");
            }
        } finally {
            Multiprocessing.setForkserverPreload(List.of());
        }
    }
}
