package dev.mp4j.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the fault tests see of processes from outside, through Linux's /proc and kill(1), without any hook
 * in mp4j: signals by pid, the bytes a process read and wrote, the /dev/shm objects it maps, whether it
 * still runs, and what the test JVM started.
 */
final class Procs {
    private Procs() {}

    private static final java.lang.invoke.MethodHandle KILL = killHandle();

    /** kill(2) through FFM (the test JVM runs with --enable-native-access=ALL-UNNAMED). */
    @SuppressWarnings("restricted")
    private static java.lang.invoke.MethodHandle killHandle() {
        java.lang.foreign.Linker linker = java.lang.foreign.Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find("kill").orElseThrow(),
                java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_INT,
                        java.lang.foreign.ValueLayout.JAVA_INT, java.lang.foreign.ValueLayout.JAVA_INT));
    }

    /**
     * Sends {@code signal} ("KILL", "STOP", "CONT") to {@code pid} with kill(2), called directly: a
     * stop must land within microseconds to catch a transfer in the middle.
     */
    static void signal(long pid, String signal) {
        int sig = switch (signal) {
            case "KILL" -> 9;
            case "CONT" -> 18;
            case "STOP" -> 19;
            case "TERM" -> 15;
            default -> throw new IllegalArgumentException("signal " + signal);
        };
        int rc;
        try {
            rc = (int) KILL.invokeExact(Math.toIntExact(pid), sig);
        } catch (Throwable t) {
            throw new AssertionError("kill(" + pid + ", " + signal + ")", t);
        }
        assertEquals(0, rc, "kill -" + signal + " " + pid + " failed (is it gone?)");
    }

    /** kill -9. */
    static void kill9(long pid) {
        signal(pid, "KILL");
    }

    /**
     * The bytes {@code pid} passed to read and write system calls so far ({@code rchar}, {@code wchar} of
     * /proc/PID/io: sockets and pipes included), or null if it is gone.
     */
    static long[] io(long pid) {
        try {
            long r = -1;
            long w = -1;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "io"))) {
                if (line.startsWith("rchar:")) {
                    r = Long.parseLong(line.substring(6).strip());
                } else if (line.startsWith("wchar:")) {
                    w = Long.parseLong(line.substring(6).strip());
                }
            }
            return new long[] {r, w};
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null; // gone between the listing and the read
        }
    }

    private static final boolean ARM = "aarch64".equals(System.getProperty("os.arch"));
    /** read(2) and write(2), the calls the JDK's socket channels make; recvfrom and sendto likewise. */
    private static final Set<Integer> READS = ARM ? Set.of(63, 207) : Set.of(0, 45);
    private static final Set<Integer> WRITES = ARM ? Set.of(64, 206) : Set.of(1, 44);

    /**
     * A thread in a read or write system call: its tid, the call's number, fd and byte count (from
     * /proc/PID/task/TID/syscall, which the parent of a process may read).
     */
    record InCall(long tid, int nr, long fd, long count) {}

    /** The threads of {@code pid} now inside a read ({@code reading}) or write of at least {@code minCount} bytes. */
    static List<InCall> inTransfer(long pid, boolean reading, long minCount) {
        List<InCall> out = new ArrayList<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        for (String tid : list(tasks)) {
            InCall c = inCall(pid, Long.parseLong(tid));
            if (c != null && (reading ? READS : WRITES).contains(c.nr) && c.count >= minCount) {
                out.add(c);
            }
        }
        return out;
    }

    /** What thread {@code tid} of {@code pid} is in, or null if not in a system call (or gone). */
    static InCall inCall(long pid, long tid) {
        String line;
        try {
            line = Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(tid), "syscall")).strip();
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
        String[] f = line.split(" ");
        if (f.length < 4 || f[0].equals("running") || f[0].startsWith("-")) {
            return null;
        }
        return new InCall(tid, Integer.parseInt(f[0]), Long.decode(f[1]), Long.decode(f[3]));
    }

    /** The names of the /dev/shm files that {@code pid} maps now (segments, and sem.* for semaphores). */
    static Set<String> shmMapped(long pid) {
        Set<String> out = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "maps"))) {
                int at = line.indexOf("/dev/shm/");
                if (at >= 0) {
                    String name = line.substring(at + "/dev/shm/".length());
                    if (name.endsWith(" (deleted)")) {
                        continue; // already unlinked
                    }
                    out.add(name.strip());
                }
            }
        } catch (IOException e) {
            // gone: maps nothing
        }
        return out;
    }

    /** The pids of every process below the test JVM now. */
    static Set<Long> descendants() {
        return ProcessHandle.current().descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    /** Whether {@code pid} runs (a zombie does not). */
    static boolean alive(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            char state = stat.charAt(close + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** One line about each process: pid and command line, for failure messages. */
    static String describe(Collection<Long> pids) {
        return pids.stream().map(p -> p + " " + ProcessHandle.of(p).map(h -> h.info().commandLine().orElse("?"))
                .orElse("(gone)")).collect(Collectors.joining("; "));
    }

    /**
     * Waits until none of {@code pids} runs. A process that is not a child of this JVM can only be polled,
     * which {@code ProcessHandle.onExit} does.
     *
     * @throws AssertionError naming the ones still alive after {@code timeout}
     */
    static void awaitGone(Collection<Long> pids, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long pid : pids) {
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            if (h.isEmpty()) {
                continue;
            }
            try {
                h.get().onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                // checked below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        List<Long> alive = pids.stream().filter(Procs::alive).toList();
        if (!alive.isEmpty()) {
            fail(what + " still run " + timeout.toSeconds() + " s later: " + describe(alive));
        }
    }

    /** The names in {@code dir} (empty if it does not exist). */
    static Set<String> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        } catch (NoSuchFileException e) {
            return Set.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until none of {@code names} is in {@code dir}: what a killed program left is removed by its
     * resource tracker, another process, so there is nothing to wait on but the directory itself.
     *
     * @return the ones still there after {@code timeout} (empty when all went)
     */
    static Set<String> awaitAbsent(Path dir, Collection<String> names, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> left = new HashSet<>(names);
        while (true) {
            left.retainAll(list(dir));
            if (left.isEmpty() || System.nanoTime() - deadline > 0) {
                return new TreeSet<>(left);
            }
            pause();
        }
    }

    /** Polling pause for states only the kernel knows (a file another process removes, a pid's counters). */
    static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Every pid in {@code now} not in {@code before}. */
    static List<Long> added(Set<Long> before, Set<Long> now) {
        List<Long> out = new ArrayList<>(now);
        out.removeAll(before);
        return out;
    }

    /**
     * The stacks of this JVM's threads, for a failure's record.
     *
     * @param mp4jOnly only the threads inside mp4j's internals
     */
    static String stacks(boolean mp4jOnly) {
        StringBuilder b = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, frames) -> {
            if (!mp4jOnly || java.util.Arrays.stream(frames).anyMatch(f -> f.getClassName().startsWith("dev.mp4j.internal"))) {
                b.append(t.getName()).append('\n');
                for (StackTraceElement f : frames) {
                    b.append("    at ").append(f).append('\n');
                }
            }
        });
        return b.toString();
    }
}
