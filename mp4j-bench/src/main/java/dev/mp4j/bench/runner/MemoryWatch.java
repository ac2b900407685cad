package dev.mp4j.bench.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches the memory of one run: every {@link #PERIOD} it reads the peak resident set (VmHWM of
 * {@code /proc/PID/status}) of the run's process and of every process below it, keeping each one's highest
 * reading. Their sum is what the run cost the machine at most, with every process at its own peak; a process
 * that lives shorter than a period may be missed. Where there is no {@code /proc}, the peak is 0.
 *
 * <p>New processes are looked for among the pids created since the last look: the last pid of
 * {@code /proc/loadavg} says where creation has got to, and each pid between (a process or a thread, anywhere
 * on the machine) is one small read, kept when its parent is one of the run's. Listing the run's
 * descendants ({@link ProcessHandle#descendants}) reads the {@code stat} of every process on the machine, about
 * 1 ms of CPU: done every period, that was 5–11% of a CPU, taken from the workload's own processes when they
 * use both CPUs of a 2-CPU machine. It is still done every {@link #FULL_LOOK} periods, and whenever the pids
 * wrapped around or too many were created since the last look.
 *
 * <p>Beside the sum, a watch keeps the run's process's own peak and counts the <em>program processes</em>
 * below it: those running a JVM ({@code java}) or a Python interpreter ({@code python…}), by the name in
 * their {@code status}. What the rest of the processes held is the workers' share, divided among them: a
 * short-lived helper (a shell, {@code mkfifo}, {@code awk}) adds its memory there without counting as one
 * more process, and an interpreter that is not a worker (CPython's resource tracker) counts as one. Both
 * lean against mp4j, whose helpers are shells and commands and whose children are all JVMs.
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
    /** The pids last seen running a JVM or a Python interpreter. */
    private final Set<Long> programs = ConcurrentHashMap.newKeySet();
    /**
     * What the processes that have ended held at their peaks, and how many there were, of which how many ran a
     * JVM or an interpreter: taken out of {@link #peakKiB} when they end, so that a pid used again by a later
     * process counts as one more. Guarded by this.
     */
    private long goneKiB;
    private int goneProcesses;
    private int goneWorkers;
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

    /**
     * What a watch saw.
     *
     * @param kib the sum of the processes' peaks
     * @param processes how many processes it saw, the run's own included
     * @param parentKiB the peak of the run's own process
     * @param workers how many of the other processes ran a JVM or a Python interpreter
     */
    record Peak(long kib, int processes, long parentKiB, int workers) {}

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
        long root = this.root.pid();
        synchronized (this) {
            int workers = goneWorkers;
            for (long pid : peakKiB.keySet()) {
                if (pid != root && programs.contains(pid)) {
                    workers++;
                }
            }
            return new Peak(goneKiB + peakKiB.values().stream().mapToLong(Long::longValue).sum(),
                    goneProcesses + peakKiB.size(), peakKiB.getOrDefault(root, 0L), workers);
        }
    }

    private void poll() {
        Set<Long> known = new LinkedHashSet<>();
        Set<Long> executed = new HashSet<>();
        long lastPid = NOT_KNOWN;
        for (long period = 0; !stopped; period++) {
            long newest = lastCreatedPid(LOADAVG); // before looking: what is created meanwhile is seen next time
            if (period % FULL_LOOK == 0 || newest == NOT_KNOWN || lastPid == NOT_KNOWN || newest < lastPid
                    || newest - lastPid > MAX_NEW) {
                known.clear();
                known.add(root.pid());
                root.descendants().forEach(p -> known.add(p.pid()));
            } else {
                for (long pid = lastPid + 1; pid <= newest; pid++) {
                    if (known.contains(childOf(Path.of("/proc", Long.toString(pid), "status"), pid))) {
                        known.add(pid);
                    }
                }
            }
            lastPid = newest;
            for (var it = known.iterator(); it.hasNext(); ) {
                long pid = it.next();
                if (!read(pid, executed)) {
                    it.remove();
                    executed.remove(pid);
                    retire(pid);
                }
            }
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

    /** Moves an ended process's peak out of {@link #peakKiB} into the sums of those that have ended. */
    private synchronized void retire(long pid) {
        Long kib = peakKiB.remove(pid);
        boolean program = programs.remove(pid);
        if (kib != null) {
            goneKiB += kib;
            goneProcesses++;
            if (program) {
                goneWorkers++;
            }
        }
    }

    /**
     * Reads one process's peak, unless it is a clone of the run's process not yet executed.
     *
     * @param executed the pids seen to have executed their program: their {@code stat} is not read again (the
     *     flag goes with the execution, for good)
     * @return false once the process is gone
     */
    private boolean read(long pid, Set<Long> executed) {
        Path proc = Path.of("/proc", Long.toString(pid));
        if (pid != root.pid() && !executed.contains(pid)) {
            if (cloneOf(proc.resolve("stat"), root.pid())) {
                return true;
            }
            executed.add(pid);
        }
        Status status = status(proc.resolve("status"));
        if (status.hwmKiB() > 0) {
            synchronized (this) {
                peakKiB.merge(pid, status.hwmKiB(), Math::max);
                if (isProgram(status.name())) {
                    programs.add(pid);
                } else {
                    programs.remove(pid); // a JVM's launcher that executed something else, say
                }
            }
            return true;
        }
        return pid == root.pid();
    }

    private static final Path LOADAVG = Path.of("/proc/loadavg");
    /** Every so many periods the run's descendants are listed from all the machine's processes. */
    static final int FULL_LOOK = 25;
    /** More pids created than this in one period (reading them would cost a listing): the descendants are listed. */
    static final int MAX_NEW = 48;
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

    /**
     * @param status the {@code /proc/PID/status} file of a pid
     * @param pid that pid
     * @return the parent's pid when the pid is a process (a thread's Tgid is another pid's), otherwise
     *     {@link #NOT_KNOWN}, as when the file cannot be read
     */
    static long childOf(Path status, long pid) {
        try {
            long tgid = NOT_KNOWN;
            for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
                if (line.startsWith("Tgid:")) {
                    tgid = Long.parseLong(line.substring("Tgid:".length()).strip());
                } else if (line.startsWith("PPid:")) {
                    return tgid == pid ? Long.parseLong(line.substring("PPid:".length()).strip()) : NOT_KNOWN;
                }
            }
        } catch (IOException | NumberFormatException gone) {
            // the pid is gone already, or the file is not what Linux writes
        }
        return NOT_KNOWN;
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
     * What a {@code status} file says of a process.
     *
     * @param name the name of its program ({@code Name:}, at most 15 characters), empty when not read
     * @param hwmKiB its peak resident set ({@code VmHWM:}), 0 when not read
     */
    record Status(String name, long hwmKiB) {}

    /**
     * @param status a {@code /proc/PID/status} file
     * @return its name and VmHWM in KiB; a VmHWM of 0 when the file or the line is not there (the process is
     *     gone, or no /proc)
     */
    static Status status(Path status) {
        String name = "";
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
                if (line.startsWith("Name:")) {
                    name = line.substring("Name:".length()).strip();
                } else if (line.startsWith("VmHWM:")) {
                    String value = line.substring("VmHWM:".length()).strip(); // "51200 kB"
                    int space = value.indexOf(' ');
                    return new Status(name, Long.parseLong(space < 0 ? value : value.substring(0, space)));
                }
            }
        } catch (IOException | NumberFormatException gone) {
            // the process ended between listing and reading, or the file is not what Linux writes
        }
        return new Status(name, 0);
    }

    /**
     * @param name a process's name, as {@code status} gives it
     * @return whether it runs a JVM or a Python interpreter ({@code python3}, {@code python3.11}, ...)
     */
    static boolean isProgram(String name) {
        return name.equals("java") || name.startsWith("python");
    }
}
