package dev.mp4j.hazelcast;

import dev.mp4j.futures.Future;
import dev.mp4j.futures.Futures;
import dev.mp4j.futures.ResultIterator;
import dev.mp4j.futures.TimeoutError;
import dev.mp4j.futures.WorkerDeath;
import dev.mp4j.multiprocessing.ProcessError;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An executor on two member JVMs of this machine, shared by the tests. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterExecutorTest {
    private static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = Cluster.local(2);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            List<Long> pids = cluster.members().stream().map(m -> m.pid().orElseThrow()).toList();
            cluster.close();
            for (long pid : pids) {
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "member " + pid + " outlived close()");
            }
        }
    }

    @Test
    void tasksRunOnTheMembers() {
        long self = ProcessHandle.current().pid();
        Set<Long> memberPids = new HashSet<>();
        cluster.members().forEach(m -> memberPids.add(m.pid().orElseThrow()));
        assertEquals(2, memberPids.size());
        assertFalse(memberPids.contains(self));
        try (ClusterExecutor ex = cluster.executor("pids")) {
            List<Future<Long>> fs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                fs.add(ex.submit(() -> ProcessHandle.current().pid()));
            }
            Set<Long> ran = new HashSet<>();
            for (Future<Long> f : fs) {
                ran.add(f.result());
            }
            assertEquals(memberPids, ran);
            assertNotEquals(self, ran.iterator().next());
        }
    }

    @Test
    void mapKeepsOrderAndRaisesAtTheFailingItem() {
        try (ClusterExecutor ex = cluster.executor("map")) {
            List<Integer> squares = ex.<Integer, Integer>map(x -> x * x, IntStream.range(0, 50).boxed().toList(), null, 7).toList();
            assertEquals(IntStream.range(0, 50).map(x -> x * x).boxed().toList(), squares);

            ResultIterator<Integer> it = ex.map(x -> {
                if (x == 5) {
                    throw new IllegalArgumentException("bad item " + x);
                }
                return x;
            }, IntStream.range(0, 10).boxed().toList(), null, 3);
            for (int i = 0; i < 5; i++) {
                assertEquals(i, it.next());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, it::next);
            assertEquals("bad item 5", e.getMessage());
            assertFalse(it.hasNext());
        }
    }

    @Test
    void futuresWorkWithWaitAsCompletedCallbacksAndCompletableFuture() throws Exception {
        try (ClusterExecutor ex = cluster.executor("futures")) {
            List<Future<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int n = i;
                fs.add(ex.submit(() -> n + 100));
            }
            CountDownLatch called = new CountDownLatch(4);
            fs.forEach(f -> f.addDoneCallback(x -> called.countDown()));
            assertEquals(4, Futures.wait(fs, Duration.ofSeconds(60)).done().size());
            Set<Integer> seen = new HashSet<>();
            Futures.asCompleted(fs, Duration.ofSeconds(60)).forEach(f -> seen.add(f.result()));
            assertEquals(Set.of(100, 101, 102, 103), seen);
            assertTrue(called.await(60, TimeUnit.SECONDS));
            CompletableFuture<Integer> cf = ex.submit(() -> 7).toCompletableFuture();
            assertEquals(8, cf.thenApply(x -> x + 1).get(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void aTaskThatCannotBeSerializedFailsItsOwnFuture() {
        Object notSerializable = new Object();
        try (ClusterExecutor ex = cluster.executor("bad")) {
            Future<String> f = ex.submit(() -> notSerializable.toString());
            ProcessError e = assertThrows(ProcessError.class, f::result);
            assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
            assertEquals(3, ex.submit(() -> 3).result());
        }
    }

    @Test
    void pastItsTimeLimitATaskFailsAndTheExecutorGoesOn() {
        try (ClusterExecutor ex = ClusterExecutor.builder(cluster, "limited").timeLimit(Duration.ofSeconds(1)).build()) {
            Future<Boolean> slow = ex.submit(() -> {
                try {
                    Thread.sleep(60_000);
                    return false;
                } catch (InterruptedException e) {
                    return true;
                }
            });
            assertThrows(TimeoutError.class, slow::result);
            assertEquals(4, ex.submit(() -> 4).result());
        }
    }

    @Test
    void shutdownConcernsThisObjectOnly() {
        ClusterExecutor first = cluster.executor("shared");
        ClusterExecutor second = cluster.executor("shared");
        first.shutdown(true);
        assertTrue(first.isTerminated());
        assertThrows(RejectedExecutionException.class, () -> first.submit(() -> 1));
        assertEquals(2, second.submit(() -> 2).result());
        second.close();
    }

    @Test
    void retryLostNeedsReplace() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClusterExecutor.builder(cluster, "x").workerDeath(WorkerDeath.BREAK).retryLost(true).build());
        assertTrue(e.getMessage().contains("REPLACE"), e.getMessage());
        assertInstanceOf(ClusterExecutor.class, ClusterExecutor.builder(cluster, "x")
                .workerDeath(WorkerDeath.REPLACE).retryLost(true).build());
    }
}
