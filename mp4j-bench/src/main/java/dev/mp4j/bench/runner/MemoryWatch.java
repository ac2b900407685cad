package dev.mp4j.bench.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Watches the memory of one run: every {@link #PERIOD} it reads the peak resident set (VmHWM of
 * {@code /proc/PID/status}) of the run's process and of every process below it, keeping each one's highest
 * reading. Their sum is what the run cost the machine at most, with every process at its own peak; a process
 * that lives shorter than a period may be missed. Where there is no {@code /proc}, the peak is 0.
 *
 * <p>The processes below the run's are looked for again only when a process or thread has been created on the
 * machine since the last look (the last pid of {@code /proc/loadavg} moved): listing them
 * ({@link ProcessHandle#descendants}) reads the {@code stat} of every process on the machine, about 1 ms of CPU
 * each time, and at every period that was 5–11% of a CPU — taken from the workload's own processes when they
 * use both CPUs of a 2-CPU machine. Between two looks the processes already known are read.
 *
 * <p>A child of the run's process read before it has executed its program (the kernel's "forked, not
 * exec'd" flag) is not counted then: it is the run's process itself, cloned to start a program — the JDK's
 * {@code ProcessBuilder.start} and CPython's spawn clone the caller, sharing its memory until the child
 * executes — and its VmHWM is the caller's. Counted, a JVM's shell or worker caught in that instant added a
 * second copy of the parent's peak (51–65 MiB each, seen for 2 of a Pool.map run's 6 children). A child of a
 * child (CPython's forkserver's children, forked without executing anything) counts as always.
 */
final class MemoryWatch {
    /** How often the processes are read. */
    static final Duration PERIOD = Duration.ofMillis(20);

    private final ProcessHandle root;
    private final Map<Long, Long> peakKiB = new ConcurrentHashMap<>();
    /** The processes seen to have executed their program (the poller's own). */
    private final Set<ProcessHandle> executed = new HashSet<>();
    private final Thread poller;
    private volatile boolean stopped;

    private MemoryWatch(ProcessHandle root) {
        this.root = root;
        this.poller = Thread.ofPlatform().daemon().name("mp4j-bench-memory").unstarted(this::poll);
    }

    /**
     * @param root the run's process
     * @return a watch, already reading
     */
    static MemoryWatch start(ProcessHandle root) {
        MemoryWatch w = new MemoryWatch(root);
        w.poller.start();
        return w;
    }

    /** What a watch saw: the sum of the processes' peaks, and how many processes it saw. */
    record Peak(long kib, int processes) {}

    /**
     * Stops reading (idempotent) and waits for the reader to finish its round.
     *
     * @return what was seen
     */
    Peak stop() {
        stopped = true;
        try {
            poller.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Peak(peakKiB.values().stream().mapToLong(Long::longValue).sum(), peakKiB.size());
    }

    private void poll() {
        List<ProcessHandle> known = List.of();
        long lastPid = NOT_KNOWN;
        while (!stopped) {
            long newest = lastCreatedPid(LOADAVG);
            if (newest == NOT_KNOWN || newest != lastPid) { // read first: what is created during the look is looked for next time
                lastPid = newest;
                known = Stream.concat(Stream.of(root), root.descendants()).toList();
            }
            known.forEach(this::read);
            if (!root.isAlive()) {
                return;
            }
            try {
                Thread.sleep(PERIOD);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void read(ProcessHandle p) {
        Path proc = Path.of("/proc", Long.toString(p.pid()));
        if (p.pid() != root.pid() && !executed.contains(p)) {
            if (cloneOf(proc.resolve("stat"), root.pid())) {
                return;
            }
            executed.add(p); // it cannot be a clone again: the flag goes with the program's execution
        }
        long kib = vmHwmKiB(proc.resolve("status"));
        if (kib > 0) {
            peakKiB.merge(p.pid(), kib, Math::max);
        }
    }

    private static final Path LOADAVG = Path.of("/proc/loadavg");
    static final long NOT_KNOWN = -1;

    /**
     * @param loadavg a {@code /proc/loadavg} file
     * @return its last field, the pid of the process or thread created last on the machine, or {@link #NOT_KNOWN}
     *     when the file cannot be read or is not what Linux writes
     */
    static long lastCreatedPid(Path loadavg) {
        try {
            String s = Files.readString(loadavg, StandardCharsets.US_ASCII).strip();
            return Long.parseLong(s.substring(s.lastIndexOf(' ') + 1));
        } catch (IOException | RuntimeException unreadable) {
            return NOT_KNOWN;
        }
    }

    /** The kernel's flag of a process that was forked and has not executed a program since (PF_FORKNOEXEC). */
    static final long FORKED_NOT_EXECUTED = 0x40;

    /**
     * @param stat a {@code /proc/PID/stat} file
     * @param parent a pid
     * @return whether the process is a child of {@code parent} that has not executed a program since it was
     *     cloned from it; false when the file cannot be read or is not what Linux writes
     */
    static boolean cloneOf(Path stat, long parent) {
        try {
            String s = Files.readString(stat, StandardCharsets.US_ASCII);
            // pid (comm) state ppid pgrp session tty_nr tpgid flags ...: comm may hold spaces and parentheses
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[1]) == parent && (Long.parseLong(f[6]) & FORKED_NOT_EXECUTED) != 0;
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    /**
     * @param status a {@code /proc/PID/status} file
     * @return its VmHWM in KiB, or 0 when the file or the line is not there (the process is gone, or no /proc)
     */
    static long vmHwmKiB(Path status) {
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
                if (line.startsWith("VmHWM:")) {
                    String[] parts = line.substring("VmHWM:".length()).strip().split("\\s+");
                    return Long.parseLong(parts[0]);
                }
            }
        } catch (IOException | NumberFormatException gone) {
            // the process ended between listing and reading, or the file is not what Linux writes
        }
        return 0;
    }
}
