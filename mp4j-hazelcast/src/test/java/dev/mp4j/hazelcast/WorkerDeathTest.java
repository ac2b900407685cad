package dev.mp4j.hazelcast;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.map.IMap;
import dev.mp4j.futures.BrokenExecutor;
import dev.mp4j.futures.Future;
import dev.mp4j.futures.WorkerDeath;
import dev.mp4j.multiprocessing.Queue;
import dev.mp4j.multiprocessing.WorkerLostError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A member killed with SIGKILL while it runs tasks of three executors: BREAK, REPLACE, REPLACE + retryLost. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class WorkerDeathTest {
    private static final int TASKS = 4; // per executor; round robin puts 0 and 2 on one member, 1 and 3 on the other

    /**
     * A task that records its run ("executor:index:pid:uuid") in the cluster map "runs", then waits for a token
     * from {@code go}.
     */
    private static Future<Long> submit(ClusterExecutor ex, Queue<Boolean> go, String tag, int i) {
        return ex.submit(() -> {
            IMap<String, String> runs = Hazelcast.getAllHazelcastInstances().iterator().next().getMap("runs");
            long pid = ProcessHandle.current().pid();
            runs.put(tag + ":" + i + ":" + pid + ":" + UUID.randomUUID(), "");
            go.get(Duration.ofSeconds(150));
            return pid;
        });
    }

    private static long runs(IMap<String, String> runs, String prefix) {
        return runs.keySet().stream().filter(k -> k.startsWith(prefix)).count();
    }

    @Test
    void aKilledMembersTasksBreakFailOrRunAgain() throws Exception {
        try (Cluster cluster = Cluster.local(2)) {
            ClusterExecutor breaking = ClusterExecutor.builder(cluster, "work").build();
            ClusterExecutor replacing = ClusterExecutor.builder(cluster, "work").workerDeath(WorkerDeath.REPLACE).build();
            ClusterExecutor retrying = ClusterExecutor.builder(cluster, "work").workerDeath(WorkerDeath.REPLACE)
                    .retryLost(true).build();
            long victim = cluster.members().getFirst().pid().orElseThrow();
            Queue<Boolean> go = cluster.context().queue();
            List<Future<Long>> b = new ArrayList<>();
            List<Future<Long>> r = new ArrayList<>();
            List<Future<Long>> q = new ArrayList<>();
            for (int i = 0; i < TASKS; i++) {
                b.add(submit(breaking, go, "break", i));
                r.add(submit(replacing, go, "replace", i));
                q.add(submit(retrying, go, "retry", i));
            }
            IMap<String, String> runs = cluster.hazelcast().getMap("runs");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (runs.size() < 3 * TASKS && System.nanoTime() < deadline) {
                Thread.sleep(500); // a query of every partition: not too often on a loaded machine
            }
            assertEquals(3L * TASKS, runs(runs, ""), () -> "every task started once: " + runs.keySet() + "\nbreak "
                    + b + "\nreplace " + r + "\nretry " + q + "\n" + breaking + "\n" + replacing + "\n" + retrying);
            ProcessHandle.of(victim).orElseThrow().destroyForcibly();
            while (cluster.members().size() > 1 && System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(60)) {
                Thread.sleep(50);
            }
            assertEquals(1, cluster.members().size(), "the cluster noticed the death");
            for (int i = 0; i < 3 * TASKS; i++) {
                go.put(true);
            }

            int lost = 0;
            for (Future<Long> f : r) {
                Throwable e = f.exception(Duration.ofSeconds(90));
                if (e != null) {
                    assertInstanceOf(WorkerLostError.class, e);
                    lost++;
                } else {
                    assertTrue(f.result() != victim);
                }
            }
            assertEquals(TASKS / 2, lost, "REPLACE fails exactly the lost member's tasks");

            for (Future<Long> f : b) {
                assertThrows(BrokenExecutor.class, () -> f.result(Duration.ofSeconds(90)));
            }
            assertThrows(BrokenExecutor.class, () -> breaking.submit(() -> 1));

            long survivor = cluster.members().getFirst().pid().orElseThrow();
            for (int i = 0; i < TASKS; i++) {
                assertEquals(survivor, q.get(i).result(Duration.ofSeconds(90)), "task " + i);
                String task = "retry:" + i + ":";
                assertEquals(1, runs(runs, task + survivor + ":"), "task " + i + " ran once on the survivor");
                assertEquals(i % 2 == 0 ? 1 : 0, runs(runs, task + victim + ":"), "task " + i + " on the victim");
            }
            assertEquals(TASKS + TASKS / 2, runs(runs, "retry:"), "the lost member's tasks ran twice, the others once");
            breaking.close();
            replacing.close();
            retrying.close();
        }
    }
}
