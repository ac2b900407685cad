package dev.mp4j.internal.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.internal.ffm.Posix;
import dev.mp4j.internal.shm.Segment;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The resource tracker removes what a program made when the program is killed. */
@Timeout(60)
class ResourceTrackerTest {
    /** Makes a segment, a semaphore and a child process, prints their names, then waits to be killed. */
    public static void main(String[] args) throws Exception {
        Segment seg = Segment.create(null, 4096);
        String semName = "/mp4j-t" + ProcessHandle.current().pid();
        Posix.semCreate(semName, 0);
        ResourceTracker.register(ResourceTracker.Kind.SEM, semName);
        dev.mp4j.multiprocessing.Process child = new dev.mp4j.multiprocessing.Process(() -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        child.start();
        System.out.println(seg.name() + " " + semName + " " + child.pid().getAsLong());
        System.out.flush();
        Thread.sleep(60_000);
    }

    @Test
    void aKilledProgramLeavesNothingInDevShmAndNoChild() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), ResourceTrackerTest.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String[] names;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line = r.readLine();
            assertTrue(line != null, "the program printed nothing");
            names = line.split(" ");
        } finally {
            p.destroyForcibly(); // SIGKILL: no shutdown hook runs
            p.waitFor(10, TimeUnit.SECONDS);
        }
        Path shm = Path.of("/dev/shm", names[0]);
        Path sem = Path.of("/dev/shm", "sem." + names[1].substring(1));
        long childPid = Long.parseLong(names[2]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((Files.exists(shm) || Files.exists(sem) || ProcessHandle.of(childPid).map(ProcessHandle::isAlive).orElse(false))
                && System.nanoTime() < deadline) {
            Thread.sleep(50); // the tracker and the child are other programs: nothing to wait on
        }
        assertFalse(Files.exists(shm), shm + " is still there");
        assertFalse(Files.exists(sem), sem + " is still there");
        assertFalse(ProcessHandle.of(childPid).map(ProcessHandle::isAlive).orElse(false), "child " + childPid + " lives on");
    }

    /** Registers a file of its own with the tracker, prints its name, then waits to be killed. */
    static final class MarkedProgram {
        public static void main(String[] args) throws Exception {
            Path file = Files.createTempFile("mp4j-tracker-test-", ".tmp");
            ResourceTracker.register(ResourceTracker.Kind.FILE, file.toString());
            System.out.println(file);
            System.out.flush();
            Thread.sleep(60_000);
        }
    }

    @Test
    void theTrackerOfAKilledChildIsNotKilledWithWhatTheChildStarted() throws Exception {
        // a child JVM of mp4j carries its tree's token, and so does whatever it starts; once the child is
        // found dead its parent kills every process with the token: the tracker must not carry it
        String token = "test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), MarkedProgram.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("MP4J_TREE", token);
        Process p = pb.start();
        Path file;
        try {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line = r.readLine();
                assertTrue(line != null, "the program printed nothing");
                file = Path.of(line);
            }
            assertTrue(Files.exists(file), file + " was not made");
            List<Long> carriers = ProcessHandle.allProcesses()
                    .filter(h -> environ(h.pid()).contains("MP4J_TREE=" + token))
                    .map(ProcessHandle::pid).toList();
            assertEquals(List.of(p.pid()), carriers, "processes carrying the child's token");
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(50); // the tracker is another program: nothing to wait on
        }
        assertFalse(Files.exists(file), file + " is still there");
    }

    private static String environ(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")),
                    StandardCharsets.UTF_8);
        } catch (java.io.IOException | SecurityException e) {
            return ""; // gone, or not ours
        }
    }

    /** Starts this JVM's tracker, then waits to be killed. */
    static final class StartingProgram {
        public static void main(String[] args) throws Exception {
            ResourceTracker.start();
            Thread.sleep(60_000);
        }
    }

    @Test
    void aProgramKilledWhileItsTrackerStartsLeavesNeitherTheTrackerNorItsDirectory() throws Exception {
        Path tmp = Files.createTempDirectory("mp4j-tracker-kill-");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            for (int delay = 0; delay <= 400; delay += 40) {
                Process p = new ProcessBuilder(java, "-Djava.io.tmpdir=" + tmp, "-cp",
                        System.getProperty("java.class.path"), StartingProgram.class.getName())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
                Thread.sleep(delay);
                p.destroyForcibly(); // SIGKILL, at some point of the tracker's start (or after it)
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                List<Path> left;
                do {
                    Thread.sleep(50); // the tracker is another program: nothing to wait on
                    try (var files = Files.list(tmp)) {
                        left = files.toList();
                    }
                } while ((!left.isEmpty() || !trackersOf(tmp).isEmpty()) && System.nanoTime() < deadline);
                assertEquals(List.of(), left, "left by a program killed after " + delay + " ms");
                assertEquals(List.of(), trackersOf(tmp), "trackers left running");
            }
        } finally {
            trackersOf(tmp).forEach(ProcessHandle::destroyForcibly);
            try (var files = Files.walk(tmp)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** @return the trackers (awk, or the shell that starts it) of programs whose temporary directory is {@code tmp} */
    private static List<ProcessHandle> trackersOf(Path tmp) {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().arguments().map(a -> String.join(" ", a).contains(tmp + "/mp4j-tracker-"))
                        .orElse(false))
                .toList();
    }

    /**
     * Makes and registers, in {@code args[0]}, {@code args[1]} files with long names in directories of their own,
     * registered too, and exits without removing any: the tracker's list of them is longer than one command takes.
     */
    static final class LeavingProgram {
        public static void main(String[] args) throws Exception {
            Path root = Path.of(args[0]);
            int n = Integer.parseInt(args[1]);
            String pad = "f".repeat(180);
            for (int i = 0; i < n; i++) {
                Path d = root.resolve("d" + i);
                ResourceTracker.register(ResourceTracker.Kind.DIR, d.toString());
                Files.createDirectory(d);
                Path f = d.resolve(pad + i);
                ResourceTracker.register(ResourceTracker.Kind.FILE, f.toString());
                Files.createFile(f);
            }
        }
    }

    @Test
    void whatAProgramLeavesRegisteredIsRemovedAfterItEndsHoweverLongItsList() throws Exception {
        Path tmp = Files.createTempDirectory("mp4j-tracker-left-");
        Path root = Files.createDirectory(tmp.resolve("left"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            Process p = new ProcessBuilder(java, "-Djava.io.tmpdir=" + tmp, "-cp",
                    System.getProperty("java.class.path"), LeavingProgram.class.getName(), root.toString(), "700")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the program did not end");
            assertEquals(0, p.exitValue());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            List<Path> left;
            do {
                Thread.sleep(50); // the tracker is another program: nothing to wait on
                try (var files = Files.walk(tmp)) {
                    left = files.filter(f -> !f.equals(tmp) && !f.equals(root)).toList();
                } catch (java.io.UncheckedIOException removedMeanwhile) {
                    left = List.of(root); // the tracker is at work: look again
                }
            } while (!left.isEmpty() && System.nanoTime() < deadline);
            assertEquals(List.of(), left, "left after the program ended");
        } finally {
            try (var files = Files.walk(tmp)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    @Test
    void aTrackerStartedInTheBackgroundIsTheOneRegistrationsWaitFor() throws Exception {
        ResourceTracker.startInBackground();
        ResourceTracker.startInBackground(); // once per JVM
        String fifo = ResourceTracker.fifo(); // waits for the start, on whichever thread it runs
        assertFalse(fifo.isEmpty(), "no tracker started");
        assertEquals(ResourceTracker.fifoName(), fifo);
        assertTrue(Files.exists(Path.of(fifo)), fifo + " is not there");
        Segment seg = Segment.create(null, 4096);
        try {
            assertTrue(Files.exists(Path.of("/dev/shm", seg.name())));
        } finally {
            seg.close();
            assertTrue(seg.unlink());
        }
        ResourceTracker.startInBackground(); // started: nothing to do
        assertEquals(fifo, ResourceTracker.fifo());
    }

    @Test
    void namesOutsideMp4jsAreRefused() {
        for (String bad : List.of("/etc/passwd", "/mp4j-x y", "/mp4j-../../x", "mp4j-a'b")) {
            assertThrows(IllegalArgumentException.class, () -> ResourceTracker.register(ResourceTracker.Kind.SEM, bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> ResourceTracker.register(ResourceTracker.Kind.FILE, "relative/path"));
        assertThrows(IllegalArgumentException.class, () -> ResourceTracker.register(ResourceTracker.Kind.DIR, "/tmp/a b"));
    }

    @Test
    void theNamesHandledAreThoseOfTheRegularExpressionsOfTheirKinds() {
        java.util.Map<ResourceTracker.Kind, java.util.regex.Pattern> patterns = java.util.Map.of(
                ResourceTracker.Kind.SEM, java.util.regex.Pattern.compile("/mp4j-[A-Za-z0-9._-]{1,200}"),
                ResourceTracker.Kind.SHM, java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,200}"),
                ResourceTracker.Kind.FILE, java.util.regex.Pattern.compile("/[A-Za-z0-9._/-]{1,400}"),
                ResourceTracker.Kind.DIR, java.util.regex.Pattern.compile("/[A-Za-z0-9._/-]{1,400}"));
        java.util.List<String> names = new java.util.ArrayList<>(java.util.List.of("", "/", "/mp4j-", "/mp4j-a",
                "/mp4j-a.b_c-D9", "/mp4j-a/b", "/mp4j-a b", "mp4j-a", "/MP4J-a", "/mp4j-..", "/mp4j-a..b", "a", "a.b",
                "a/b", "/a", "/a/b.c_d-e", "//", "/a/../b", "/a b", "/a\n", "a\u00e9", "/\u00e9", "/tmp/mp4j-1/c3",
                "a:b", "/a:b", "/a*"));
        names.add("/mp4j-" + "x".repeat(200));
        names.add("/mp4j-" + "x".repeat(201));
        names.add("y".repeat(200));
        names.add("y".repeat(201));
        names.add("/" + "z".repeat(400));
        names.add("/" + "z".repeat(401));
        for (ResourceTracker.Kind kind : ResourceTracker.Kind.values()) {
            for (String name : names) {
                boolean expected = patterns.get(kind).matcher(name).matches() && !name.contains("..");
                assertEquals(expected, ResourceTracker.handled(kind, name), kind + " " + name);
            }
        }
    }
}
