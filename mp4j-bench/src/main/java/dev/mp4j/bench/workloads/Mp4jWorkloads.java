package dev.mp4j.bench.workloads;

import dev.mp4j.futures.Future;
import dev.mp4j.futures.ProcessPoolExecutor;
import dev.mp4j.futures.ThreadPoolExecutor;
import dev.mp4j.internal.wire.Codec;
import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pipe;
import dev.mp4j.multiprocessing.Pool;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Queue;
import dev.mp4j.multiprocessing.SharedDoubleArray;
import dev.mp4j.multiprocessing.SharedInt;
import dev.mp4j.multiprocessing.ThreadPool;
import dev.mp4j.multiprocessing.managers.SyncManager;
import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.Lock;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The mp4j side of every workload of {@code ./mp4j bench}: {@code Mp4jWorkloads NAME [quick]} runs one and
 * prints its figure as the last line of stdout, {@code RESULT <number>}, in the unit the catalog gives.
 * The python3 twin of each is in {@code src/main/python/mp4j_bench.py}; keep the two doing the same work.
 *
 * <p>A steady-state workload first makes its pool, child or connection answer once (untimed), then runs
 * {@link #WARMUP} warm-up passes and {@link #MEASURED} measured passes of the same size with the same
 * processes; RESULT is the median of the measured passes. Before it come {@code FIRST <number>}, the figure
 * of the very first pass (the JIT-cold one), and {@code SECOND <number>}, that of the pass after it. A
 * workload that is one cold shot by nature prints neither.
 */
public final class Mp4jWorkloads {
    /** Warm-up passes of a steady-state workload in a full run; mp4j_bench.py has the same. */
    public static final int WARMUP = 5;
    /**
     * The least time the warm-up of a parent-driven steady-state workload lasts in a full run (in whole
     * passes); mp4j_bench.py has the same.
     */
    public static final double WARMUP_SECONDS = 1.0;
    /** The most warm-up passes a timed warm-up runs; mp4j_bench.py has the same. */
    public static final int MAX_WARMUP = 1000;
    /** Measured passes of a steady-state workload in a full run; mp4j_bench.py has the same. */
    public static final int MEASURED = 5;
    /** Warm-up passes in a quick run. */
    public static final int QUICK_WARMUP = 1;
    /** Measured passes in a quick run. */
    public static final int QUICK_MEASURED = 2;

    private static final int MIB = 1 << 20;
    /** cpu-scaling's rounds (1 worker, then 2) in a full run; mp4j_bench.py has the same. */
    public static final int CPU_ROUNDS = 3;
    /** Not a workload: what the runner runs first ({@link #prime()}). */
    public static final String PRIME = "prime";

    private final boolean quick;
    private final int warmup;
    private final int measured;
    /** The figure of the first pass, printed as FIRST; NaN when the workload has no such figure. */
    private double first = Double.NaN;
    /** The figure of the second pass, printed as SECOND; NaN when the workload has no such figure. */
    private double second = Double.NaN;

    private Mp4jWorkloads(boolean quick) {
        this.quick = quick;
        this.warmup = quick ? QUICK_WARMUP : WARMUP;
        this.measured = quick ? QUICK_MEASURED : MEASURED;
    }

    /**
     * @param args the workload's name, then optionally "quick" for small sizes
     * @throws Exception whatever the workload threw; the runner reports it as a failure
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2 || (args.length == 2 && !args[1].equals("quick"))) {
            System.err.println("usage: Mp4jWorkloads NAME [quick]");
            System.exit(2);
        }
        Mp4jWorkloads w = new Mp4jWorkloads(args.length == 2);
        double result = w.run(args[0]);
        if (!Double.isNaN(w.first)) {
            System.out.println("FIRST " + w.first);
        }
        if (!Double.isNaN(w.second)) {
            System.out.println("SECOND " + w.second);
        }
        System.out.println("RESULT " + result);
        System.out.flush();
        // every process and pool is joined by now; exit even if a library thread lingers
        System.exit(0);
    }

    private double run(String name) throws Exception {
        return switch (name) {
            case "spawn-start-join", "spawn-start-join-dir" -> startJoin("spawn", false);
            case "forkserver-start-join" -> startJoin("forkserver", false);
            case "forkserver-paced" -> startJoin("forkserver", true);
            case "program-pool-map" -> programPoolMap();
            case "program-queue" -> programQueue();
            case "ppe-round-trip" -> ppeRoundTrip();
            case "ppe-20k-submits" -> ppeSubmits();
            case "pool-map" -> poolMap(new Pool(2), size(100_000, 10_000), 0);
            case "pool-map-chunk1" -> poolMap(new Pool(2), size(20_000, 2_000), 1);
            case "pool-imap" -> poolImap();
            case "queue-small" -> queueSmall();
            case "queue-1mib" -> queueBig();
            case "queue-4to1" -> queueFourToOne();
            case "pipe-ping-pong" -> pipePingPong();
            case "pipe-1mib" -> pipeBig(false);
            case "pipe-1mib-into" -> pipeBig(true);
            case "lock-uncontended" -> lockUncontended();
            case "lock-contended" -> lockContended();
            case "shared-array" -> sharedArray();
            case "manager-dict" -> managerDict();
            case "cpu-scaling" -> cpuScaling();
            case "serialize-small" -> serializeSmall();
            case "pickle-list", "pickle-dict", "python-executor-round-trip", "python-executor-20k",
                 "pymanager-dict" -> new PythonWorkloads(this).run(name);
            case "tpe-round-trip" -> tpeRoundTrip();
            case "tpe-20k-submits" -> tpeSubmits();
            case "threadpool-map" -> poolMap(new ThreadPool(2), size(100_000, 10_000), 0);
            case PRIME -> prime();
            default -> throw new IllegalArgumentException("unknown workload: " + name);
        };
    }

    /**
     * Starts a child process, then waits while a training of the child JVMs' AOT cache is under way (a file
     * {@code *.training-*} younger than two minutes in the cache directory), at most two minutes.
     *
     * @return the seconds it waited
     */
    private static double prime() throws InterruptedException {
        Process p = new Process(Mp4jWorkloads::nothing);
        p.start();
        joinOk(p);
        java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("mp4j.aot.dir",
                System.getProperty("user.home") + "/.cache/mp4j/aot"));
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 120_000_000_000L && training(dir)) {
            Thread.sleep(200);
        }
        return Math.max((System.nanoTime() - t0) / 1e9, 1e-9);
    }

    private static boolean training(java.nio.file.Path dir) {
        long recent = System.currentTimeMillis() - 120_000;
        try (var files = java.nio.file.Files.list(dir)) {
            return files.anyMatch(f -> {
                try {
                    return f.getFileName().toString().contains(".training-")
                            && java.nio.file.Files.getLastModifiedTime(f).toMillis() > recent;
                } catch (IOException gone) {
                    return false;
                }
            });
        } catch (IOException noDirectory) {
            return false;
        }
    }

    int size(int full, int small) {
        return quick ? small : full;
    }

    /** One timed pass of a workload: returns its figure. */
    @FunctionalInterface
    interface Pass {
        double run() throws Exception;
    }

    /** How many passes a steady-state workload runs in all: its children produce or echo for all of them. */
    private int passCount() {
        return warmup + measured;
    }

    /**
     * Runs the warm-up passes, then the measured ones; keeps the first pass's figure for FIRST. The warm-up
     * lasts {@link #WARMUP} passes and, in a full run, at least {@link #WARMUP_SECONDS} (at most
     * {@link #MAX_WARMUP} passes): a JVM is not at its steady state after a few short passes.
     *
     * @return the median of the measured passes
     */
    double passes(Pass pass) throws Exception {
        return passes(pass, !quick);
    }

    /**
     * As {@link #passes(Pass)} with exactly {@link #passCount()} passes: for a workload whose children produce
     * or echo a fixed number of items.
     */
    private double fixedPasses(Pass pass) throws Exception {
        return passes(pass, false);
    }

    private double passes(Pass pass, boolean timedWarmup) throws Exception {
        long t0 = System.nanoTime();
        int done = 0;
        while (done < warmup || (timedWarmup && done < MAX_WARMUP
                && System.nanoTime() - t0 < (long) (WARMUP_SECONDS * 1e9))) {
            keep(done++, pass.run());
        }
        List<Double> kept = new ArrayList<>();
        for (int i = 0; i < measured; i++) {
            double v = pass.run();
            keep(done++, v);
            kept.add(v);
        }
        return median(kept);
    }

    /** Keeps the figure of pass {@code index} (0-based) when it is the first or the second. */
    private void keep(int index, double figure) {
        if (index == 0) {
            first = figure;
        } else if (index == 1) {
            second = figure;
        }
    }

    // ---- tasks sent to workers and children (static, so that method references serialize small) ----

    static int inc(int x) {
        return x + 1;
    }

    static void nothing() {
        // the empty target of a process
    }

    /** CPU-bound work: a 64-bit LCG stepped {@code steps} times. */
    static long spin(long steps) {
        long x = 1;
        long acc = 0;
        for (long i = 0; i < steps; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            acc ^= x >>> 29;
        }
        return acc;
    }

    // ---- workloads ----

    /**
     * ms: start() to join() of an empty process, back to back as a program starts them, median of the starts
     * after the first (FIRST: the first; SECOND: the one after it). With {@code pacing}, a pause of 1 s before
     * each start (outside the measurement) lets the forkserver's next spare get ready.
     */
    private double startJoin(String method, boolean pacing) throws InterruptedException {
        Context ctx = Multiprocessing.getContext(method);
        int n = size(4, 2);
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i <= n; i++) {
            if (pacing) {
                Thread.sleep(1000);
            }
            long t0 = System.nanoTime();
            Process p = ctx.process(Mp4jWorkloads::nothing);
            p.start();
            p.join();
            double v = (System.nanoTime() - t0) / 1e6;
            check(p.exitCode().orElse(-999) == 0, "the process exited with " + p.exitCode());
            keep(i, v);
            if (i > 0) {
                ms.add(v);
            }
        }
        return median(ms);
    }

    /**
     * A whole short program, as a user writes it: a Pool of 2, the sum of map(x + 1) over 100,000 integers,
     * printed, the pool closed. The runner times it from exec to exit; the sum is checked here.
     */
    private double programPoolMap() {
        int n = size(100_000, 10_000);
        long sum = 0;
        try (Pool pool = new Pool(2)) {
            for (int r : pool.map(Mp4jWorkloads::inc, IntStream.range(0, n).boxed().toList())) {
                sum += r;
            }
        }
        System.out.println(sum);
        check(sum == (long) n * (n + 1) / 2, "the sum is " + sum);
        return sum;
    }

    /**
     * A whole short program, as the first example of a queue is written: a Process puts a string on a Queue,
     * the parent gets and prints it, then joins the process. The runner times it from exec to exit.
     */
    private double programQueue() {
        Queue<String> q = Multiprocessing.queue();
        try (q) {
            Process p = new Process(() -> q.put("hello"));
            p.start();
            String got = q.get();
            System.out.println(got);
            joinOk(p);
            check("hello".equals(got), "the queue gave " + got);
            return got.length(); // a positive figure: the runner times the program itself
        }
    }

    /** µs: submit→result one at a time on a 2-worker ProcessPoolExecutor; mean per pass of 1,000. */
    private double ppeRoundTrip() throws Exception {
        try (var ex = new ProcessPoolExecutor(2)) {
            return roundTrips(ex, size(1000, 200));
        }
    }

    /** µs: passes of submit→result one at a time on {@code ex}, once a worker is up; mean per pass of n. */
    private double roundTrips(dev.mp4j.futures.Executor ex, int n) throws Exception {
        ex.submit(() -> 1).result();
        return passes(() -> {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                ex.submit(() -> 1).result();
            }
            return (System.nanoTime() - t0) / 1e3 / n;
        });
    }

    /** tasks/s: passes of 20,000 submits, then every result, on a 2-worker ProcessPoolExecutor. */
    private double ppeSubmits() throws Exception {
        try (var ex = new ProcessPoolExecutor(2)) {
            ex.submit(() -> 1).result(); // a worker is up
            int n = size(20_000, 2_000);
            return passes(() -> submits(ex, n));
        }
    }

    private static double submits(dev.mp4j.futures.Executor ex, int n) {
        List<Future<Integer>> fs = new ArrayList<>(n);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            fs.add(ex.submit(() -> 1));
        }
        long sum = 0;
        for (Future<Integer> f : fs) {
            sum += f.result();
        }
        double rate = n / ((System.nanoTime() - t0) / 1e9);
        check(sum == n, "the results add up to " + sum + ", not " + n);
        return rate;
    }

    /** tasks/s: passes of Pool.map of x + 1 over n integers (chunksize 0: the default). */
    private double poolMap(Pool pool, int n, int chunksize) throws Exception {
        try (pool) {
            pool.map(Mp4jWorkloads::inc, List.of(0, 1)); // the pool answers
            List<Integer> items = IntStream.range(0, n).boxed().toList();
            return passes(() -> {
                long t0 = System.nanoTime();
                List<Integer> out = chunksize == 0
                        ? pool.map(Mp4jWorkloads::inc, items)
                        : pool.map(Mp4jWorkloads::inc, items, chunksize);
                double rate = n / ((System.nanoTime() - t0) / 1e9);
                check(out.size() == n && out.get(n - 1) == n, "map returned wrong results");
                return rate;
            });
        }
    }

    /** tasks/s: passes of Pool.imap with chunksize 100, consumed as the results arrive. */
    private double poolImap() throws Exception {
        int n = size(100_000, 10_000);
        try (Pool pool = new Pool(2)) {
            pool.map(Mp4jWorkloads::inc, List.of(0, 1)); // the pool answers
            List<Integer> items = IntStream.range(0, n).boxed().toList();
            return passes(() -> {
                long t0 = System.nanoTime();
                long sum = 0;
                for (int r : pool.imap(Mp4jWorkloads::inc, items, 100)) {
                    sum += r;
                }
                double rate = n / ((System.nanoTime() - t0) / 1e9);
                check(sum == (long) n * (n + 1) / 2, "imap returned wrong results");
                return rate;
            });
        }
    }

    /**
     * msgs/s: a child puts 1 + passes × n integers; the parent gets the first (the child is up), then
     * times each pass of n gets from the continuous stream.
     */
    private double queueSmall() throws Exception {
        int n = size(100_000, 10_000);
        int total = 1 + passCount() * n;
        Queue<Integer> q = Multiprocessing.queue();
        try (q) {
            Process p = new Process(() -> {
                for (int i = 0; i < total; i++) {
                    q.put(i);
                }
            });
            p.start();
            q.get();
            double rate = fixedPasses(() -> {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    q.get();
                }
                return n / ((System.nanoTime() - t0) / 1e9);
            });
            joinOk(p);
            return rate;
        }
    }

    /** MiB/s: the same with arrays of 1 MiB, n per pass. */
    private double queueBig() throws Exception {
        int n = size(200, 20);
        int total = 1 + passCount() * n;
        Queue<byte[]> q = Multiprocessing.queue();
        try (q) {
            Process p = new Process(() -> {
                byte[] b = new byte[MIB];
                for (int i = 0; i < total; i++) {
                    q.put(b);
                }
            });
            p.start();
            q.get();
            double rate = mibPasses(q::get, n);
            joinOk(p);
            return rate;
        }
    }

    /** MiB/s: fixed passes of n messages of 1 MiB taken with {@code receive}. */
    private double mibPasses(java.util.function.Supplier<byte[]> receive, int n) throws Exception {
        return mibLengthPasses(() -> receive.get().length, n);
    }

    /** MiB/s: fixed passes of n messages of 1 MiB, each taken by receive, which returns its length. */
    private double mibLengthPasses(java.util.function.IntSupplier receive, int n) throws Exception {
        return fixedPasses(() -> {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                check(receive.getAsInt() == MIB, "a message was not 1 MiB");
            }
            return n / ((System.nanoTime() - t0) / 1e9);
        });
    }

    /**
     * msgs/s: 4 children and the parent meet at a barrier before every pass; then each child puts n
     * integers and the parent gets all 4 n, timed from its own release.
     */
    private double queueFourToOne() throws Exception {
        int each = size(25_000, 2_500);
        int producers = 4;
        int rounds = passCount();
        Queue<Integer> q = Multiprocessing.queue();
        Barrier start = Multiprocessing.barrier(producers + 1);
        try (q) {
            List<Process> ps = new ArrayList<>();
            for (int k = 0; k < producers; k++) {
                Process p = new Process(() -> {
                    for (int r = 0; r < rounds; r++) {
                        start.await();
                        for (int i = 0; i < each; i++) {
                            q.put(i);
                        }
                    }
                });
                p.start();
                ps.add(p);
            }
            double rate = fixedPasses(() -> {
                start.await();
                long t0 = System.nanoTime();
                for (int i = 0; i < producers * each; i++) {
                    q.get();
                }
                return producers * each / ((System.nanoTime() - t0) / 1e9);
            });
            for (Process p : ps) {
                joinOk(p);
            }
            return rate;
        }
    }

    /** µs: passes of n round trips of send(i) and recv() of the child's echo; one echo first (the child is up). */
    private double pipePingPong() throws Exception {
        int n = size(5_000, 1_000);
        int total = 1 + passCount() * n;
        Pipe pipe = Multiprocessing.pipe();
        Connection mine = pipe.conn1();
        Connection theirs = pipe.conn2();
        try (mine; theirs) {
            Process p = new Process(() -> {
                for (int i = 0; i < total; i++) {
                    Object o = theirs.recv();
                    theirs.send(o);
                }
            });
            p.start();
            mine.send(-1);
            mine.recv();
            double us = fixedPasses(() -> {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    mine.send(i);
                    Integer back = mine.recv();
                    check(back == i, "the echo of " + i + " was " + back);
                }
                return (System.nanoTime() - t0) / 1e3 / n;
            });
            joinOk(p);
            return us;
        }
    }

    /**
     * MiB/s: a child sends 1 + passes × n messages of 1 MiB with sendBytes; the parent times each pass of n,
     * taking each message as a new array (recvBytes) or into the one buffer it reuses (recvBytesInto).
     */
    private double pipeBig(boolean into) throws Exception {
        int n = size(200, 20);
        int total = 1 + passCount() * n;
        Pipe pipe = Multiprocessing.pipe();
        Connection mine = pipe.conn1();
        Connection theirs = pipe.conn2();
        try (mine; theirs) {
            Process p = new Process(() -> {
                byte[] b = new byte[MIB];
                for (int i = 0; i < total; i++) {
                    theirs.sendBytes(b);
                }
            });
            p.start();
            byte[] buf = into ? new byte[MIB] : null;
            mine.recvBytes();
            double rate = into ? mibLengthPasses(() -> mine.recvBytesInto(buf), n) : mibPasses(mine::recvBytes, n);
            joinOk(p);
            return rate;
        }
    }

    /** ops/s: passes of acquire+release pairs of a multiprocessing Lock by one thread. */
    private double lockUncontended() throws Exception {
        Lock lock = Multiprocessing.lock();
        int n = size(2_000_000, 200_000);
        return passes(() -> {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                lock.acquire();
                lock.release();
            }
            return n / ((System.nanoTime() - t0) / 1e9);
        });
    }

    /** ms: two children each do n locked increments of a shared int, from their common start to both done. */
    private double lockContended() {
        int n = size(100_000, 10_000);
        Lock lock = Multiprocessing.lock();
        SharedInt counter = Multiprocessing.sharedInt(0);
        Barrier start = Multiprocessing.barrier(3);
        Queue<Integer> done = Multiprocessing.queue();
        try (done) {
            List<Process> ps = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                Process p = new Process(() -> {
                    start.await();
                    for (int i = 0; i < n; i++) {
                        lock.acquire();
                        counter.set(counter.get() + 1);
                        lock.release();
                    }
                    done.put(1);
                });
                p.start();
                ps.add(p);
            }
            start.await();
            long t0 = System.nanoTime();
            done.get();
            done.get();
            double ms = (System.nanoTime() - t0) / 1e6;
            for (Process p : ps) {
                joinOk(p);
            }
            check(counter.get() == 2 * n, "the counter is " + counter.get() + ", not " + 2 * n);
            return ms;
        }
    }

    /** ms: a child fills a shared array of n doubles and sums it; from start() to the sum received. */
    private double sharedArray() {
        int n = size(10_000_000, 1_000_000);
        SharedDoubleArray a = Multiprocessing.sharedDoubleArray(n);
        Queue<Double> result = Multiprocessing.queue();
        try (result) {
            long t0 = System.nanoTime();
            Process p = new Process(() -> {
                for (int i = 0; i < n; i++) {
                    a.set(i, i);
                }
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += a.get(i);
                }
                result.put(s);
            });
            p.start();
            double sum = result.get();
            double ms = (System.nanoTime() - t0) / 1e6;
            joinOk(p);
            check(sum == (double) n * (n - 1) / 2, "the sum is " + sum);
            return ms;
        }
    }

    /** µs: passes of d.put(k, i) then d.get(k) on a SyncManager dict proxy; mean per pass of 3,000. */
    private double managerDict() throws Exception {
        try (SyncManager m = Multiprocessing.manager()) {
            Map<String, Integer> d = m.dict();
            d.put("k", -1); // the manager answers
            int n = size(3_000, 500);
            return passes(() -> {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    d.put("k", i);
                    check(d.get("k") == i, "the dict lost a value");
                }
                return (System.nanoTime() - t0) / 1e3 / n;
            });
        }
    }

    /**
     * ×: time of 8 CPU-bound tasks on one warm worker over their time on two. Each pool first runs one
     * whole round untimed: the same tasks (their lambda decoded, their loop compiled) on every worker.
     */
    private double cpuScaling() {
        int tasks = size(8, 4);
        long steps = size(150_000_000, 30_000_000);
        int rounds = quick ? 1 : CPU_ROUNDS;
        try (var one = new ProcessPoolExecutor(1); var two = new ProcessPoolExecutor(2)) {
            cpuRun(one, tasks, steps);
            cpuRun(two, tasks, steps);
            List<Double> ratios = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                ratios.add(cpuRun(one, tasks, steps) / cpuRun(two, tasks, steps));
            }
            return median(ratios);
        }
    }

    /** @return seconds to run {@code tasks} tasks of {@code steps} steps on {@code ex} */
    private static double cpuRun(ProcessPoolExecutor ex, int tasks, long steps) {
        long t0 = System.nanoTime();
        List<Future<Long>> fs = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            fs.add(ex.submit(() -> spin(steps)));
        }
        for (Future<Long> f : fs) {
            f.result();
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** ops/s: passes of the codec's encode+decode of a small list, in this JVM. */
    private double serializeSmall() throws Exception {
        List<Object> value = new ArrayList<>(Arrays.asList(42, "hello", 3.14));
        int n = size(200_000, 20_000);
        return passes(() -> {
            long t0 = System.nanoTime();
            Object last = null;
            for (int i = 0; i < n; i++) {
                last = Codec.decode(Codec.encode(value), null);
            }
            double rate = n / ((System.nanoTime() - t0) / 1e9);
            check(value.equals(last), "the codec changed the value");
            return rate;
        });
    }

    /** µs: passes of submit→result one at a time on a 2-thread ThreadPoolExecutor; mean per pass of 10,000. */
    private double tpeRoundTrip() throws Exception {
        try (var ex = new ThreadPoolExecutor(2)) {
            return roundTrips(ex, size(10_000, 2_000));
        }
    }

    /** tasks/s: passes of 20,000 submits, then every result, on a 2-thread ThreadPoolExecutor. */
    private double tpeSubmits() throws Exception {
        try (var ex = new ThreadPoolExecutor(2)) {
            ex.submit(() -> 1).result(); // a thread is up
            int n = size(20_000, 2_000);
            return passes(() -> submits(ex, n));
        }
    }

    // ---- helpers ----

    private static void joinOk(Process p) {
        p.join();
        check(p.exitCode().orElse(-999) == 0, "a child exited with " + p.exitCode());
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    private static double median(List<Double> xs) {
        double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
