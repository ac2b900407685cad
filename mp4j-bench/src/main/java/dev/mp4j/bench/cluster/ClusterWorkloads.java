package dev.mp4j.bench.cluster;

import com.hazelcast.core.IExecutorService;
import dev.mp4j.bench.workloads.Mp4jWorkloads;
import dev.mp4j.hazelcast.Cluster;
import dev.mp4j.hazelcast.ClusterExecutor;
import dev.mp4j.multiprocessing.Pool;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Both sides of the cluster workloads of {@code ./mp4j bench}, Java against Java: {@code ClusterWorkloads NAME
 * SIDE [quick]} runs one side of one and prints {@code RESULT <number>}, the median of its measured passes, in the
 * unit the catalog gives. The side is {@code mp4j} (mp4j on a {@link Cluster#local} of 3 members) or
 * {@link #BASELINE}: for {@code cluster-round-trip} and {@code cluster-20k}, Hazelcast's own
 * {@link IExecutorService} on the same kind of cluster ({@link ClusterBench.RawTask}, x + 1); for
 * {@code cluster-pool-map}, a local {@code Pool(2)}. Each side starts its own cluster, warms up as every
 * parent-driven steady-state workload of the bench does ({@link Mp4jWorkloads#WARMUP} passes, more until they
 * have lasted {@link Mp4jWorkloads#WARMUP_SECONDS}: a fresh cluster's JVMs are cold), times
 * {@link Mp4jWorkloads#MEASURED} passes, and stops the cluster.
 */
public final class ClusterWorkloads {
    /** The side that is not mp4j's cluster: raw Hazelcast, or a local pool. */
    public static final String BASELINE = "baseline";
    /** The members of each side's cluster. */
    public static final int MEMBERS = 3;

    private final boolean quick;

    private ClusterWorkloads(boolean quick) {
        this.quick = quick;
    }

    /** One timed pass: its figure in the workload's unit. */
    @FunctionalInterface
    private interface Pass {
        double run() throws Exception;
    }

    /**
     * @param args the workload's name, the side ({@code mp4j} or {@value #BASELINE}), then optionally "quick"
     * @throws Exception whatever the workload threw; the runner reports it as a failure
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3 || !List.of("mp4j", BASELINE).contains(args[1])
                || (args.length == 3 && !args[2].equals("quick"))) {
            System.err.println("usage: ClusterWorkloads NAME mp4j|" + BASELINE + " [quick]");
            System.exit(2);
        }
        boolean mp4j = args[1].equals("mp4j");
        double result = new ClusterWorkloads(args.length == 3).run(args[0], mp4j);
        System.out.println("RESULT " + result);
        System.out.flush();
        System.exit(0); // the cluster is closed by now; exit even if a library thread lingers
    }

    private double run(String name, boolean mp4j) throws Exception {
        return switch (name) {
            case "cluster-round-trip" -> onCluster(mp4j, this::roundTrips, this::rawRoundTrips);
            case "cluster-20k" -> onCluster(mp4j, this::throughput, this::rawThroughput);
            case "cluster-pool-map" -> poolMap(mp4j);
            default -> throw new IllegalArgumentException("unknown cluster workload: " + name);
        };
    }

    private interface OnMp4j {
        double run(ClusterExecutor ex) throws Exception;
    }

    private interface OnHazelcast {
        double run(IExecutorService ex) throws Exception;
    }

    private double onCluster(boolean mp4j, OnMp4j m, OnHazelcast h) throws Exception {
        try (Cluster cluster = Cluster.local(MEMBERS);
             ClusterExecutor ex = cluster.executor("bench-mp4j")) {
            IExecutorService raw = cluster.hazelcast().getExecutorService("bench-raw");
            return passes(mp4j ? () -> m.run(ex) : () -> h.run(raw));
        }
    }

    private int size(int full, int small) {
        return quick ? small : full;
    }

    private double passes(Pass pass) throws Exception {
        long t0 = System.nanoTime();
        int warmup = quick ? Mp4jWorkloads.QUICK_WARMUP : Mp4jWorkloads.WARMUP;
        for (int done = 0; done < warmup || (!quick && done < Mp4jWorkloads.MAX_WARMUP
                && System.nanoTime() - t0 < (long) (Mp4jWorkloads.WARMUP_SECONDS * 1e9)); done++) {
            pass.run();
        }
        double[] kept = new double[quick ? Mp4jWorkloads.QUICK_MEASURED : Mp4jWorkloads.MEASURED];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = pass.run();
        }
        java.util.Arrays.sort(kept);
        return kept.length % 2 == 1 ? kept[kept.length / 2]
                : (kept[kept.length / 2 - 1] + kept[kept.length / 2]) / 2;
    }

    /** @return the mean µs of a submit→result round trip, one after the other */
    private double roundTrips(ClusterExecutor ex) {
        return ClusterBench.mean(ClusterBench.roundTripsMp4j(ex, size(1000, 100)));
    }

    private double rawRoundTrips(IExecutorService ex) throws Exception {
        return ClusterBench.mean(ClusterBench.roundTripsRaw(ex, size(1000, 100)));
    }

    /** @return tasks/s of submitting them all, then awaiting every result */
    private double throughput(ClusterExecutor ex) {
        int n = size(20_000, 2_000);
        return n / (ClusterBench.throughputMp4j(ex, n) / 1e3);
    }

    private double rawThroughput(IExecutorService ex) throws Exception {
        int n = size(20_000, 2_000);
        return n / (ClusterBench.throughputRaw(ex, n) / 1e3);
    }

    /** @return tasks/s of {@code map(x -> x + 1)} over 100k integers, default chunks */
    private double poolMap(boolean mp4j) throws Exception {
        List<Integer> items = IntStream.range(0, size(100_000, 10_000)).boxed().toList();
        try (Cluster cluster = mp4j ? Cluster.local(MEMBERS) : null;
             Pool pool = mp4j ? cluster.context().pool(2) : new Pool(2)) {
            return passes(() -> {
                long t0 = System.nanoTime();
                List<Integer> out = pool.map(ClusterWorkloads::inc, items);
                double secs = (System.nanoTime() - t0) / 1e9;
                ClusterBench.check(out.getLast(), items.size() - 1);
                return items.size() / secs;
            });
        }
    }

    static int inc(int x) {
        return x + 1;
    }
}
