package dev.mp4j.multiprocessing;

import static dev.mp4j.multiprocessing.Fixtures.str;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.function.SerializableRunnable;
import java.io.IOException;
import java.io.Serial;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * CPython's {@code _TestProcess} and {@code _TestSubclassingProcess} (Lib/test/_test_multiprocessing.py),
 * for processes of the default ("spawn") start method. Children report through exit codes, files in the
 * test's temporary directory and a {@link Mailbox}; the whole-program cases are in {@link WholeProgramTest}.
 */
@Timeout(60)
class ProcessTest {
    static final Duration LONG = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @AfterAll
    static void noChildLeftBehind() {
        Pids.assertAllGone();
    }

    private String file(String name) {
        return str(dir.resolve(name));
    }

    // ------------------------------------------------------------------ _TestProcess

    @Test
    @DisplayName("test_current")
    void testCurrent() {
        Process current = Multiprocessing.currentProcess();
        byte[] authkey = current.authkey();
        assertTrue(current.isAlive());
        assertFalse(current.isDaemon());
        assertTrue(authkey.length > 0);
        assertEquals(ProcessHandle.current().pid(), current.pid().orElseThrow());
        assertEquals(OptionalInt.empty(), current.exitCode());
        assertEquals("MainProcess", current.name());
        assertSame(current, Multiprocessing.currentProcess());
    }

    @Test
    @DisplayName("test_daemon_argument")
    void testDaemonArgument() throws Exception {
        Process proc0 = new Process(() -> { });
        assertEquals(Multiprocessing.currentProcess().isDaemon(), proc0.isDaemon());
        Process proc1 = new Process(() -> { });
        proc1.setDaemon(true);
        assertTrue(proc1.isDaemon());
        Process proc2 = new Process(() -> { });
        proc2.setDaemon(true);
        proc2.setDaemon(false);
        assertFalse(proc2.isDaemon());

        // in a daemon child the default is daemon too (inherited), and starting a child is refused
        String out = file("daemon-child.txt");
        proc1 = new Process(() -> {
            Process grandchild = new Process(() -> { });
            String outcome;
            try {
                grandchild.start();
                outcome = "started";
            } catch (IllegalStateException e) {
                outcome = "IllegalStateException: " + e.getMessage();
            }
            Fixtures.report(out, "self", String.valueOf(Multiprocessing.currentProcess().isDaemon()),
                    "inherited", String.valueOf(grandchild.isDaemon()), "outcome", outcome,
                    "pid", String.valueOf(grandchild.pid().orElse(-1)));
        });
        proc1.setDaemon(true);
        proc1.start();
        Pids.started(proc1);
        proc1.join();
        assertEquals(0, proc1.exitCode().orElseThrow());
        Map<String, String> r = Fixtures.readReport(Path.of(out));
        assertEquals("true", r.get("self"));
        assertEquals("true", r.get("inherited"));
        assertTrue(r.get("outcome").startsWith("IllegalStateException: "), r.get("outcome"));
        assertTrue(r.get("outcome").contains("daemon"), r.get("outcome"));
        assertEquals("-1", r.get("pid"));
    }

    @Test
    @DisplayName("test_parent_process_attributes")
    void testParentProcessAttributes() throws Exception {
        assertNull(Multiprocessing.parentProcess());
        String out = file("parent.txt");
        Process p = new Process(() -> {
            Process parent = Multiprocessing.parentProcess();
            Fixtures.report(out, "pid", String.valueOf(parent.pid().orElse(-1)), "name", parent.name());
        });
        p.start();
        Pids.started(p);
        p.join();
        assertEquals(0, p.exitCode().orElseThrow());
        Map<String, String> r = Fixtures.readReport(Path.of(out));
        assertEquals(Multiprocessing.currentProcess().pid().orElseThrow(), Long.parseLong(r.get("pid")));
        assertEquals(ProcessHandle.current().pid(), Long.parseLong(r.get("pid")));
        assertEquals(Multiprocessing.currentProcess().name(), r.get("name"));
    }

    /**
     * CPython: a grandchild sees its parent alive, and after the parent is terminated sees it gone. In mp4j a
     * child never outlives its parent, so the grandchild itself must be gone.
     */
    @Test
    @DisplayName("test_parent_process")
    void testParentProcess() throws Exception {
        try (Mailbox box = new Mailbox(dir)) {
            String address = box.address();
            // the child is killed by SIGTERM, so what it made in its temporary directory (the socket its own
            // children connect to) stays behind: let that be in the test's directory
            Process p = withTmpDir(Files.createDirectories(dir.resolve("child-tmp")))
                    .process(() -> createGrandchild(address));
            p.start();
            Pids.started(p);
            Map<String, String> m = box.take(LONG);
            long grandchild = Long.parseLong(m.get("pid"));
            Pids.record(grandchild);
            assertEquals("true", m.get("parentAlive"));
            assertEquals(p.pid().orElseThrow(), Long.parseLong(m.get("parentPid")));
            assertEquals(p.name(), m.get("parentName"));

            p.terminate();
            assertTrue(p.join(LONG));
            assertEquals(-15, p.exitCode().orElseThrow());
            Pids.awaitGone(grandchild, Duration.ofSeconds(10), "the grandchild of a terminated child");
        }
    }

    static void createGrandchild(String address) {
        Process gc = new Process(() -> {
            Process parent = Multiprocessing.parentProcess();
            Mailbox.send(address, "pid", String.valueOf(ProcessHandle.current().pid()),
                    "parentAlive", String.valueOf(parent.isAlive()),
                    "parentPid", String.valueOf(parent.pid().orElse(-1)), "parentName", parent.name());
            Fixtures.sleep(30_000);
        });
        gc.start();
        gc.join();
    }

    /** The default context, its children's temporary directory in {@code tmp}. */
    static Context withTmpDir(Path tmp) {
        return Multiprocessing.getContext().withJvmOptions(List.of("-Djava.io.tmpdir=" + tmp));
    }

    @Test
    @DisplayName("test_process")
    void testProcess() throws Exception {
        try (Mailbox box = new Mailbox(dir)) {
            String address = box.address();
            String name = "SomeProcess";
            Process p = new Process(() -> {
                Process self = Multiprocessing.currentProcess();
                Mailbox.send(address, "name", self.name(), "authkey", Fixtures.hex(self.authkey()),
                        "pid", String.valueOf(ProcessHandle.current().pid()),
                        "selfPid", String.valueOf(self.pid().orElse(-1)),
                        "alive", String.valueOf(self.isAlive()),
                        "daemon", String.valueOf(self.isDaemon()));
                Fixtures.sleep(300);
            }, name);
            p.setDaemon(true);
            Process current = Multiprocessing.currentProcess();

            assertArrayEquals(current.authkey(), p.authkey());
            assertFalse(p.isAlive());
            assertTrue(p.isDaemon());
            assertFalse(Multiprocessing.activeChildren().contains(p));
            assertEquals(OptionalInt.empty(), p.exitCode());

            p.start();
            Pids.started(p);

            assertEquals(OptionalInt.empty(), p.exitCode());
            assertTrue(p.isAlive());
            assertTrue(Multiprocessing.activeChildren().contains(p));

            Map<String, String> m = box.take(LONG);
            assertEquals(name, m.get("name"));
            assertEquals(Fixtures.hex(current.authkey()), m.get("authkey"));
            assertEquals(p.pid().orElseThrow(), Long.parseLong(m.get("pid")));
            assertEquals(m.get("pid"), m.get("selfPid"));
            assertEquals("true", m.get("alive"));
            assertEquals("true", m.get("daemon"));

            p.join();

            assertEquals(0, p.exitCode().orElseThrow());
            assertFalse(p.isAlive());
            assertFalse(Multiprocessing.activeChildren().contains(p));
        }
    }

    @Test
    @DisplayName("test_terminate")
    void testTerminate() {
        assertEquals(-15, killProcess(Process::terminate));
    }

    @Test
    @DisplayName("test_kill")
    void testKill() {
        assertEquals(-9, killProcess(Process::kill));
    }

    /** CPython's _kill_process. */
    private static int killProcess(java.util.function.Consumer<Process> method) {
        Process p = new Process(() -> Fixtures.sleep(100_000));
        p.setDaemon(true);
        p.start();
        Pids.started(p);

        assertTrue(p.isAlive());
        assertTrue(Multiprocessing.activeChildren().contains(p));
        assertEquals(OptionalInt.empty(), p.exitCode());

        assertFalse(p.join(Duration.ZERO));
        assertFalse(p.join(Duration.ofSeconds(-1)));
        assertTrue(p.isAlive());

        method.accept(p);
        assertTrue(p.join(LONG));
        assertFalse(p.isAlive());
        assertFalse(Multiprocessing.activeChildren().contains(p));
        p.join();
        return p.exitCode().orElseThrow();
    }

    @Test
    @DisplayName("test_cpu_count")
    void testCpuCount() {
        int cpus = Multiprocessing.cpuCount();
        assertTrue(cpus >= 1);
        assertEquals(Runtime.getRuntime().availableProcessors(), cpus);
    }

    @Test
    @DisplayName("test_active_children")
    void testActiveChildren() {
        assertInstanceOf(List.class, Multiprocessing.activeChildren());
        Process p = new Process(() -> Fixtures.sleep(100));
        assertFalse(Multiprocessing.activeChildren().contains(p));
        p.setDaemon(true);
        p.start();
        Pids.started(p);
        assertTrue(Multiprocessing.activeChildren().contains(p));
        p.join();
        assertFalse(Multiprocessing.activeChildren().contains(p));
    }

    /**
     * CPython's test_recursion: a tree of processes two deep, two children each, every one run to its end
     * before the next starts; each reports its place in the tree and its name (Process-N:1, Process-N:2 for
     * the children of Process-N).
     */
    @Test
    @DisplayName("test_recursion")
    void testRecursion() throws IOException {
        String out = file("tree.txt");
        Path tmp = Files.createDirectories(dir.resolve("children-tmp"));
        recurse(out, "", withTmpDir(tmp));
        List<String> lines = Files.readAllLines(Path.of(out));
        List<String> ids = lines.stream().map(l -> l.split(" ")[0]).toList();
        assertEquals(List.of("[]", "[0]", "[00]", "[01]", "[1]", "[10]", "[11]"), ids);
        lines.stream().skip(1).forEach(l -> Pids.record(Long.parseLong(l.split(" ")[2])));
        List<String> names = lines.stream().map(l -> l.split(" ")[1]).toList();
        assertEquals("MainProcess", names.get(0));
        Matcher first = Pattern.compile("Process-(\\d+)").matcher(names.get(1));
        assertTrue(first.matches(), names.get(1));
        String a = names.get(1);
        String b = "Process-" + (Integer.parseInt(first.group(1)) + 1);
        assertEquals(List.of("MainProcess", a, a + ":1", a + ":2", b, b + ":1", b + ":2"), names);
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "children that ended normally leave no temporary files");
        }
    }

    /** @param ctx the context of the processes this one starts; null for the default */
    static void recurse(String out, String id, Context ctx) {
        Fixtures.append(out, "[" + id + "] " + Multiprocessing.currentProcess().name() + " "
                + ProcessHandle.current().pid());
        if (id.length() < 2) {
            for (int i = 0; i < 2; i++) {
                String childId = id + i;
                SerializableRunnable target = () -> recurse(out, childId, null);
                Process p = ctx != null ? ctx.process(target) : new Process(target);
                p.start();
                p.join();
                if (p.exitCode().orElseThrow() != 0) {
                    throw new IllegalStateException(p + " failed");
                }
            }
        }
    }

    /**
     * SIGTERM right after start() lands while the child is still starting: before SIGTERM's default action
     * is in place the JVM's handler takes it, on a thread of its own, and may run the exit hooks only
     * after the child added its own. The exit is still SIGTERM's (-15), never a System.exit(143).
     */
    @Test
    void aProcessTerminatedAsItStartsEndsBySigterm() {
        for (int i = 0; i < 12; i++) {
            Process p = new Process(() -> Fixtures.sleep(100_000));
            p.setDaemon(true);
            p.start();
            Pids.started(p);
            p.terminate();
            p.join();
            assertEquals(-15, p.exitCode().orElseThrow(), "start " + (i + 1));
        }
    }

    /**
     * join() waits for the child's end on the joining thread when the child reported its exit code: once it
     * returns, the process is stopped with its code, and the OS process is reaped (no longer alive), with
     * either start method and with a timed join as with a plain one.
     */
    @Test
    void afterJoinTheProcessIsReapedAndItsCodeKnown() {
        for (String method : List.of(Contexts.SPAWN, Contexts.FORKSERVER)) {
            Context ctx = Multiprocessing.getContext(method);
            for (int i = 0; i < 6; i++) {
                int code = i % 3 == 2 ? 3 : 0;
                Process p = ctx.process(code == 0 ? (SerializableRunnable) () -> { } : () -> System.exit(3));
                p.start();
                Pids.started(p);
                long pid = p.pid().orElseThrow();
                if (i % 2 == 0) {
                    p.join();
                } else {
                    assertTrue(p.join(LONG), method + " start " + (i + 1));
                }
                String what = method + " start " + (i + 1);
                assertFalse(p.isAlive(), what);
                assertEquals(OptionalInt.of(code), p.exitCode(), what);
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), what);
                assertTrue(p.toString().contains("stopped exitcode=" + code), what);
                p.close();
            }
        }
    }

    /**
     * The thread that watched a process waits for the next one's watch once its child has ended, renamed for
     * it; the next process is watched as any other, its exit code known after join().
     */
    @Test
    void theNextProcessIsWatchedByTheThreadTheLastOneLeft() throws InterruptedException {
        Process first = new Process(() -> { });
        first.start();
        Pids.started(first);
        first.join();
        // the thread that watched it, or one an earlier test's process left idle before (one waits at a time)
        awaitThread("mp4j-exit-watch-" + first.pid().orElseThrow(), Thread.State.TIMED_WAITING);
        java.util.Set<Thread> idle = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("mp4j-exit-watch-") && t.getState() == Thread.State.TIMED_WAITING) {
                idle.add(t);
            }
        }
        Process next = new Process(() -> System.exit(4));
        next.start();
        Pids.started(next);
        String name = "mp4j-exit-watch-" + next.pid().orElseThrow();
        assertTrue(next.join(LONG));
        assertEquals(OptionalInt.of(4), next.exitCode());
        // renamed as it took the watch, before it ended it: a System.exit's end comes from the watch itself
        Thread watcher = null;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                watcher = t;
            }
        }
        assertTrue(watcher != null && idle.contains(watcher), "watched by " + watcher + ", idle before: " + idle);
    }

    /** An interrupt that reaches an idle watch thread (an onExit dependent's, say) is not the next watch's. */
    @Test
    void anInterruptOfTheIdleWatchThreadDoesNotReachTheNextProcess() throws InterruptedException {
        Process first = new Process(() -> System.exit(3));
        first.start();
        Pids.started(first);
        first.join();
        Thread idle = awaitThread("mp4j-exit-watch-" + first.pid().orElseThrow(), Thread.State.TIMED_WAITING);
        idle.interrupt();
        Thread.sleep(50);
        assertEquals(Thread.State.TIMED_WAITING, idle.getState(), "waiting, not spinning on the interrupt");
        Process next = new Process(() -> { });
        next.start();
        Pids.started(next);
        assertTrue(next.join(LONG));
        assertEquals(OptionalInt.of(0), next.exitCode());
    }

    /**
     * @return the thread of that name once it is in that state (polled: a thread's state can only be
     *     looked at); fails after {@link #LONG}
     */
    private static Thread awaitThread(String name, Thread.State state) throws InterruptedException {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (System.nanoTime() < deadline) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals(name) && t.getState() == state) {
                    return t;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no thread " + name + " in state " + state);
    }

    @Test
    void joiningARunningProcessWithTheInterruptFlagSetRaises() {
        Process p = new Process(() -> Fixtures.sleep(100_000));
        p.setDaemon(true);
        p.start();
        Pids.started(p);
        try {
            for (Duration timeout : java.util.Arrays.asList(Duration.ZERO, Duration.ofMillis(50), null)) {
                Thread.currentThread().interrupt();
                assertThrows(dev.mp4j.InterruptedError.class, () -> p.join(timeout), "timeout " + timeout);
                assertTrue(Thread.interrupted(), "the flag is kept, timeout " + timeout);
            }
            assertTrue(p.isAlive());
        } finally {
            Thread.interrupted();
            p.kill();
            p.join();
        }
        assertEquals(OptionalInt.of(-9), p.exitCode());
    }

    @Test
    @DisplayName("test_close")
    void testClose() {
        Process p = new Process(() -> Fixtures.sleep(100_000));
        p.setDaemon(true);
        p.start();
        Pids.started(p);
        assertTrue(p.isAlive());
        // the child is still alive: it cannot be closed
        IllegalStateException e = assertThrows(IllegalStateException.class, p::close);
        assertTrue(e.getMessage().contains("still running"), e.getMessage());

        p.terminate();
        p.join();
        assertFalse(p.isAlive());
        assertEquals(-15, p.exitCode().orElseThrow());
        p.close();
        assertThrows(IllegalStateException.class, p::isAlive);
        assertThrows(IllegalStateException.class, p::join);
        assertThrows(IllegalStateException.class, p::terminate);
        p.close();

        // once closed and dropped, nothing keeps the process object alive
        ReferenceQueue<Process> q = new ReferenceQueue<>();
        WeakReference<Process> wr = new WeakReference<>(p, q);
        p = null;
        assertCollected(wr, q);
    }

    @Test
    @DisplayName("test_many_processes")
    void testManyProcesses() {
        int n = 3;
        List<Process> procs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            procs.add(new Process(() -> Fixtures.sleep(10)));
        }
        for (Process p : procs) {
            p.start();
            Pids.started(p);
        }
        for (Process p : procs) {
            assertTrue(p.join(LONG));
        }
        for (Process p : procs) {
            assertEquals(0, p.exitCode().orElseThrow(), p.toString());
        }

        procs.clear();
        for (int i = 0; i < n; i++) {
            procs.add(new Process(() -> Fixtures.sleep(100_000)));
        }
        for (Process p : procs) {
            p.start();
            Pids.started(p);
        }
        for (Process p : procs) {
            p.terminate();
        }
        for (Process p : procs) {
            assertTrue(p.join(LONG));
        }
        for (Process p : procs) {
            assertEquals(-15, p.exitCode().orElseThrow(), p.toString());
        }
    }

    /** A target the test holds only weakly. */
    static final class DummyCallable implements SerializableRunnable {
        @Serial
        private static final long serialVersionUID = 1L;
        private final String out;

        DummyCallable(String out) {
            this.out = out;
        }

        @Override
        public void run() {
            Fixtures.write(out, "5");
        }
    }

    /**
     * CPython's test_lose_target_ref: Python's start() drops the process's reference to its target, so the
     * target can be collected while the Process object lives on.
     */
    @Test
    @DisplayName("test_lose_target_ref")
    void testLoseTargetRef() throws IOException {
        String out = file("target.txt");
        DummyCallable c = new DummyCallable(out);
        ReferenceQueue<Object> q = new ReferenceQueue<>();
        WeakReference<Object> wr = new WeakReference<>(c, q);
        Process p = new Process(c);
        c = null;
        p.start();
        Pids.started(p);
        p.join();
        assertEquals(0, p.exitCode().orElseThrow());
        assertEquals("5", Files.readString(Path.of(out)));
        assertCollected(wr, q);
        Reference.reachabilityFence(p);
    }

    /**
     * The part of test_lose_target_ref that holds whatever a Process keeps: once the Process object itself is
     * dropped after join, nothing of mp4j (the active children, the exit watcher) keeps the target alive.
     */
    @Test
    @DisplayName("test_lose_target_ref (after the process object is dropped)")
    void testLoseTargetRefWithProcess() throws IOException {
        String out = file("target.txt");
        DummyCallable c = new DummyCallable(out);
        ReferenceQueue<Object> q = new ReferenceQueue<>();
        WeakReference<Object> wr = new WeakReference<>(c, q);
        Process p = new Process(c);
        c = null;
        p.start();
        Pids.started(p);
        p.join();
        assertEquals(0, p.exitCode().orElseThrow());
        p = null;
        assertEquals("5", Files.readString(Path.of(out)));
        assertCollected(wr, q);
    }

    private static <T> void assertCollected(WeakReference<T> wr, ReferenceQueue<? super T> q) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        try {
            while (true) {
                System.gc();
                Reference<?> r = q.remove(100);
                if (r == wr) {
                    return;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("still reachable after 10 s of garbage collections: " + wr.get());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** CPython's test_wait_for_threads: a child waits for its non-daemon threads before it exits. */
    @Test
    @DisplayName("test_wait_for_threads")
    void testWaitForThreads() throws IOException {
        String evt = file("event.txt");
        Process p = new Process(() -> {
            Thread.ofPlatform().daemon(false).start(() -> {
                Fixtures.sleep(300);
                Fixtures.write(evt, "set");
            });
            Thread.ofPlatform().daemon(true).start(() -> {
                Fixtures.sleep(20_000);
                Fixtures.write(evt, "clear");
            });
        });
        p.start();
        Pids.started(p);
        p.join();
        assertEquals(0, p.exitCode().orElseThrow());
        assertEquals("set", Files.readString(Path.of(evt)));
    }

    /**
     * CPython's test_sys_exit: System.exit(n) gives exit code n, whatever n (143 and 137 included: they are
     * not taken for SIGTERM and SIGKILL), from the main thread or another; an exception gives 1 with its
     * message on stderr; returning gives 0.
     */
    @Test
    @DisplayName("test_sys_exit")
    void testSysExit() throws IOException {
        String err = file("stderr.txt");
        record Case(String what, SerializableRunnable target, int expected) {}
        List<Case> cases = List.of(
                new Case("exception", () -> {
                    Fixtures.stderrTo(err);
                    throw new IllegalArgumentException("[1, 2, 3]");
                }, 1),
                new Case("exit(0)", () -> System.exit(0), 0),
                new Case("exit(8)", () -> System.exit(8), 8),
                new Case("exit(143)", () -> System.exit(143), 143),
                new Case("exit(137)", () -> System.exit(137), 137),
                new Case("exit(-1)", () -> System.exit(-1), 255),
                new Case("exit(5) in another thread", () -> {
                    Thread.ofPlatform().start(() -> System.exit(5));
                    Fixtures.sleep(100_000);
                }, 5));
        List<Process> procs = new ArrayList<>();
        for (Case c : cases) {
            Process p = new Process(c.target());
            p.setDaemon(true);
            p.start();
            Pids.started(p);
            procs.add(p);
        }
        for (int i = 0; i < cases.size(); i++) {
            assertTrue(procs.get(i).join(LONG));
            assertEquals(cases.get(i).expected(), procs.get(i).exitCode().orElseThrow(), cases.get(i).what());
        }
        String content = Files.readString(Path.of(err));
        assertTrue(content.contains("java.lang.IllegalArgumentException: [1, 2, 3]"), content);
    }

    /** CPython's test_stderr_flush: the whole trace of the exception that ended the child reaches stderr. */
    @Test
    @DisplayName("test_stderr_flush")
    void testStderrFlush() throws IOException {
        String err = file("stderr.txt");
        Process p = new Process(() -> {
            Fixtures.stderrTo(err);
            divideByZero();
        });
        p.start();
        Pids.started(p);
        p.join();
        assertEquals(1, p.exitCode().orElseThrow());
        String content = Files.readString(Path.of(err));
        assertTrue(content.contains("Process " + p.name() + ":"), content);
        assertTrue(content.contains("java.lang.ArithmeticException: / by zero"), content);
        assertTrue(content.contains("at " + ProcessTest.class.getName() + ".divideByZero(ProcessTest.java:"), content);
    }

    static int divideByZero() {
        int zero = 0;
        return 1 / zero; // MARKER
    }

    // ------------------------------------------------------------------ _TestSubclassingProcess

    /** A subclass with its own serializable fields, sent whole to the child. */
    static final class UpperCaser extends Process {
        @Serial
        private static final long serialVersionUID = 1L;
        private final String[] words;
        private final String out;

        UpperCaser(List<String> words, String out) {
            this.words = words.toArray(String[]::new);
            this.out = out;
        }

        @Override
        public void run() {
            StringBuilder sb = new StringBuilder();
            for (String w : words) {
                sb.append(w.toUpperCase(java.util.Locale.ROOT)).append('\n');
            }
            Process self = Multiprocessing.currentProcess();
            sb.append("self=").append(self == this).append('\n');
            sb.append("class=").append(self.getClass().getName()).append('\n');
            sb.append("name=").append(self.name()).append('\n');
            Fixtures.write(out, sb.toString());
        }
    }

    @Test
    @DisplayName("test_subclassing")
    void testSubclassing() throws IOException {
        String out = file("upper.txt");
        UpperCaser uppercaser = new UpperCaser(List.of("hello", "world"), out);
        assertTrue(uppercaser.name().matches("UpperCaser-\\d+"), uppercaser.name());
        uppercaser.setDaemon(true);
        uppercaser.start();
        Pids.started(uppercaser);
        uppercaser.join();
        assertEquals(0, uppercaser.exitCode().orElseThrow());
        assertEquals(List.of("HELLO", "WORLD", "self=true", "class=" + UpperCaser.class.getName(),
                "name=" + uppercaser.name()), Files.readAllLines(Path.of(out)));
    }

    /** A subclass whose run() fails: exit code 1, like a target that throws. */
    static final class Failing extends Process {
        @Serial
        private static final long serialVersionUID = 1L;
        private final String err;

        Failing(String err) {
            this.err = err;
        }

        @Override
        public void run() {
            Fixtures.stderrTo(err);
            throw new UnsupportedOperationException("subclass failure");
        }
    }

    @Test
    @DisplayName("test_subclassing (run() raises)")
    void testSubclassingFailure() throws IOException {
        String err = file("stderr.txt");
        Failing p = new Failing(err);
        p.start();
        Pids.started(p);
        p.join();
        assertEquals(1, p.exitCode().orElseThrow());
        assertTrue(Files.readString(Path.of(err)).contains("UnsupportedOperationException: subclass failure"));
    }
}
