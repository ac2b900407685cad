package dev.mp4j.multiprocessing.shared;

import dev.mp4j.multiprocessing.ShareableList;
import dev.mp4j.multiprocessing.SharedMemory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ShareableList and SharedMemory against every CPython installed here (python3 on the PATH, /usr/bin/python3.*,
 * pyenv's versions): a list made by CPython is read and changed by mp4j by name and the reverse; CPython's
 * {@code psm_} names attach with or without the leading slash. CPython 3.9 and later have the layout of 3.11;
 * a list made by 3.8 is refused with a message that says so.
 *
 * <p>CPython registers a block it only attaches to with its resource tracker and unlinks it when that Python
 * process ends; the Python side of these tests unregisters what it attaches to, as a Python program sharing
 * mp4j's blocks must ({@link #pythonUnlinksWhatItAttachedToUnlessItUnregisters} shows why).
 */
class CPythonShareableListTest {
    private static final long SECONDS = 60;

    private static final String PYTHON_MAKES = """
            import sys
            from multiprocessing import shared_memory
            sl = shared_memory.ShareableList(['howdy', b'HoWdY', -273.154, 100, None, True, 42, 'encod\\u00e9s', ''])
            shm = shared_memory.SharedMemory(create=True, size=16)
            shm.buf[:5] = b'hello'
            print('NAMES', sl.shm.name, shm.name, sl.format, flush=True)
            sys.stdin.readline()
            print('SEEN', repr(list(sl)), bytes(shm.buf[:5]), sl.format, flush=True)
            sl.shm.close(); sl.shm.unlink(); shm.close(); shm.unlink()
            """;

    private static final String PYTHON_ATTACHES = """
            import sys
            from multiprocessing import shared_memory, resource_tracker
            sl = shared_memory.ShareableList(name=sys.argv[1])
            resource_tracker.unregister(sl.shm._name, 'shared_memory')
            shm = shared_memory.SharedMemory(name=sys.argv[2])
            resource_tracker.unregister(shm._name, 'shared_memory')
            print('SEEN', repr(list(sl)), sl.format, bytes(shm.buf[:5]), flush=True)
            sl[0] = None
            sl[1] = 'from python'
            sl[2] = 3.5
            sl[6] = '\\u00fcber'
            shm.buf[:5] = b'world'
            sl.shm.close(); shm.close()
            """;

    private static final String PYTHON_ATTACHES_AND_FORGETS = """
            import sys
            from multiprocessing import shared_memory
            shm = shared_memory.SharedMemory(name=sys.argv[1])
            print('SEEN', shm.size, flush=True)
            shm.close()
            """;

    private static Map<String, Path> found;

    /** @return the CPython interpreters found (3.8 and later), by version ("3.11.7"), one path each */
    private static synchronized Map<String, Path> pythons() {
        if (found == null) {
            found = find();
        }
        return found;
    }

    private static Map<String, Path> find() {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            candidates.add(Path.of(dir.isEmpty() ? "." : dir, "python3"));
        }
        addMatching(candidates, Path.of("/usr/bin"), "python3.*");
        Path pyenv = Path.of(System.getProperty("user.home"), ".pyenv", "versions");
        if (Files.isDirectory(pyenv)) {
            try (DirectoryStream<Path> versions = Files.newDirectoryStream(pyenv)) {
                for (Path v : versions) {
                    candidates.add(v.resolve("bin").resolve("python3"));
                }
            } catch (IOException e) {
                // none from pyenv
            }
        }
        Map<String, Path> found = new LinkedHashMap<>();
        for (Path p : candidates) {
            if (Files.isExecutable(p) && p.getFileName().toString().matches("python3(\\.\\d+)?")) {
                String version = version(p);
                if (version != null) {
                    found.putIfAbsent(version, p);
                }
            }
        }
        return found;
    }

    private static void addMatching(List<Path> into, Path dir, String glob) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
            s.forEach(into::add);
        } catch (IOException e) {
            // none there
        }
    }

    private static String version(Path python) {
        try (Py p = new Py(python, "import sys, multiprocessing.shared_memory; print('V %d.%d.%d' % sys.version_info[:3])")) {
            String v = p.expect("V").substring(2);
            return p.exitCode() == 0 ? v : null;
        } catch (IOException | AssertionError e) {
            return null;
        }
    }

    private static boolean atLeast(String version, int major, int minor) {
        String[] v = version.split("\\.");
        int ma = Integer.parseInt(v[0]);
        int mi = Integer.parseInt(v[1]);
        return ma > major || (ma == major && mi >= minor);
    }

    private static Stream<DynamicTest> each(String what, boolean layout39, Check check) {
        Map<String, Path> pythons = pythons();
        Assumptions.assumeTrue(!pythons.isEmpty(), "no CPython is installed");
        return pythons.entrySet().stream()
                .filter(e -> atLeast(e.getKey(), 3, 9) == layout39)
                .map(e -> DynamicTest.dynamicTest(what + " (CPython " + e.getKey() + ")",
                        () -> check.run(e.getValue())));
    }

    private interface Check {
        void run(Path python) throws Exception;
    }

    @TestFactory
    Stream<DynamicTest> aListMadeByCPythonIsReadAndChangedByMp4j() {
        return each("CPython makes, mp4j reads", true, python -> {
            try (Py py = new Py(python, PYTHON_MAKES)) {
                String[] names = py.expect("NAMES").split(" ");
                String listName = names[1];
                String shmName = names[2];
                assertTrue(listName.startsWith("psm_") && shmName.startsWith("psm_"), Arrays.toString(names));
                assertEquals("8s8sdqxxxxxx?xxxxxxxx?q8s8s", names[3]);
                try (ShareableList sl = ShareableList.attach(listName);
                     SharedMemory shm = SharedMemory.attach("/" + shmName)) {
                    assertEquals(shmName, shm.name());
                    assertEquals(16, shm.size());
                    assertEquals(9, sl.size());
                    assertEquals(names[3], sl.format());
                    assertEquals(Arrays.asList("howdy", null, -273.154, 100L, null, true, 42L, "encodés", ""),
                            Arrays.asList(sl.get(0), null, sl.get(2), sl.get(3), sl.get(4), sl.get(5), sl.get(6),
                                    sl.get(7), sl.get(8)));
                    assertArrayEquals("HoWdY".getBytes(StandardCharsets.US_ASCII), (byte[]) sl.get(1));
                    assertEquals("hello", text(shm.segment(), 5));
                    assertThrows(IllegalArgumentException.class, () -> sl.set(8, "123456789"));
                    sl.set(0, "mp4j");
                    sl.set(3, 7);
                    sl.set(4, new byte[] {1, 'x'});
                    sl.set(8, "ünï");
                    sl.set(5, false);
                    MemorySegment.copy("HELLO".getBytes(StandardCharsets.US_ASCII), 0, shm.segment(),
                            ValueLayout.JAVA_BYTE, 0, 5);
                }
                py.send("go");
                assertEquals("SEEN ['mp4j', b'HoWdY', -273.154, 7, b'\\x01x', False, 42, 'encodés', 'ünï'] b'HELLO'"
                        + " 8s8sdq8sxxxxxxx?q8s8s", py.expect("SEEN"));
                assertEquals(0, py.exitCode(), py.output());
                assertFalse(Shm.exists(listName), "CPython unlinked its list");
                assertFalse(Shm.exists(shmName));
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> aListMadeByMp4jIsReadAndChangedByCPython() {
        return each("mp4j makes, CPython reads", true, python -> {
            ShareableList sl = new ShareableList(Arrays.asList("a", "from java!", 1, true, null, new byte[] {0, 1},
                    "ünïcödé", -5L, 2.25));
            SharedMemory shm = SharedMemory.create(null, 8);
            try {
                MemorySegment.copy("hello".getBytes(StandardCharsets.US_ASCII), 0, shm.segment(), ValueLayout.JAVA_BYTE,
                        0, 5);
                try (Py py = new Py(python, PYTHON_ATTACHES, sl.name(), shm.name())) {
                    assertEquals("SEEN ['a', 'from java!', 1, True, None, b'\\x00\\x01', 'ünïcödé', -5, 2.25] "
                            + sl.format() + " b'hello'", py.expect("SEEN"));
                    assertEquals(0, py.exitCode(), py.output());
                }
                assertTrue(Shm.exists(sl.name()), "the Python process left the list alone when it ended");
                assertTrue(Shm.exists(shm.name()));
                assertEquals(Arrays.asList(null, "from python", 3.5, true, null), sl.toList().subList(0, 5));
                assertEquals("über", sl.get(6));
                assertEquals("xxxxxx?x16sd", sl.format().substring(0, 12));
                assertEquals("world", text(shm.segment(), 5));
            } finally {
                sl.close();
                sl.unlink();
                shm.close();
                shm.unlink();
            }
        });
    }

    /** Why the Python side unregisters: otherwise its resource tracker unlinks mp4j's block when it ends. */
    @TestFactory
    Stream<DynamicTest> pythonUnlinksWhatItAttachedToUnlessItUnregisters() {
        return each("CPython's resource tracker unlinks an attached block", true, python -> {
            SharedMemory shm = SharedMemory.create(null, 32);
            try {
                try (Py py = new Py(python, PYTHON_ATTACHES_AND_FORGETS, shm.name())) {
                    assertEquals("SEEN 32", py.expect("SEEN"));
                    assertEquals(0, py.exitCode(), py.output());
                }
                // CPython's tracker process unlinks it after the Python process ended: only the kernel knows
                // when, so poll
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
                while (Shm.exists(shm.name()) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertFalse(Shm.exists(shm.name()), "CPython's tracker unlinked it when the Python process ended");
                assertEquals(32, shm.segment().byteSize(), "this mapping stays valid");
            } finally {
                shm.close();
                if (Shm.exists(shm.name())) {
                    shm.unlink();
                }
            }
        });
    }

    /** CPython 3.8 wrote slot sizes where 3.9 and later write offsets: such a list is refused, saying so. */
    @TestFactory
    Stream<DynamicTest> aListMadeByCPython38IsRefused() {
        return each("an older layout is refused", false, python -> {
            try (Py py = new Py(python, PYTHON_MAKES)) {
                String[] names = py.expect("NAMES").split(" ");
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> ShareableList.attach(names[1]));
                assertTrue(e.getMessage().contains("3.8"), e.getMessage());
                py.send("go");
                py.expect("SEEN");
                assertEquals(0, py.exitCode(), py.output());
            }
        });
    }

    private static String text(MemorySegment m, int n) {
        return new String(m.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
    }

    /** A Python process running a script; its output lines are read with a timeout; closing kills it if alive. */
    private static final class Py implements AutoCloseable {
        private static final String EOF = new String("end of output");
        private final java.lang.Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> all = new ArrayList<>();

        Py(Path python, String script, String... args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(python.toString(), "-I", "-X", "utf8", "-c", script));
            cmd.addAll(List.of(args));
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process was destroyed
                } finally {
                    lines.add(EOF);
                }
            }, "python-output");
            reader.setDaemon(true);
            reader.start();
        }

        String expect(String tag) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
            try {
                while (true) {
                    String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (line == null || line == EOF) {
                        if (line == EOF) {
                            lines.add(EOF);
                        }
                        throw new AssertionError("python printed no " + tag + " line; output: " + output());
                    }
                    all.add(line);
                    if (line.startsWith(tag + " ") || line.equals(tag)) {
                        return line;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        void send(String line) throws IOException {
            Writer w = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            w.write(line + "\n");
            w.flush();
        }

        int exitCode() {
            try {
                if (!process.waitFor(SECONDS, TimeUnit.SECONDS)) {
                    throw new AssertionError("python did not end; output: " + output());
                }
                return process.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        String output() {
            List<String> out = new ArrayList<>(all);
            lines.drainTo(out);
            out.removeIf(l -> l == EOF);
            all.clear();
            all.addAll(out);
            return String.join("\n", out);
        }

        @Override
        public void close() {
            process.destroyForcibly();
            try {
                process.waitFor(SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
