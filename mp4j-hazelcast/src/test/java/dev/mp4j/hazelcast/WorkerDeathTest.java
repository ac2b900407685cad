package dev.mp4j.hazelcast;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.map.IMap;
import dev.mp4j.futures.BrokenExecutor;
import dev.mp4j.futures.Future;
import dev.mp4j.futures.WorkerDeath;
import dev.mp4j.multiprocessing.WorkerLostError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A member killed with SIGKILL while it runs tasks of three executors: BREAK, REPLACE, REPLACE + retryLost. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WorkerDeathTest {
    private static final int TASKS = 6; // per executor; round robin puts 0, 2, 4 on one member and 1, 3, 5 on the other

    /** A task that records its run ("executor:index:pid") in the cluster map "runs", then works for a while. */
    private static Future<Long> submit(ClusterExecutor ex, String tag, int i) {
        return ex.submit(() -> {
            IMap<String, String> runs = Hazelcast.getAllHazelcastInstances().iterator().next().getMap("runs");
            long pid = ProcessHandle.current().pid();
            runs.put(tag + ":" + i + ":" + pid + ":" + UUID.randomUUID(), "");
            Thread.sleep(4_000);
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
            List<Future<Long>> b = new ArrayList<>();
            List<Future<Long>> r = new ArrayList<>();
            List<Future<Long>> q = new ArrayList<>();
            for (int i = 0; i < TASKS; i++) {
                b.add(submit(breaking, "break", i));
                r.add(submit(replacing, "replace", i));
                q.add(submit(retrying, "retry", i));
            }
            IMap<String, String> runs = cluster.hazelcast().getMap("runs");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (runs(runs, "") < 3L * TASKS && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(3L * TASKS, runs(runs, ""), "every task started once");
            ProcessHandle.of(victim).orElseThrow().destroyForcibly();

            int lost = 0;
            for (Future<Long> f : r) {
                Throwable e = f.exception(java.time.Duration.ofSeconds(90));
                if (e != null) {
                    assertInstanceOf(WorkerLostError.class, e);
                    lost++;
                } else {
                    assertTrue(f.result() != victim);
                }
            }
            assertEquals(TASKS / 2, lost, "REPLACE fails exactly the lost member's tasks");

            for (Future<Long> f : b) {
                assertThrows(BrokenExecutor.class, () -> f.result(java.time.Duration.ofSeconds(90)));
            }
            assertThrows(BrokenExecutor.class, () -> breaking.submit(() -> 1));

            long survivor = cluster.members().getFirst().pid().orElseThrow();
            for (int i = 0; i < TASKS; i++) {
                assertEquals(survivor, q.get(i).result(java.time.Duration.ofSeconds(90)), "task " + i);
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
