package dev.mp4j.multiprocessing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The processes these tests started (children, and grandchildren the children reported), so that a test
 * class can check at its end that none outlived its test. Forkserver spares that never got a job are not
 * recorded: they belong to mp4j, not to a test.
 */
final class Pids {
    private static final Map<Long, ProcessHandle> STARTED = new ConcurrentHashMap<>();

    private Pids() {}

    /** Records a started process's pid; returns it. */
    static <P extends Process> P started(P p) {
        record(p.pid().orElseThrow(() -> new AssertionError("started process has no pid: " + p)));
        return p;
    }

    /** Records the pid of a process a test started (directly or through a child). */
    static void record(long pid) {
        ProcessHandle.of(pid).ifPresent(h -> STARTED.putIfAbsent(pid, h));
    }

    /**
     * @return true if the process {@code pid} no longer runs: gone, replaced by another process with the
     *     same pid, or a zombie (an orphan's exit is reaped by init, which may take a while or never come)
     */
    static boolean gone(long pid) {
        Optional<ProcessHandle> now = ProcessHandle.of(pid);
        if (now.isEmpty() || !now.get().isAlive()) {
            return true;
        }
        ProcessHandle then = STARTED.get(pid);
        if (then != null && !then.equals(now.get())) {
            return true;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            return close > 0 && close + 2 < stat.length() && (stat.charAt(close + 2) == 'Z' || stat.charAt(close + 2) == 'X');
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * Waits until {@code pid} is {@link #gone}; a process not our child can only be polled.
     *
     * @throws AssertionError if it still runs after {@code timeout}
     */
    static void awaitGone(long pid, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!gone(pid)) {
            if (System.nanoTime() - deadline > 0) {
                fail(what + " (pid " + pid + ") still runs " + timeout + " later: "
                        + ProcessHandle.of(pid).map(h -> h.info().toString()).orElse("?"));
            }
            Thread.sleep(20);
        }
    }

    /** Asserts that every recorded process is gone. */
    static void assertAllGone() {
        List<String> alive = STARTED.keySet().stream().filter(pid -> !gone(pid))
                .map(pid -> pid + " " + ProcessHandle.of(pid).map(h -> h.info().toString()).orElse("?"))
                .toList();
        assertTrue(alive.isEmpty(), "processes started by the tests are still alive: " + alive);
    }
}
