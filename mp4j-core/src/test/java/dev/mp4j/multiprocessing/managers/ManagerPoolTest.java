package dev.mp4j.multiprocessing.managers;

import dev.mp4j.futures.ResultIterator;
import dev.mp4j.futures.TimeoutError;
import dev.mp4j.multiprocessing.AsyncResult;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pool;
import dev.mp4j.multiprocessing.Queue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A manager's pool (Python's {@code manager.Pool()}): a {@link Pool} in the server process, whose workers are
 * the server's children, used through a proxy; its results (AsyncResult, map, imap) come through the proxy.
 */
@Timeout(120)
class ManagerPoolTest {
    @Test
    void aPoolInTheServer() throws Exception {
        try (SyncManager m = Multiprocessing.manager()) {
            long server = m.serverProcess().pid().orElseThrow();
            Pool pool = m.pool(2);
            assertEquals(2, pool.size());
            assertTrue(pool.toString().contains("pool_size=2"), pool.toString());
            List<ProcessHandle> workers = pool.processes();
            assertEquals(2, workers.size());
            for (ProcessHandle w : workers) {
                assertEquals(server, w.parent().map(ProcessHandle::pid).orElse(-1L), "a worker of the server");
            }

            assertEquals(49, pool.apply(() -> 7 * 7));
            AsyncResult<Long> pid = pool.applyAsync(() -> ProcessHandle.current().pid());
            assertTrue(workers.stream().anyMatch(w -> w.pid() == pid.get(Duration.ofSeconds(60))));
            assertTrue(pid.ready());
            assertTrue(pid.successful());
            assertTrue(pid.await(Duration.ZERO));

            assertEquals(List.of(0, 1, 4, 9, 16), pool.map((Integer x) -> x * x, List.of(0, 1, 2, 3, 4)));
            assertEquals(List.of(0, 2, 4), pool.map((Integer x) -> x * 2, List.of(0, 1, 2), 2));
            assertEquals(List.of(1, 2), pool.<Integer, Integer>mapAsync(x -> x + 1, List.of(0, 1)).get());
            assertEquals(List.of(3, 7), pool.starmap((Integer a, Integer b) -> a + b,
                    List.of(Map.entry(1, 2), Map.entry(3, 4))));
            assertEquals(List.of(2, 12), pool.<Integer, Integer, Integer>starmapAsync((a, b) -> a * b,
                    List.of(Map.entry(1, 2), Map.entry(3, 4))).get());

            ResultIterator<Integer> it = pool.imap((Integer x) -> x * 10, List.of(1, 2, 3));
            assertEquals(10, it.next(Duration.ofSeconds(60)));
            List<Integer> rest = new ArrayList<>();
            it.forEachRemaining(rest::add);
            assertEquals(List.of(20, 30), rest);
            assertFalse(it.hasNext());
            List<Integer> unordered = new ArrayList<>(pool.imapUnordered((Integer x) -> -x, List.of(1, 2, 3)).toList());
            unordered.sort(null);
            assertEquals(List.of(-3, -2, -1), unordered);
            assertEquals(6, pool.imap((Integer x) -> x, List.of(1, 2, 3), 2).stream().mapToInt(x -> x).sum());

            // the referent's exceptions, through the proxy, as a local pool gives them
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.apply(() -> {
                throw new IllegalStateException("boom");
            }));
            assertEquals("boom", e.getMessage());
            AsyncResult<Object> checked = pool.applyAsync(() -> {
                throw new IOException("checked");
            });
            CompletionException ce = assertThrows(CompletionException.class, checked::get);
            assertInstanceOf(IOException.class, ce.getCause());
            assertFalse(checked.successful());
            assertThrows(ArithmeticException.class, () -> pool.map((Integer x) -> 1 / x, List.of(1, 0)));
            AsyncResult<Object> slow = pool.applyAsync(() -> {
                Thread.sleep(60_000);
                return null;
            }, Duration.ofMillis(200));
            assertThrows(TimeoutError.class, () -> slow.get(Duration.ofSeconds(60)));
            assertThrows(IllegalArgumentException.class, () -> pool.map((Integer x) -> x, List.of(1), 0));
            assertThrows(IllegalArgumentException.class, () -> m.createProxy("AsyncResult"));

            // callbacks run here, before the result is ready
            List<Object> seen = new CopyOnWriteArrayList<>();
            AsyncResult<Integer> withCallback = pool.applyAsync(() -> 5, seen::add, seen::add);
            assertEquals(5, withCallback.get(Duration.ofSeconds(60)));
            assertEquals(List.of(5), seen);
            AsyncResult<List<Integer>> failed = pool.mapAsync((Integer x) -> 1 / x, List.of(0), 1, seen::add,
                    seen::add);
            assertThrows(ArithmeticException.class, failed::get);
            assertInstanceOf(ArithmeticException.class, seen.get(1));
            assertFalse(failed.successful());

            // the Pool is a proxy of the server's pool, equal to a copy of itself
            assertEquals(BaseProxy.of(pool), BaseProxy.of(roundTrip(pool)));
            assertEquals(pool, roundTrip(pool));
            assertEquals(pool.hashCode(), roundTrip(pool).hashCode());

            // a proxy sent to a child process works there
            Queue<Integer> q = m.queue();
            var child = Multiprocessing.process(() -> q.put(pool.apply(() -> 6 * 7)));
            child.start();
            assertEquals(42, q.get(Duration.ofSeconds(60)));
            child.join(Duration.ofSeconds(60));
            assertEquals(0, child.exitCode().orElse(-1));

            pool.close();
            assertThrows(IllegalStateException.class, () -> pool.apply(() -> 1));
            pool.join();
            assertTrue(pool.processes().isEmpty());
        }
    }

    private static Object roundTrip(Object o) throws IOException, ClassNotFoundException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        }
    }

    @Test
    void terminateAndTheReferentsGoAway() {
        try (SyncManager m = Multiprocessing.manager()) {
            terminate(m);
            assertThrows(IllegalArgumentException.class, () -> m.pool(0));
            int left = -1;
            for (int i = 0; i < 50 && left != 0; i++) {
                System.gc();
                left = m.awaitNumberOfObjects(0, Duration.ofMillis(200));
            }
            assertEquals(0, left, m::debugInfo);
        }
    }

    /** Its proxies are unreachable once it returns. */
    private static void terminate(SyncManager m) {
        Pool pool = m.pool(1);
        AsyncResult<Object> r = pool.applyAsync(() -> {
            Thread.sleep(60_000);
            return null;
        });
        pool.terminate();
        assertThrows(dev.mp4j.futures.CancelledError.class, () -> r.get(Duration.ofSeconds(60)));
    }
}
