package dev.mp4j.hazelcast;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.map.IMap;
import dev.mp4j.futures.Future;
import dev.mp4j.futures.Futures;
import dev.mp4j.futures.ResultIterator;
import dev.mp4j.futures.TimeoutError;
import dev.mp4j.futures.WorkerDeath;
import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.Empty;
import dev.mp4j.multiprocessing.Full;
import dev.mp4j.multiprocessing.JoinableQueue;
import dev.mp4j.multiprocessing.Pool;
import dev.mp4j.multiprocessing.ProcessError;
import dev.mp4j.multiprocessing.Queue;
import dev.mp4j.multiprocessing.managers.Namespace;
import dev.mp4j.multiprocessing.managers.SyncManager;
import dev.mp4j.threading.Event;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.RLock;
import dev.mp4j.threading.Semaphore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An executor, a pool, queues and locks on two member JVMs of this machine, shared by the tests. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalClusterTest {
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
    void aCallbackThatWaitsForAnotherResultOfTheClusterDoesNotHoldUpTheClient() throws Exception {
        try (ClusterExecutor ex = cluster.executor("callbacks")) {
            Future<Integer> first = ex.submit(() -> 1);
            CompletableFuture<Integer> seen = new CompletableFuture<>();
            CompletableFuture<String> thread = new CompletableFuture<>();
            first.addDoneCallback(f -> {
                thread.complete(Thread.currentThread().getName());
                // blocks until a later task's result has come in: on the thread that reads responses, this
                // would wait for itself
                seen.complete(f.result() + ex.submit(() -> 2).result(Duration.ofSeconds(60)));
            });
            assertEquals(3, seen.get(90, TimeUnit.SECONDS));
            CompletableFuture<Integer> stage = ex.submit(() -> 10).toCompletableFuture()
                    .thenApply(x -> x + ex.submit(() -> 20).result(Duration.ofSeconds(60)));
            assertEquals(30, stage.get(90, TimeUnit.SECONDS));
            // added once done, a callback runs at once in the caller's thread, as in Python
            List<String> ran = new ArrayList<>();
            first.addDoneCallback(f -> ran.add(Thread.currentThread().getName()));
            assertEquals(List.of(Thread.currentThread().getName()), ran);
            assertFalse(thread.get(60, TimeUnit.SECONDS).startsWith("hz."), thread.get());
        }
    }

    @Test
    void aLargeResultArrivesWhole() {
        try (ClusterExecutor ex = cluster.executor("large")) {
            byte[] big = ex.submit(() -> {
                byte[] b = new byte[1 << 20];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) (i * 31);
                }
                return b;
            }).result(Duration.ofSeconds(60));
            assertEquals(1 << 20, big.length);
            for (int i = 0; i < big.length; i++) {
                assertEquals((byte) (i * 31), big[i], "byte " + i);
            }
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

    // ---------------------------------------------------------------- cluster.context()

    private static IMap<String, Integer> counts() {
        return Hazelcast.getAllHazelcastInstances().iterator().next().getMap("counts");
    }

    @Test
    void queuesCarryItemsBetweenAMemberTaskAndTheCaller() {
        Context ctx = cluster.context();
        Queue<String> toCaller = ctx.queue();
        Queue<String> toMember = ctx.queue(1);
        ClusterExecutor ex = cluster.executor("queues");
        try {
            Future<String> task = ex.submit(() -> {
                toCaller.put("from " + ProcessHandle.current().pid());
                toCaller.put(null);
                return toMember.get(Duration.ofSeconds(60));
            });
            String first = toCaller.get(Duration.ofSeconds(60));
            assertTrue(first.startsWith("from ") && !first.equals("from " + ProcessHandle.current().pid()), first);
            assertNull(toCaller.get(Duration.ofSeconds(60)));
            toMember.put("to the member");
            assertThrows(Full.class, () -> {
                toMember.put("x", Duration.ZERO);
                toMember.put("y", Duration.ZERO); // the member may have taken the first already
            });
            assertEquals("to the member", task.result());
            assertThrows(Empty.class, () -> toCaller.get(Duration.ZERO));
        } finally {
            ex.shutdown(false, true); // a failure above must not wait for the task
        }
    }

    @Test
    void aJoinableQueueJoinsWhenEveryItemIsDone() {
        JoinableQueue<Integer> q = cluster.context().joinableQueue();
        for (int i = 0; i < 3; i++) {
            q.put(i);
        }
        try (ClusterExecutor ex = cluster.executor("joinable")) {
            Future<Integer> sum = ex.submit(() -> {
                int s = 0;
                for (int i = 0; i < 3; i++) {
                    s += q.get(Duration.ofSeconds(60));
                    q.taskDone();
                }
                return s;
            });
            q.join();
            assertEquals(3, sum.result());
            assertThrows(IllegalStateException.class, q::taskDone);
        }
    }

    @Test
    void locksHeldAcrossMembersGiveExactCounts() {
        Context ctx = cluster.context();
        Lock lock = ctx.lock();
        RLock rlock = ctx.rlock();
        try (ClusterExecutor ex = cluster.executor("locks")) {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Lock l = t % 2 == 0 ? lock : rlock;
                String key = t % 2 == 0 ? "lock" : "rlock";
                fs.add(ex.submit(() -> {
                    IMap<String, Integer> counts = counts();
                    for (int i = 0; i < 25; i++) {
                        l.acquire();
                        try {
                            Integer v = counts.get(key);
                            counts.set(key, (v == null ? 0 : v) + 1); // a lost update, but for the lock
                        } finally {
                            l.release();
                        }
                    }
                    return null;
                }));
            }
            fs.forEach(f -> f.result());
        }
        IMap<String, Integer> counts = cluster.hazelcast().getMap("counts");
        assertEquals(50, counts.get("lock"));
        assertEquals(50, counts.get("rlock"));
        assertFalse(lock.locked());
        assertThrows(IllegalStateException.class, lock::release);
        assertThrows(IllegalStateException.class, rlock::release);
    }

    @Test
    void eventsAndSemaphoresWorkAcrossMembers() {
        Context ctx = cluster.context();
        Event go = ctx.event();
        Semaphore slots = ctx.boundedSemaphore(1);
        try (ClusterExecutor ex = cluster.executor("events")) {
            Future<Boolean> waiter = ex.submit(() -> go.await(Duration.ofSeconds(60)) && slots.acquire(Duration.ofSeconds(60)));
            assertFalse(waiter.done());
            assertTrue(slots.acquire(Duration.ZERO));
            go.set();
            slots.release();
            assertTrue(waiter.result());
            assertEquals(0, slots.value());
            slots.release();
            assertThrows(IllegalStateException.class, slots::release);
        }
    }

    @Test
    void aPoolOfTheContextRunsOnTheMembers() {
        try (Pool pool = cluster.context().pool(2)) {
            List<Integer> squares = pool.map(x -> x * x, IntStream.range(0, 100).boxed().toList());
            assertEquals(IntStream.range(0, 100).map(x -> x * x).boxed().toList(), squares);
            long self = ProcessHandle.current().pid();
            assertNotEquals(self, pool.apply(() -> ProcessHandle.current().pid()));
            assertThrows(ArithmeticException.class, () -> pool.map(x -> 10 / x, List.of(1, 0, 2)));
        }
    }

    @Test
    void whatAClusterCannotDoSaysWhatToUseInstead() {
        Context ctx = cluster.context();
        List<Runnable> cannot = List.of(() -> ctx.process(() -> {}), ctx::pipe, () -> ctx.sharedInt(0),
                () -> ctx.sharedMemory(10), () -> ctx.barrier(2), ctx::condition);
        for (Runnable r : cannot) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, r::run);
            assertTrue(e.getMessage().contains("not available on a cluster: ") && e.getMessage().contains("; instead, "),
                    e.getMessage());
        }
    }

    @Test
    void theManagersDictListAndNamespaceAreSharedWithTheMembers() {
        SyncManager manager = cluster.context().manager();
        Map<String, List<Integer>> dict = manager.dict(Map.of("a", List.of(1)));
        List<String> list = manager.list(List.of("x"));
        Namespace ns = manager.namespace();
        ns.set("n", 1);
        try (ClusterExecutor ex = cluster.executor("manager")) {
            ex.submit(() -> {
                dict.put("b", List.of(2, 3));
                list.add("y");
                ns.set("n", ns.<Integer>get("n") + 41);
                return null;
            }).result();
        }
        assertEquals(Map.of("a", List.of(1), "b", List.of(2, 3)), new HashMap<>(dict));
        assertEquals(List.of(2, 3), dict.get("b"));
        assertEquals(List.of("x", "y"), new ArrayList<>(list));
        assertEquals(42, ns.<Integer>get("n"));
        assertThrows(IllegalArgumentException.class, () -> ns.get("missing"));
        assertThrows(UnsupportedOperationException.class, manager::start);
        assertThrows(UnsupportedOperationException.class, manager::connect);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> manager.register("mine", () -> new ArrayList<>()));
        assertTrue(e.getMessage().contains("register() is not available on a cluster's manager"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> manager.register("theirs"));
        assertThrows(UnsupportedOperationException.class, () -> manager.registerFactory("f", args -> args[0]));
        assertEquals(List.of("x", "y"), new ArrayList<>(manager.list(List.of("x", "y"))), "still usable");
    }
}
