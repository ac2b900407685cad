package dev.mp4j.bench.cluster;

import com.hazelcast.core.IExecutorService;
import dev.mp4j.futures.Future;
import dev.mp4j.hazelcast.Cluster;
import dev.mp4j.hazelcast.ClusterExecutor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * mp4j's {@link ClusterExecutor} against Hazelcast's own {@link IExecutorService} on the same 3 local members
 * ({@link Cluster#local}), the same work (x + 1): the submit→result round trip, one task at a time, and the
 * throughput of 20k tasks, in rounds of 2k submitted at once, then awaited. The two sides take turns, in 10
 * rounds of each figure, so that a change in the machine's load meets both. mp4j's tasks are codec bytes signed with HMAC-SHA256;
 * Hazelcast's are {@link RawTask}, which Hazelcast serializes itself (compact serialization: mp4j's Java
 * deserialization filter on the members refuses other Java-serialized classes). Prints one line a figure and
 * the ratios (mp4j's time / Hazelcast's: the target is at most 1.2).
 *
 * <p>Arguments: {@code [roundTrips] [tasks]}, default 1000 and 20000. Run on the class path (the members get
 * it) with {@code --sun-misc-unsafe-memory-access=allow}, after {@code mvn -pl mp4j-bench -am package -DskipTests}:
 *
 * <pre>
 * java --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED \
 *     -cp "mp4j-bench/target/mp4j-bench-VERSION.jar:mp4j-bench/target/lib/*" dev.mp4j.bench.cluster.ClusterBench
 * </pre>
 */
public final class ClusterBench {
    private static final Duration WAIT = Duration.ofMinutes(5);
    private static final int ROUNDS = 10;

    private ClusterBench() {}

    /**
     * Hazelcast's task: a record Hazelcast serializes with its compact serializer.
     *
     * @param x the input
     */
    public record RawTask(int x) implements Callable<Integer> {
        @Override
        public Integer call() {
            return x + 1;
        }
    }

    public static void main(String[] args) throws Exception {
        int roundTrips = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        try (Cluster cluster = Cluster.local(3);
             ClusterExecutor mp4j = cluster.executor("bench-mp4j")) {
            IExecutorService raw = cluster.hazelcast().getExecutorService("bench-raw");
            System.out.printf("3 local members, %d round trips, %d tasks%n", roundTrips, tasks);

            // warm-up of both sides: the members' code paths and this JVM's
            roundTripsMp4j(mp4j, roundTrips / 2);
            roundTripsRaw(raw, roundTrips / 2);
            throughputMp4j(mp4j, tasks / 4);
            throughputRaw(raw, tasks / 4);

            // the two sides take turns, in 10 rounds, so that a change in the machine's load reaches both alike
            long[] m = new long[0];
            long[] h = new long[0];
            double tm = 0;
            double th = 0;
            for (int round = 0; round < ROUNDS; round++) {
                boolean mp4jFirst = round % 2 == 0;
                if (mp4jFirst) {
                    m = concat(m, roundTripsMp4j(mp4j, roundTrips / ROUNDS));
                }
                h = concat(h, roundTripsRaw(raw, roundTrips / ROUNDS));
                if (!mp4jFirst) {
                    m = concat(m, roundTripsMp4j(mp4j, roundTrips / ROUNDS));
                }
            }
            for (int round = 0; round < ROUNDS; round++) {
                boolean mp4jFirst = round % 2 == 0;
                if (mp4jFirst) {
                    tm += throughputMp4j(mp4j, tasks / ROUNDS);
                }
                th += throughputRaw(raw, tasks / ROUNDS);
                if (!mp4jFirst) {
                    tm += throughputMp4j(mp4j, tasks / ROUNDS);
                }
            }

            System.out.printf("round trip   mp4j      median %7.1f us  p90 %7.1f us  mean %7.1f us%n",
                    pct(m, 50), pct(m, 90), mean(m));
            System.out.printf("round trip   hazelcast median %7.1f us  p90 %7.1f us  mean %7.1f us%n",
                    pct(h, 50), pct(h, 90), mean(h));
            System.out.printf("%d tasks  mp4j      %8.1f ms  (%.0f tasks/s)%n", tasks, tm, tasks / tm * 1000);
            System.out.printf("%d tasks  hazelcast %8.1f ms  (%.0f tasks/s)%n", tasks, th, tasks / th * 1000);
            System.out.printf("ratio mp4j/hazelcast: round trip (median) %.2f, %d tasks %.2f (target <= 1.2)%n",
                    pct(m, 50) / pct(h, 50), tasks, tm / th);
        }
    }

    static long[] roundTripsMp4j(ClusterExecutor ex, int n) {
        long[] us = new long[n];
        for (int i = 0; i < n; i++) {
            int x = i;
            long t0 = System.nanoTime();
            int r = ex.submit(() -> x + 1).result(WAIT);
            us[i] = (System.nanoTime() - t0) / 1000;
            check(r, x);
        }
        return us;
    }

    static long[] roundTripsRaw(IExecutorService ex, int n) throws Exception {
        long[] us = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            int r = ex.submit(new RawTask(i)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            us[i] = (System.nanoTime() - t0) / 1000;
            check(r, i);
        }
        return us;
    }

    /** @return milliseconds from the first submit to the last result */
    static double throughputMp4j(ClusterExecutor ex, int n) {
        long t0 = System.nanoTime();
        List<Future<Integer>> fs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int x = i;
            fs.add(ex.submit(() -> x + 1));
        }
        for (int i = 0; i < n; i++) {
            check(fs.get(i).result(WAIT), i);
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    static double throughputRaw(IExecutorService ex, int n) throws Exception {
        long t0 = System.nanoTime();
        List<java.util.concurrent.Future<Integer>> fs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            fs.add(ex.submit(new RawTask(i)));
        }
        for (int i = 0; i < n; i++) {
            check(fs.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS), i);
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    private static long[] concat(long[] a, long[] b) {
        long[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static void check(int result, int x) {
        if (result != x + 1) {
            throw new AssertionError("task " + x + " returned " + result);
        }
    }

    private static double pct(long[] us, int p) {
        long[] s = us.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) ((long) s.length * p / 100))];
    }

    static double mean(long[] us) {
        return Arrays.stream(us).average().orElse(0);
    }
}
