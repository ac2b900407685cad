package dev.mp4j.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import dev.mp4j.futures.WorkerDeath;
import dev.mp4j.multiprocessing.WorkerLostError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The members an executor sends tasks to follow the cluster's membership events. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MemberListTest {
    private static final byte[] KEY = "the cluster's key".getBytes();

    @Test
    void aMemberThatJoinsGetsTasksAndOneThatLeavesGetsNoMore() throws Exception {
        String name = "mp4j-test-" + ProcessHandle.current().pid() + "-members";
        List<Integer> ports = Cluster.freePorts(2);
        try (Cluster cluster = Cluster.embedded(Configs.localMember(name, ports.get(0), ports), KEY);
             ClusterExecutor ex = ClusterExecutor.builder(cluster, "members").workerDeath(WorkerDeath.REPLACE)
                     .build()) {
            UUID first = cluster.hazelcast().getCluster().getLocalMember().getUuid();
            assertEquals(List.of(first), ex.eligibleMembers());

            HazelcastInstance second = Cluster.startMember(Configs.localMember(name, ports.get(1), ports), KEY);
            UUID secondId = second.getCluster().getLocalMember().getUuid();
            try {
                await(() -> ex.eligibleMembers().contains(secondId), "the executor to see the member that joined");
                String ranOn = ex.submit(() -> Thread.currentThread().getName(), secondId).result();
                assertTrue(ranOn.contains(second.getName()), ranOn + " is a thread of " + second.getName());
                assertEquals(Set.of(first, secondId), Set.copyOf(ex.eligibleMembers()));
            } finally {
                MemberKeys.unregister(MemberKeys.of(second));
                second.shutdown();
            }

            await(() -> !ex.eligibleMembers().contains(secondId), "the executor to drop the member that left");
            assertEquals(List.of(first), ex.eligibleMembers());
            WorkerLostError e = assertThrows(WorkerLostError.class, () -> ex.submit(() -> 1, secondId).result());
            assertTrue(e.getMessage().contains("has no member to run the task"), e.getMessage());
            for (int i = 0; i < 4; i++) {
                int x = i;
                assertEquals(x + 1, ex.submit(() -> x + 1).result());
            }
            assertFalse(ex.isShutdown());
        }
    }

    /** Waits at most a minute for a membership event to reach the executor. */
    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, "waited a minute for " + what);
            Thread.sleep(20);
        }
    }
}
