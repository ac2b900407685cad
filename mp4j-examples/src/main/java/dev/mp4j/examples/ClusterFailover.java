package dev.mp4j.examples;

import dev.mp4j.futures.WorkerDeath;
import dev.mp4j.hazelcast.Cluster;
import dev.mp4j.hazelcast.ClusterExecutor;
import dev.mp4j.multiprocessing.Empty;
import dev.mp4j.multiprocessing.Queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.IntStream;

/**
 * {@code Executor.map} on a Hazelcast cluster that loses a member: a {@link ClusterExecutor} on 3 member JVMs
 * of {@link Cluster#local}, built with {@link WorkerDeath#REPLACE} and {@code retryLost(true)}, maps a slow
 * square over 12 items; once every item has started, one member is killed with SIGKILL (by its pid, from
 * {@code cluster.members()}). The cluster notices the death within seconds, the killed member's tasks run again
 * on the two others, and the map ends with every result right. It prints, the pids aside:
 *
 * <pre>
 * a cluster of 3 members: pids [P1, P2, P3]
 * all 12 tasks started on the 3 members
 * killed member P2 (SIGKILL) while its tasks ran
 * [0, 1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121]
 * every result right: true
 * the cluster now has 2 members: pids [P1, P3]
 * the killed member's 4 tasks ran again on the others
 * </pre>
 *
 * <p>Running again is <em>at least once</em>: the killed member's tasks had started, so whatever they did before
 * the kill (here: telling the {@code started} queue) happened twice.
 */
public final class ClusterFailover {
    static final int ITEMS = 12;
    static final int MEMBERS = 3;

    /** Hazelcast's client logs its connections at INFO; its warnings still show. */
    private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

    private ClusterFailover() {}

    public static void main(String[] args) throws Exception {
        HAZELCAST_LOG.setLevel(Level.WARNING);
        List<Integer> items = IntStream.range(0, ITEMS).boxed().toList();
        try (Cluster cluster = Cluster.local(MEMBERS);
             ClusterExecutor executor = ClusterExecutor.builder(cluster, "squares")
                     .workerDeath(WorkerDeath.REPLACE).retryLost(true).build()) {
            System.out.println("a cluster of " + MEMBERS + " members: pids " + pids(cluster));

            Queue<Integer> started = cluster.context().queue();   // a handle that works on the members too
            var squares = executor.map((Integer x) -> {
                started.put(x);
                Thread.sleep(2000);                               // a task that takes a little time
                return x * x;
            }, items);

            for (int i = 0; i < ITEMS; i++) {
                started.get(Duration.ofSeconds(60));
            }
            System.out.println("all " + ITEMS + " tasks started on the " + MEMBERS + " members");

            long victim = cluster.members().get(1).pid().orElseThrow();
            ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);   // SIGKILL on Linux and macOS
            System.out.println("killed member " + victim + " (SIGKILL) while its tasks ran");

            List<Integer> results = new ArrayList<>();
            for (int square : squares) {
                results.add(square);
            }
            System.out.println(results);   // prints "[0, 1, 4, ..., 121]"
            System.out.println("every result right: " + results.equals(items.stream().map(x -> x * x).toList()));
            System.out.println("the cluster now has " + cluster.members().size() + " members: pids " + pids(cluster));

            int again = 0;
            try {
                while (true) {
                    started.getNowait();
                    again++;
                }
            } catch (Empty e) {
                System.out.println("the killed member's " + again + " tasks ran again on the others");
            }
        }
    }

    private static List<Long> pids(Cluster cluster) {
        return cluster.members().stream().map(m -> m.pid().orElse(-1)).toList();
    }
}
