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
 * The mp4j side of every workload of {@code ./mp4j bench}: {@code Mp4jWorkloads NAME [quick]} runs one,
 * warm-up included, and prints its figure as the last line of stdout, {@code RESULT <number>}, in the unit
 * the catalog gives. The python3 twin of each is in {@code src/main/python/mp4j_bench.py}; keep the two
 * doing the same work.
 */
public final class Mp4jWorkloads {
    private static final int MIB = 1 << 20;

    private final boolean quick;

    private Mp4jWorkloads(boolean quick) {
        this.quick = quick;
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
        double result = new Mp4jWorkloads(args.length == 2).run(args[0]);
        System.out.println("RESULT " + result);
        System.out.flush();
        // every process and pool is joined by now; exit even if a library thread lingers
        System.exit(0);
    }

    private double run(String name) throws Exception {
        return switch (name) {
            case "spawn-start-join" -> startJoin("spawn");
            case "forkserver-start-join" -> startJoin("forkserver");
            case "ppe-round-trip" -> ppeRoundTrip();
            case "ppe-20k-submits" -> ppeSubmits();
            case "pool-map" -> poolMap(new Pool(2), size(100_000, 10_000), 0);
            case "pool-map-chunk1" -> poolMap(new Pool(2), size(20_000, 2_000), 1);
            case "pool-imap" -> poolImap();
            case "queue-small" -> queueSmall();
            case "queue-1mib" -> queueBig();
            case "queue-4to1" -> queueFourToOne();
            case "pipe-ping-pong" -> pipePingPong();
            case "pipe-1mib" -> pipeBig();
            case "lock-uncontended" -> lockUncontended();
            case "lock-contended" -> lockContended();
            case "shared-array" -> sharedArray();
            case "manager-dict" -> managerDict();
            case "cpu-scaling" -> cpuScaling();
            case "serialize-small" -> serializeSmall();
            case "tpe-round-trip" -> tpeRoundTrip();
            case "tpe-20k-submits" -> tpeSubmits();
            case "threadpool-map" -> poolMap(new ThreadPool(2), size(100_000, 10_000), 0);
            default -> throw new IllegalArgumentException("unknown workload: " + name);
        };
    }

    private int size(int full, int small) {
        return quick ? small : full;
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

    /** ms: start() to join() of an empty process, median of 4 after one warm-up start. */
    private double startJoin(String method) throws InterruptedException {
        Context ctx = Multiprocessing.getContext(method);
        boolean forkserver = method.equals("forkserver");
        int n = size(4, 2);
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i <= n; i++) {
            if (forkserver) {
                Thread.sleep(1000); // pacing, outside the measurement: the next spare gets ready
            }
            long t0 = System.nanoTime();
            Process p = ctx.process(Mp4jWorkloads::nothing);
            p.start();
            p.join();
            long t1 = System.nanoTime();
            check(p.exitCode().orElse(-999) == 0, "the process exited with " + p.exitCode());
            if (i > 0) {
                ms.add((t1 - t0) / 1e6);
            }
        }
        return median(ms);
    }

    /** µs: submit→result one at a time on a warm 2-worker ProcessPoolExecutor. */
    private double ppeRoundTrip() {
        try (var ex = new ProcessPoolExecutor(2)) {
            for (int i = 0; i < 200; i++) {
                ex.submit(() -> 1).result();
            }
            int n = size(1000, 200);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                ex.submit(() -> 1).result();
            }
            return (System.nanoTime() - t0) / 1e3 / n;
        }
    }

    /** tasks/s: 20,000 submits, then every result, on a warm 2-worker ProcessPoolExecutor. */
    private double ppeSubmits() {
        try (var ex = new ProcessPoolExecutor(2)) {
            return submits(ex, size(20_000, 2_000));
        }
    }

    private static double submits(dev.mp4j.futures.Executor ex, int n) {
        for (int i = 0; i < 200; i++) {
            ex.submit(() -> 1).result();
        }
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

    /** tasks/s: Pool.map of x + 1 over n integers (chunksize 0: the default), after a warm-up map. */
    private static double poolMap(Pool pool, int n, int chunksize) {
        try (pool) {
            List<Integer> items = IntStream.range(0, n).boxed().toList();
            List<Integer> warm = items.subList(0, Math.min(n, 5_000));
            if (chunksize == 0) {
                pool.map(Mp4jWorkloads::inc, warm);
            } else {
                pool.map(Mp4jWorkloads::inc, warm, chunksize);
            }
            long t0 = System.nanoTime();
            List<Integer> out = chunksize == 0
                    ? pool.map(Mp4jWorkloads::inc, items)
                    : pool.map(Mp4jWorkloads::inc, items, chunksize);
            double rate = n / ((System.nanoTime() - t0) / 1e9);
            check(out.size() == n && out.get(n - 1) == n, "map returned wrong results");
            return rate;
        }
    }

    /** tasks/s: Pool.imap with chunksize 100, consumed as the results arrive. */
    private double poolImap() {
        int n = size(100_000, 10_000);
        try (Pool pool = new Pool(2)) {
            List<Integer> items = IntStream.range(0, n).boxed().toList();
            for (int ignored : pool.imap(Mp4jWorkloads::inc, items.subList(0, 5_000), 100)) {
                // warm-up
            }
            long t0 = System.nanoTime();
            long sum = 0;
            for (int r : pool.imap(Mp4jWorkloads::inc, items, 100)) {
                sum += r;
            }
            double rate = n / ((System.nanoTime() - t0) / 1e9);
            check(sum == (long) n * (n + 1) / 2, "imap returned wrong results");
            return rate;
        }
    }

    /** msgs/s: a child puts n integers, the parent gets them, timed from the first get. */
    private double queueSmall() {
        int n = size(100_000, 10_000);
        Queue<Integer> q = Multiprocessing.queue();
        try (q) {
            Process p = new Process(() -> {
                for (int i = 0; i < n; i++) {
                    q.put(i);
                }
            });
            p.start();
            q.get();
            long t0 = System.nanoTime();
            for (int i = 1; i < n; i++) {
                q.get();
            }
            double rate = (n - 1) / ((System.nanoTime() - t0) / 1e9);
            joinOk(p);
            return rate;
        }
    }

    /** MiB/s: a child puts n arrays of 1 MiB, the parent gets them, timed from the first get. */
    private double queueBig() {
        int n = size(200, 20);
        Queue<byte[]> q = Multiprocessing.queue();
        try (q) {
            Process p = new Process(() -> {
                byte[] b = new byte[MIB];
                for (int i = 0; i < n; i++) {
                    q.put(b);
                }
            });
            p.start();
            q.get();
            long t0 = System.nanoTime();
            for (int i = 1; i < n; i++) {
                check(q.get().length == MIB, "a message was not 1 MiB");
            }
            double rate = (n - 1) / ((System.nanoTime() - t0) / 1e9);
            joinOk(p);
            return rate;
        }
    }

    /** msgs/s: 4 children, released together by a barrier, put n integers each; the parent gets all. */
    private double queueFourToOne() {
        int each = size(25_000, 2_500);
        int producers = 4;
        Queue<Integer> q = Multiprocessing.queue();
        Barrier start = Multiprocessing.barrier(producers + 1);
        try (q) {
            List<Process> ps = new ArrayList<>();
            for (int k = 0; k < producers; k++) {
                Process p = new Process(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        q.put(i);
                    }
                });
                p.start();
                ps.add(p);
            }
            start.await();
            long t0 = System.nanoTime();
            for (int i = 0; i < producers * each; i++) {
                q.get();
            }
            double rate = producers * each / ((System.nanoTime() - t0) / 1e9);
            for (Process p : ps) {
                joinOk(p);
            }
            return rate;
        }
    }

    /** µs: round trips of send(i) and recv() of the child's echo. */
    private double pipePingPong() {
        int n = size(5_000, 1_000);
        Pipe pipe = Multiprocessing.pipe();
        Connection mine = pipe.conn1();
        Connection theirs = pipe.conn2();
        try (mine; theirs) {
            Process p = new Process(() -> {
                for (int i = 0; i < n + 1; i++) {
                    Object o = theirs.recv();
                    theirs.send(o);
                }
            });
            p.start();
            mine.send(-1);
            mine.recv();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                mine.send(i);
                Integer back = mine.recv();
                check(back == i, "the echo of " + i + " was " + back);
            }
            double us = (System.nanoTime() - t0) / 1e3 / n;
            joinOk(p);
            return us;
        }
    }

    /** MiB/s: a child sends n messages of 1 MiB with sendBytes, the parent receives them. */
    private double pipeBig() {
        int n = size(200, 20);
        Pipe pipe = Multiprocessing.pipe();
        Connection mine = pipe.conn1();
        Connection theirs = pipe.conn2();
        try (mine; theirs) {
            Process p = new Process(() -> {
                byte[] b = new byte[MIB];
                for (int i = 0; i < n; i++) {
                    theirs.sendBytes(b);
                }
            });
            p.start();
            mine.recvBytes();
            long t0 = System.nanoTime();
            for (int i = 1; i < n; i++) {
                check(mine.recvBytes().length == MIB, "a message was not 1 MiB");
            }
            double rate = (n - 1) / ((System.nanoTime() - t0) / 1e9);
            joinOk(p);
            return rate;
        }
    }

    /** ops/s: acquire+release pairs of a multiprocessing Lock by one thread. */
    private double lockUncontended() {
        Lock lock = Multiprocessing.lock();
        for (int i = 0; i < 100_000; i++) {
            lock.acquire();
            lock.release();
        }
        int n = size(2_000_000, 200_000);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            lock.acquire();
            lock.release();
        }
        return n / ((System.nanoTime() - t0) / 1e9);
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

    /** µs: d.put(k, i) then d.get(k) on a SyncManager dict proxy. */
    private double managerDict() {
        try (SyncManager m = Multiprocessing.manager()) {
            Map<String, Integer> d = m.dict();
            for (int i = 0; i < 500; i++) {
                d.put("k", i);
                d.get("k");
            }
            int n = size(3_000, 500);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                d.put("k", i);
                check(d.get("k") == i, "the dict lost a value");
            }
            return (System.nanoTime() - t0) / 1e3 / n;
        }
    }

    /** ×: time of 8 CPU-bound tasks on one warm worker over their time on two. */
    private double cpuScaling() {
        int tasks = size(8, 4);
        long steps = size(150_000_000, 30_000_000);
        double one = cpuRun(1, tasks, steps);
        double two = cpuRun(2, tasks, steps);
        return one / two;
    }

    private static double cpuRun(int workers, int tasks, long steps) {
        try (var ex = new ProcessPoolExecutor(workers)) {
            List<Future<Long>> warm = new ArrayList<>();
            for (int i = 0; i < 2 * workers; i++) {
                warm.add(ex.submit(() -> spin(steps / 4)));
            }
            warm.forEach(Future::result);
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
    }

    /** ops/s: the codec's encode+decode of a small list, in this JVM. */
    private double serializeSmall() throws IOException, ClassNotFoundException {
        List<Object> value = new ArrayList<>(Arrays.asList(42, "hello", 3.14));
        for (int i = 0; i < 100_000; i++) {
            Codec.decode(Codec.encode(value), null);
        }
        int n = size(200_000, 20_000);
        long t0 = System.nanoTime();
        Object last = null;
        for (int i = 0; i < n; i++) {
            last = Codec.decode(Codec.encode(value), null);
        }
        double rate = n / ((System.nanoTime() - t0) / 1e9);
        check(value.equals(last), "the codec changed the value");
        return rate;
    }

    /** µs: submit→result one at a time on a 2-thread ThreadPoolExecutor. */
    private double tpeRoundTrip() {
        try (var ex = new ThreadPoolExecutor(2)) {
            for (int i = 0; i < 10_000; i++) {
                ex.submit(() -> 1).result();
            }
            int n = size(10_000, 2_000);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                ex.submit(() -> 1).result();
            }
            return (System.nanoTime() - t0) / 1e3 / n;
        }
    }

    /** tasks/s: 20,000 submits, then every result, on a 2-thread ThreadPoolExecutor. */
    private double tpeSubmits() {
        try (var ex = new ThreadPoolExecutor(2)) {
            return submits(ex, size(20_000, 2_000));
        }
    }

    // ---- helpers ----

    private static void joinOk(Process p) {
        p.join();
        check(p.exitCode().orElse(-999) == 0, "a child exited with " + p.exitCode());
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    private static double median(List<Double> xs) {
        double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
