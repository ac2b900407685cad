package dev.mp4j.examples.soak;

import dev.mp4j.futures.WorkerDeath;
import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code ./mp4j soak --minutes N [--seed S]}: mixed workloads for N minutes with random kill -9 of pool
 * workers and of processes inside mp4j's primitives — ProcessPoolExecutor under both WorkerDeath policies and
 * ThreadPoolExecutor tasks (with per-task timeouts and cancels), Pool map and apply, queues between several
 * producer and consumer processes, locks and semaphores across processes, a manager's dict and list, and
 * processes that use an Event, a Barrier, a JoinableQueue and a manager's proxy (killed at random; the parent
 * then uses each of them within a bounded time). Every result is checked
 * against its known value, and every failure against the fault that explains it. At the end it prints
 * tasks done, failures by kind (all expected: yes/no), results lost, and the processes, /dev/shm objects
 * and temporary files left behind; the exit code is 1 if anything is wrong, 2 for bad arguments.
 *
 * <p>{@code --seconds N} replaces {@code --minutes} for short runs (the test's). Only workers that delivered a
 * result (so they are up) are killed unless {@code --kill-booting} is given: a worker killed while it boots breaks a Pool or
 * a REPLACE executor today, which the soak then reports.
 *
 * <p>Children get {@code <java.io.tmpdir>/soak-<pid>} as their temporary directory (short: socket paths must fit in 108 bytes), so that what
 * they leave is seen; the launcher also gives the soak JVM a temporary directory of its own.
 */
public final class Soak {
    private static final Path SHM = Path.of("/dev/shm");
    /** Held here: java.util.logging keeps loggers weakly, and a collected one forgets its level. */
    private static final java.util.logging.Logger MP4J_LOG = java.util.logging.Logger.getLogger("dev.mp4j");

    private final Duration duration;
    private final long seed;
    private final Path childTmp;
    private final boolean killBooting;

    private Soak(Duration duration, long seed, Path childTmp, boolean killBooting) {
        this.duration = duration;
        this.seed = seed;
        this.childTmp = childTmp;
        this.killBooting = killBooting;
    }

    /**
     * Runs the soak.
     *
     * @param args {@code --minutes N} (or {@code --seconds N}), optionally {@code --seed S},
     *     {@code --kill-booting}, {@code --verbose}
     */
    public static void main(String[] args) {
        Duration duration = null;
        long seed = System.nanoTime();
        boolean killBooting = false;
        boolean verbose = false;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--minutes" -> duration = Duration.ofMinutes(positive(a, value(args, ++i, a)));
                    case "--seconds" -> duration = Duration.ofSeconds(positive(a, value(args, ++i, a)));
                    case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
                    case "--kill-booting" -> killBooting = true;
                    case "--verbose" -> verbose = true;
                    case "-h", "--help" -> {
                        usage();
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown argument: " + a);
                }
            }
            if (duration == null) {
                throw new IllegalArgumentException("--minutes N is required");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("soak: " + e.getMessage());
            usage();
            System.exit(2);
            return;
        }
        Path childTmp = Path.of(System.getProperty("java.io.tmpdir"), "soak-" + ProcessHandle.current().pid());
        if (!verbose) {
            // every kill, timeout and cancel is logged by the pools; the report counts them instead
            MP4J_LOG.setLevel(java.util.logging.Level.OFF);
        }
        boolean ok = new Soak(duration, seed, childTmp, killBooting).run(System.out::println);
        System.exit(ok ? 0 : 1);
    }

    private static void usage() {
        System.err.println("usage: ./mp4j soak --minutes N [--seed S] [--kill-booting] [--verbose]");
        System.err.println("  --seed S        the seed of the random choices (printed at the start)");
        System.err.println("  --kill-booting  also kill workers that have not delivered a result yet");
        System.err.println("  --verbose       keep the pools' log messages (every kill, timeout and cancel)");
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static long positive(String option, String v) {
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, got " + v);
        }
        if (n <= 0) {
            throw new IllegalArgumentException(option + " must be greater than 0, got " + v);
        }
        return n;
    }

    /** Runs the workloads, then the checks; prints the report line by line; returns whether all is well. */
    private boolean run(Consumer<String> out) {
        try {
            Files.createDirectories(childTmp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Context ctx = Multiprocessing.getContext("spawn").withJvmOptions(List.of("-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + childTmp));
        out.accept("soak: " + format(duration) + ", seed " + seed + ", " + Multiprocessing.cpuCount() + " CPUs");
        warmUp(ctx);
        // what exists before the workloads: the program's own long-lived objects (the resource tracker,
        // the directory its children report back through) and other programs' ones
        Set<Long> processesBefore = descendants();
        Set<String> shmBefore = shmEntries();
        Set<String> tmpBefore = list(Path.of(System.getProperty("java.io.tmpdir")));

        long t0 = System.nanoTime();
        long deadline = t0 + duration.toNanos();
        Tally tally = new Tally();
        Random master = new Random(seed);
        Killer killer = new Killer(new Random(master.nextLong()), deadline, 400, 1500, killBooting);
        Workloads w = new Workloads(ctx, tally, killer, deadline);
        List<Thread> threads = new ArrayList<>();
        Map<String, Runnable> jobs = new java.util.LinkedHashMap<>();
        long s1 = master.nextLong();
        long s2 = master.nextLong();
        long s3 = master.nextLong();
        long s4 = master.nextLong();
        long s5 = master.nextLong();
        long s6 = master.nextLong();
        long s7 = master.nextLong();
        long s8 = master.nextLong();
        jobs.put("executor-break", () -> w.executor(WorkerDeath.BREAK, new Random(s1)));
        jobs.put("executor-replace", () -> w.executor(WorkerDeath.REPLACE, new Random(s2)));
        jobs.put("threads", () -> w.threads(new Random(s3)));
        jobs.put("pool", () -> w.pool(new Random(s4)));
        jobs.put("queues", () -> w.queues(new Random(s5)));
        jobs.put("locks", () -> w.locks(new Random(s6)));
        jobs.put("manager", () -> w.manager(new Random(s7)));
        jobs.put("primitives", () -> w.primitives(new Random(s8)));
        for (var job : jobs.entrySet()) {
            threads.add(Thread.ofPlatform().name("soak-" + job.getKey()).start(() -> {
                try {
                    job.getValue().run();
                } catch (Throwable e) {
                    tally.unexpected(job.getKey() + " workload crashed: " + e);
                    e.printStackTrace();
                }
            }));
        }
        Thread killerThread = Thread.ofPlatform().name("soak-killer").daemon().start(killer);
        Set<Long> shmUsed = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Thread sampler = Thread.ofPlatform().name("soak-shm-sampler").daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                sampleShm(shmUsed);
                try {
                    Thread.sleep(250); // a sampling period, not a wait for a condition
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        for (Thread t : threads) {
            try {
                t.join(); // each workload ends its round after the deadline; outcomes are bounded by LOST_AFTER
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        killerThread.interrupt();
        sampler.interrupt();
        long took = System.nanoTime() - t0;

        // leaks: wait a while for what ends asynchronously (a worker's exit, a queue's unlink after GC)
        List<String> procs = leakedProcesses(processesBefore);
        List<String> segments = leakedShm(shmBefore, shmUsed);
        List<String> files = leakedFiles(tmpBefore);

        boolean allExpected = tally.unexpected() == 0;
        out.accept("ran:               " + format(Duration.ofNanos(took)));
        out.accept("tasks done:        " + tally.tasksDone() + " (every result checked)");
        tally.doneByWorkload().forEach((k, v) -> out.accept("  " + k + ": " + v));
        out.accept("worker kills:      " + killer.kills());
        Map<String, Long> failures = tally.failuresByKind();
        out.accept("failures by kind:  " + (failures.isEmpty() ? "none" : failures.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))));
        out.accept("all expected:      " + (allExpected ? "yes" : "no (" + tally.unexpected() + " unexplained)"));
        for (String e : tally.examples()) {
            out.accept("  unexplained: " + e);
        }
        out.accept("results lost:      " + tally.lost());
        out.accept("leaked processes:  " + procs.size() + (procs.isEmpty() ? "" : " " + procs));
        out.accept("leaked segments:   " + segments.size() + (segments.isEmpty() ? "" : " " + segments));
        out.accept("leaked files:      " + files.size() + (files.isEmpty() ? "" : " " + files));
        boolean ok = allExpected && tally.lost() == 0 && procs.isEmpty() && segments.isEmpty() && files.isEmpty()
                && tally.tasksDone() > 0;
        out.accept("soak: " + (ok ? "OK" : "FAILED"));
        return ok;
    }

    /** Starts what lives as long as the program (the resource tracker, the spawn rendezvous) before counting. */
    private static void warmUp(Context ctx) {
        Process p = ctx.process(() -> { });
        p.start();
        p.join();
        p.close();
        Queue<String> q = ctx.queue();
        q.put("warm");
        q.get();
        q.close();
    }

    // ------------------------------------------------------------------ leak checks

    private static Set<Long> descendants() {
        return ProcessHandle.current().descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    /** Processes started during the run that still live 20 s after it (the resource tracker aside). */
    private static List<String> leakedProcesses(Set<Long> before) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<ProcessHandle> left;
        do {
            left = ProcessHandle.current().descendants()
                    .filter(p -> !before.contains(p.pid()) && p.isAlive())
                    .toList();
            if (left.isEmpty()) {
                break;
            }
            pause();
        } while (System.nanoTime() - deadline < 0);
        return left.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList();
    }

    private static Set<String> shmEntries() {
        Set<String> out = new TreeSet<>(list(SHM));
        out.removeIf(n -> !n.startsWith("mp4j-") && !n.startsWith("sem.mp4j-"));
        return out;
    }

    /**
     * The /dev/shm objects this program used (sampled by {@link #sampleShm}) that are still there 20 s after
     * the run, after garbage collections (a queue's names go when its last handle is collected). Objects
     * are matched by inode: a semaphore's creator maps it under a temporary name; other programs' objects
     * (tests running beside the soak, say) are never counted.
     */
    private static List<String> leakedShm(Set<String> before, Set<Long> used) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Set<String> left;
        do {
            System.gc();
            pause();
            left = shmEntries();
            left.removeAll(before);
            left.removeIf(n -> !used.contains(inode(SHM.resolve(n))));
        } while (!left.isEmpty() && System.nanoTime() - deadline < 0);
        return List.copyOf(left);
    }

    /** Adds to {@code used} the inodes of the /dev/shm files this JVM and its descendants map now. */
    private static void sampleShm(Set<Long> used) {
        Set<Long> pids = descendants();
        pids.add(ProcessHandle.current().pid());
        for (long pid : pids) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "maps"))) {
                    if (line.contains("/dev/shm/")) {
                        used.add(Long.parseLong(line.trim().split("\\s+")[4]));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // gone meanwhile
            }
        }
    }

    /** What the children left in their temporary directory, and the soak JVM in its own, 20 s after the run. */
    private List<String> leakedFiles(Set<String> tmpBefore) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<String> left;
        do {
            left = new ArrayList<>();
            for (String n : list(childTmp)) {
                left.add(childTmp.resolve(n).toString());
            }
            for (String n : list(tmp)) {
                if (n.startsWith("mp4j-") && !tmpBefore.contains(n) && !tmp.resolve(n).equals(childTmp)) {
                    left.add(tmp.resolve(n).toString());
                }
            }
            if (left.isEmpty()) {
                break;
            }
            pause();
        } while (System.nanoTime() - deadline < 0);
        if (left.isEmpty()) {
            try {
                Files.deleteIfExists(childTmp);
            } catch (IOException e) {
                left.add(childTmp + " cannot be removed: " + e);
            }
        }
        return left;
    }

    private static long inode(Path p) {
        try {
            return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static Set<String> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            return new TreeSet<>();
        }
    }

    /** Leftovers are removed by other processes (a worker's exit, the tracker): nothing to wait on but time. */
    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String format(Duration d) {
        return String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }
}
