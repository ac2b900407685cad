package dev.mp4j.multiprocessing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.futures.ProcessPoolExecutor;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settings of where and how child JVMs start: the defaults of {@link Multiprocessing} (and the
 * {@code mp4j.*} system properties), the context's class path and output, and the {@link ProcessError} where a
 * child cannot be started. Every test leaves the defaults as they were.
 */
@Timeout(120)
class ChildLaunchSettingsTest {
    /** Sets a system property when initialized: a preloaded class shows it was. */
    public static final class Preloaded {
        static {
            System.setProperty("mp4j.test.preloaded", "yes");
        }

        private Preloaded() {}
    }

    @AfterEach
    void restoreDefaults() {
        Multiprocessing.setJvmOptions(List.of());
        Multiprocessing.setForkserverPreload(List.of());
        Multiprocessing.setStartMethod("spawn", true);
    }

    @AfterAll
    static void noChildLeftBehind() {
        Pids.assertAllGone();
    }

    private static int exitCodeOf(Context ctx, dev.mp4j.function.SerializableRunnable target) {
        Process p = ctx.process(target);
        p.start();
        Pids.started(p);
        assertTrue(p.join(Duration.ofSeconds(60)), "the child did not end");
        return p.exitCode().orElseThrow();
    }

    @Test
    void setJvmOptionsReachesTheContextsObtainedAfterItNamedOnesIncluded() {
        Context before = Multiprocessing.getContext("spawn");
        Multiprocessing.setJvmOptions(List.of("-Dmp4j.test.option=set"));
        Context after = Multiprocessing.getContext("spawn");
        assertNotSame(before, after);
        assertSame(after, Multiprocessing.getContext("spawn"));
        assertEquals(0, exitCodeOf(after, () -> System.exit(
                "set".equals(System.getProperty("mp4j.test.option")) ? 0 : 3)));
        assertEquals(0, exitCodeOf(before, () -> System.exit(
                System.getProperty("mp4j.test.option") == null ? 0 : 3)), "a context obtained before keeps its");
    }

    @Test
    void theJvmOptionsPropertyIsSplitOnWhiteSpace() {
        System.setProperty(Contexts.JVM_OPTIONS_PROPERTY, " -Da=1  -Db=2 ");
        System.setProperty(Contexts.PRELOAD_PROPERTY, "x.A, x.B,");
        try {
            var spec = Contexts.fromProperties(dev.mp4j.internal.spawn.Launch.Spec.defaults(getClass()));
            assertEquals(List.of("-Da=1", "-Db=2"), spec.jvmOptions());
            assertEquals(List.of("x.A", "x.B"), spec.preload());
        } finally {
            System.clearProperty(Contexts.JVM_OPTIONS_PROPERTY);
            System.clearProperty(Contexts.PRELOAD_PROPERTY);
        }
    }

    @Test
    void theStartMethodPropertyFixesTheMethodAtFirstUse() {
        Multiprocessing.setStartMethod(null, true);
        assertNull(Multiprocessing.getStartMethod(true), "none is fixed yet");
        System.setProperty(Multiprocessing.START_METHOD_PROPERTY, "forkserver");
        try {
            assertEquals("forkserver", Multiprocessing.getStartMethod(true));
            assertEquals("forkserver", Multiprocessing.getStartMethod());
            Multiprocessing.setStartMethod(null, true);
            System.setProperty(Multiprocessing.START_METHOD_PROPERTY, "fork");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Multiprocessing.getStartMethod(true));
            assertTrue(e.getMessage().contains(Multiprocessing.START_METHOD_PROPERTY), e.getMessage());
        } finally {
            System.clearProperty(Multiprocessing.START_METHOD_PROPERTY);
        }
        assertEquals("spawn", Multiprocessing.getStartMethod(), "without the property: spawn");
    }

    @Test
    void aForkserverSparePreloadsTheNamedClasses() {
        Multiprocessing.setForkserverPreload(List.of(Preloaded.class.getName()));
        Context ctx = Multiprocessing.getContext("forkserver");
        assertEquals(0, exitCodeOf(ctx, () -> System.exit(
                "yes".equals(System.getProperty("mp4j.test.preloaded")) ? 0 : 4)));
    }

    @Test
    void aClassPathWithoutMp4jFailsWhereTheChildIsStartedAndBreaksNothing(@TempDir Path empty) {
        assertThrows(IllegalArgumentException.class,
                () -> Multiprocessing.getContext().withClassPath(List.of(empty.resolve("missing.jar"))));
        Context ctx = Multiprocessing.getContext().withClassPath(List.of(empty));
        ProcessError start = assertThrows(ProcessError.class, () -> ctx.process(() -> { }).start());
        assertTrue(start.getMessage().contains("withClassPath"), start.getMessage());
        ProcessError pool = assertThrows(ProcessError.class, () -> Pool.builder().processes(1).context(ctx).build());
        assertTrue(pool.getMessage().contains("withClassPath"), pool.getMessage());
        try (ProcessPoolExecutor executor = ProcessPoolExecutor.builder().maxWorkers(1).context(ctx).build()) {
            assertThrows(ProcessError.class, () -> executor.submit(() -> 1));
            ProcessError again = assertThrows(ProcessError.class, () -> executor.submit(() -> 1),
                    "a later submit tries again: the executor is not broken");
            assertTrue(again.getMessage().contains("withClassPath"), again.getMessage());
        }
        assertEquals(List.of(), Multiprocessing.activeChildren());
    }

    @Test
    void aChildThatExitsBeforeItConnectsFailsThePoolConstructorAndTheSubmitNotThePool() {
        Context ctx = Multiprocessing.getContext().withJvmOptions(List.of("-XX:+Mp4jNoSuchOption"));
        ProcessError pool = assertThrows(ProcessError.class, () -> Pool.builder().processes(2).context(ctx).build());
        assertTrue(pool.getMessage().contains("before it connected back"), pool.getMessage());
        try (ProcessPoolExecutor executor = ProcessPoolExecutor.builder().maxWorkers(1).context(ctx).build()) {
            assertThrows(ProcessError.class, () -> executor.submit(() -> 1));
            assertThrows(ProcessError.class, () -> executor.submit(() -> 1),
                    "a later submit tries again: the executor is not broken");
        }
        assertEquals(List.of(), Multiprocessing.activeChildren());
    }

    @Test
    void aProcessOfAClassLoaderChildrenDoNotHaveFailsToStartNamingIt(@TempDir Path dir) throws Exception {
        String file = StrayProcess.class.getName().replace('.', '/') + ".class";
        Path copy = dir.resolve(file);
        java.nio.file.Files.createDirectories(copy.getParent());
        try (var in = StrayProcess.class.getClassLoader().getResourceAsStream(file)) {
            java.nio.file.Files.copy(in, copy);
        }
        ClassLoader parent = getClass().getClassLoader();
        try (java.net.URLClassLoader own = new java.net.URLClassLoader(new java.net.URL[] {dir.toUri().toURL()}, parent) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                synchronized (getClassLoadingLock(name)) {
                    if (name.equals(StrayProcess.class.getName())) {
                        Class<?> c = findLoadedClass(name);
                        return c != null ? c : findClass(name); // its own copy, not the class path's
                    }
                    return super.loadClass(name, resolve);
                }
            }
        }) {
            Process stray = (Process) own.loadClass(StrayProcess.class.getName()).getConstructor().newInstance();
            ProcessError e = assertThrows(ProcessError.class, stray::start);
            assertTrue(e.getMessage().contains(StrayProcess.class.getName()) && e.getMessage().contains("withClassPath"),
                    e.getMessage());
            assertTrue(stray.pid().isEmpty(), "no child was started");
        }
    }

    @Test
    void prefixedOutputLabelsEachLineWithTheProcessNameAndPid() throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        Process p;
        try {
            p = Multiprocessing.getContext().withOutput(ChildOutput.PREFIXED)
                    .process(() -> System.out.print("first\nsecond"));
            p.start();
            Pids.started(p);
            assertTrue(p.join(Duration.ofSeconds(60)));
            String want = "[" + p.name() + " " + p.pid().orElseThrow() + "] second\n";
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!captured.toString(StandardCharsets.UTF_8).contains(want) && System.nanoTime() < deadline) {
                Thread.sleep(20); // the output's thread passes the last line on once the child's stdout closes
            }
            String out = captured.toString(StandardCharsets.UTF_8);
            assertTrue(out.contains("[" + p.name() + " " + p.pid().orElseThrow() + "] first\n" + want), out);
        } finally {
            System.setOut(saved);
        }
    }

    @Test
    void loggerOutputGoesToTheChildLoggerStdoutAtInfoStderrAtWarning() throws Exception {
        Logger jul = Logger.getLogger("dev.mp4j.child");
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() { }

            @Override
            public void close() { }
        };
        jul.addHandler(h);
        boolean parents = jul.getUseParentHandlers();
        jul.setUseParentHandlers(false);
        try {
            Process p = Multiprocessing.getContext().withOutput(ChildOutput.LOGGER).process(() -> {
                System.out.println("to out");
                System.err.println("to err");
            });
            p.start();
            Pids.started(p);
            assertTrue(p.join(Duration.ofSeconds(60)));
            String label = "[" + p.name() + " " + p.pid().orElseThrow() + "] ";
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(records.stream().anyMatch(r -> r.getLevel() == java.util.logging.Level.INFO
                    && r.getMessage().equals(label + "to out")), records.stream().map(LogRecord::getMessage).toList().toString());
            assertTrue(records.stream().anyMatch(r -> r.getLevel() == java.util.logging.Level.WARNING
                    && r.getMessage().equals(label + "to err")), records.stream().map(LogRecord::getMessage).toList().toString());
        } finally {
            jul.removeHandler(h);
            jul.setUseParentHandlers(parents);
        }
    }
}
