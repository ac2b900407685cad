package dev.mp4j.multiprocessing.managers;

import dev.mp4j.multiprocessing.Empty;
import dev.mp4j.multiprocessing.Full;
import dev.mp4j.multiprocessing.JoinableQueue;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Queue;
import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.Condition;
import dev.mp4j.threading.Event;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.RLock;
import dev.mp4j.threading.Semaphore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CPython's {@code _TestContainers} (list, dict and namespace proxies, nested proxies) on the manager of
 * {@code Multiprocessing.manager()}, the other shared types of a SyncManager, proxies used by a child
 * process, and CPython's {@code _TestZZZNumberOfObjects} last: every referent made here goes away once its
 * proxies are unreachable.
 */
@Timeout(60)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SyncManagerTest {
    private static SyncManager manager;

    @BeforeAll
    static void startManager() {
        manager = Multiprocessing.manager();
    }

    @AfterAll
    static void stopManager() {
        if (manager != null) {
            manager.shutdown();
            assertEquals(0, manager.serverProcess().exitCode().orElse(-1));
        }
    }

    private static <E> List<E> list(List<E> initial) {
        return manager.list(initial);
    }

    // ------------------------------------------------------------------ _TestContainers

    @Test
    void testList() {
        List<Object> a = list(range(10));
        assertEquals(range(10), new ArrayList<>(a));
        List<Object> b = manager.list();
        assertEquals(List.of(), new ArrayList<>(b));
        b.addAll(range(5));
        assertEquals(range(5), new ArrayList<>(b));
        assertEquals(2, b.get(2));
        assertEquals(List.of(2, 3, 4), b.subList(2, 5));
        b.addAll(new ArrayList<>(b)); // b *= 2
        assertEquals(List.of(0, 1, 2, 3, 4, 0, 1, 2, 3, 4), new ArrayList<>(b));
        assertEquals(range(10), new ArrayList<>(a));

        List<List<Object>> e = manager.list(List.of(a, b));
        List<List<Object>> elements = new ArrayList<>();
        for (List<Object> element : e) {
            elements.add(new ArrayList<>(element));
        }
        assertEquals(List.of(range(10), List.of(0, 1, 2, 3, 4, 0, 1, 2, 3, 4)), elements);

        List<List<Object>> f = manager.list(List.of(a));
        a.add("hello");
        List<Object> expected = new ArrayList<>(range(10));
        expected.add("hello");
        assertEquals(expected, new ArrayList<>(f.get(0)));
    }

    @Test
    void testListIter() {
        List<Object> a = list(range(10));
        Iterator<Object> it = a.iterator();
        List<Object> seen = new ArrayList<>();
        it.forEachRemaining(seen::add);
        assertEquals(range(10), seen);
        assertFalse(it.hasNext()); // exhausted
        assertThrows(NoSuchElementException.class, it::next);
        // a list modified before iteration starts
        it = a.iterator();
        a.set(0, 100);
        assertEquals(100, it.next());
        // remove through the iterator removes from the shared list
        it = a.iterator();
        while (it.hasNext()) {
            if (((Integer) it.next()) % 2 == 1) {
                it.remove();
            }
        }
        assertEquals(List.of(100, 2, 4, 6, 8), new ArrayList<>(a));
    }

    @Test
    void testListProxyInList() {
        List<List<Object>> a = manager.list();
        for (int i = 0; i < 3; i++) {
            a.add(list(range(3)));
        }
        for (List<Object> inner : a) {
            assertEquals(range(3), new ArrayList<>(inner));
        }
        a.get(0).set(2, 55);
        assertEquals(List.of(0, 1, 55), new ArrayList<>(a.get(0)));
        for (int i = 1; i < 3; i++) {
            assertEquals(range(3), new ArrayList<>(a.get(i)));
        }
        assertEquals(2, a.get(1).remove(2));
        assertEquals(2, a.get(1).size());
        assertEquals(3, a.get(0).size());
        assertEquals(3, a.get(2).size());

        List<Object> b = manager.list();
        b.add(b); // a list holding a proxy of itself
        assertEquals(1, b.size());
        assertEquals(b, b.get(0));
        assertTrue(b.toString().matches("\\[<BaseProxy object, typeid 'list' at 0x\\p{XDigit}+ on .*>]"), b::toString);
        b.clear(); // a cycle is never released otherwise (as in Python)
    }

    @Test
    void testDict() {
        Map<Integer, String> d = manager.dict();
        List<Integer> indices = List.of(65, 66, 67, 68, 69);
        Map<Integer, String> expected = new HashMap<>();
        for (int i : indices) {
            assertNull(d.put(i, String.valueOf((char) i)));
            expected.put(i, String.valueOf((char) i));
        }
        assertEquals(expected, new HashMap<>(d));
        assertEquals(expected, d);
        assertEquals(d, expected);
        assertEquals(expected.hashCode(), d.hashCode());
        assertEquals(indices, new ArrayList<>(d.keySet()));
        assertEquals(List.of("A", "B", "C", "D", "E"), new ArrayList<>(d.values()));
        assertEquals(new ArrayList<>(expected.entrySet()), new ArrayList<>(d.entrySet()));
        assertEquals("{65=A, 66=B, 67=C, 68=D, 69=E}", d.toString());
    }

    @Test
    void testDictIter() {
        Map<Integer, String> d = manager.dict();
        List<Integer> indices = List.of(65, 66, 67, 68, 69);
        for (int i : indices) {
            d.put(i, String.valueOf((char) i));
        }
        Iterator<Integer> it = d.keySet().iterator();
        List<Integer> seen = new ArrayList<>();
        it.forEachRemaining(seen::add);
        assertEquals(indices, seen);
        assertFalse(it.hasNext()); // exhausted
        // the copy is taken when iteration starts: a map cleared before that is seen empty
        it = d.keySet().iterator();
        d.clear();
        assertFalse(it.hasNext());
    }

    @Test
    void mapContracts() {
        Map<String, Integer> d = manager.dict(Map.of("a", 1));
        assertEquals(1, d.put("a", 2));
        assertNull(d.put("b", 3));
        assertEquals(2, d.putIfAbsent("a", 9));
        assertNull(d.putIfAbsent("c", 4));
        assertEquals(4, d.replace("c", 5));
        assertTrue(d.replace("c", 5, 6));
        assertFalse(d.replace("c", 5, 7));
        assertEquals(6, d.get("c"));
        assertEquals(0, d.getOrDefault("zzz", 0));
        assertFalse(d.remove("c", 7));
        assertTrue(d.remove("c", 6));
        assertEquals(3, d.remove("b"));
        assertNull(d.remove("b"));
        assertTrue(d.containsKey("a"));
        assertTrue(d.containsValue(2));
        assertFalse(d.isEmpty());
        d.putAll(Map.of("x", 10, "y", 20));
        assertEquals(3, d.size());
        d.merge("x", 1, Integer::sum); // a default method: several calls, through the proxy
        assertEquals(11, d.get("x"));
        for (Map.Entry<String, Integer> e : d.entrySet()) {
            e.setValue(e.getValue() * 100);
        }
        assertEquals(Map.of("a", 200, "x", 1100, "y", 2000), d);
        d.entrySet().removeIf(e -> e.getKey().equals("y"));
        d.keySet().remove("x");
        assertEquals(Map.of("a", 200), d);
        assertTrue(d.entrySet().contains(Map.entry("a", 200)));
        assertFalse(d.entrySet().contains(Map.entry("a", 1)));
        assertNotEquals(d, manager.dict());
        assertEquals(manager.dict(Map.of("k", 1)), manager.dict(Map.of("k", 1)));
    }

    @Test
    void listContracts() {
        List<Integer> l = manager.list(List.of(5, 6, 7, 5));
        assertEquals(5, l.set(0, 4));
        assertTrue(l.add(8));
        l.add(0, 3);
        assertEquals(List.of(3, 4, 6, 7, 5, 8), l);
        assertEquals(Integer.valueOf(6), l.remove(2)); // remove(int)
        assertTrue(l.remove(Integer.valueOf(5)));      // remove(Object)
        assertFalse(l.remove(Integer.valueOf(42)));
        assertEquals(List.of(3, 4, 7, 8), l);
        assertEquals(2, l.indexOf(7));
        assertEquals(-1, l.lastIndexOf(42));
        assertTrue(l.contains(8));
        assertTrue(l.containsAll(List.of(3, 8)));
        assertThrows(IndexOutOfBoundsException.class, () -> l.get(20));
        l.sort(null);
        l.addAll(1, List.of(1, 2));
        assertEquals(List.of(3, 1, 2, 4, 7, 8), l);
        l.removeAll(List.of(1, 2));
        l.retainAll(List.of(3, 4, 99));
        assertEquals(List.of(3, 4), l);
        assertEquals(List.of(3, 4).hashCode(), l.hashCode());
        assertEquals("[3, 4]", l.toString());
        Object[] arr = l.toArray();
        assertEquals(2, arr.length);
        l.clear();
        assertTrue(l.isEmpty());
    }

    @Test
    void testDictProxyNested() {
        Map<String, Integer> pets = manager.dict(orderedMap("ferrets", 2, "hamsters", 4));
        Map<String, Integer> supplies = manager.dict(orderedMap("water", 10, "feed", 3));
        Map<String, Map<String, Integer>> d = manager.dict(orderedMap("pets", pets, "supplies", supplies));

        assertEquals(10, supplies.get("water"));
        assertEquals(10, d.get("supplies").get("water"));

        d.get("supplies").put("blankets", 5);
        assertEquals(5, supplies.get("blankets"));
        assertEquals(5, d.get("supplies").get("blankets"));

        d.get("supplies").put("water", 7);
        assertEquals(7, supplies.get("water"));
        assertEquals(7, d.get("supplies").get("water"));

        pets = null;
        supplies = null;
        System.gc();
        assertEquals(2, d.get("pets").get("ferrets"));
        d.get("supplies").put("blankets", 11);
        assertEquals(11, d.get("supplies").get("blankets"));

        pets = d.get("pets");
        supplies = d.get("supplies");
        supplies.put("water", 7);
        assertEquals(7, supplies.get("water"));
        assertEquals(7, d.get("supplies").get("water"));

        d.clear();
        assertEquals(0, d.size());
        assertEquals(7, supplies.get("water"));
        assertEquals(4, pets.get("hamsters"));

        List<Map<String, Integer>> l = manager.list(List.of(pets, supplies));
        l.get(0).put("marmots", 1);
        assertEquals(1, pets.get("marmots"));
        assertEquals(1, l.get(0).get("marmots"));

        pets = null;
        supplies = null;
        System.gc();
        assertEquals(1, l.get(0).get("marmots"));

        List<Object> outer = manager.list(List.of(List.of(88, 99), l));
        assertFalse(outer.get(0) instanceof BaseProxy.Proxied); // not a proxy: a copy
        assertEquals(List.of(88, 99), outer.get(0));
        @SuppressWarnings("unchecked")
        List<Map<String, Integer>> last = (List<Map<String, Integer>>) outer.get(1);
        assertEquals(3, last.get(1).get("feed"));
    }

    @Test
    void testNestedQueue() {
        List<Queue<Integer>> a = manager.list(); // a queue inside a list
        a.add(manager.queue());
        a.get(0).put(123);
        assertEquals(123, a.get(0).get());
        Map<Integer, Queue<Integer>> b = manager.dict(); // a queue inside a dict
        b.put(0, manager.queue());
        b.get(0).put(456);
        assertEquals(456, b.get(0).get());
    }

    @Test
    void testNamespace() {
        Namespace n = manager.namespace();
        n.set("name", "Bob");
        n.set("job", "Builder");
        n.set("_hidden", "hidden");
        assertEquals("Namespace(job='Builder', name='Bob')", n.toString()); // sorted; '_' names hidden
        assertEquals("hidden", n.<String>get("_hidden"));
        assertEquals("Bob", n.<String>get("name"));
        assertEquals("Builder", n.<String>get("job"));
        n.delete("job");
        assertEquals("Namespace(name='Bob')", n.toString());
        assertTrue(n.has("name"));
        assertFalse(n.has("job"));
        assertThrows(IllegalArgumentException.class, () -> n.get("job"));
    }

    // ------------------------------------------------------------------ the other shared types

    @Test
    void value() {
        Value<Integer> v = manager.value(41);
        assertEquals(41, v.get());
        v.set(v.get() + 1);
        assertEquals(42, v.get());
        assertEquals("Value(42)", v.toString());
        Value<String> s = manager.value(null);
        assertNull(s.get());
    }

    @Test
    void queues() {
        Queue<String> q = manager.queue(2);
        assertTrue(q.empty());
        q.put("a");
        q.putNowait(null); // null is an item
        assertTrue(q.full());
        assertEquals(2, q.qsize());
        assertThrows(Full.class, () -> q.putNowait("c"));
        assertThrows(Full.class, () -> q.put("c", Duration.ofMillis(50)));
        assertEquals("a", q.get());
        assertNull(q.get(Duration.ofSeconds(1)));
        assertThrows(Empty.class, q::getNowait);
        assertThrows(Empty.class, () -> q.get(Duration.ofMillis(50)));
        Queue<Object> raw = manager.queue();
        assertThrows(IllegalArgumentException.class, () -> raw.put(new Object())); // not serializable
        q.close();
        assertThrows(IllegalStateException.class, () -> q.put("after close"));
        q.joinThread();

        JoinableQueue<Integer> j = manager.joinableQueue();
        j.put(1);
        j.put(2);
        CompletableFuture<Void> joined = CompletableFuture.runAsync(j::join);
        assertEquals(1, j.get());
        j.taskDone();
        assertEquals(2, j.get());
        assertFalse(joined.isDone());
        j.taskDone();
        joined.orTimeout(10, TimeUnit.SECONDS).join();
        assertThrows(IllegalStateException.class, j::taskDone);
    }

    @Test
    void locks() throws Exception {
        Lock lock = manager.lock();
        assertTrue(lock.acquire());
        assertTrue(lock.locked());
        assertFalse(lock.acquire(false));
        assertFalse(lock.acquire(Duration.ofMillis(50)));
        lock.release();
        assertThrows(IllegalStateException.class, lock::release);
        try (var _ = lock.enter()) {
            assertTrue(lock.locked());
        }
        assertFalse(lock.locked());
        var guard = lock.enter();
        guard.close();
        guard.close(); // a guard releases at most once (the Guard contract), through the proxy too
        assertFalse(lock.locked());

        RLock rlock = manager.rlock();
        assertTrue(rlock.acquire());
        assertTrue(rlock.acquire()); // re-entrant for this thread
        AtomicReference<Throwable> other = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                assertFalse(rlock.acquire(false)); // another thread: its own server thread, not the owner
                rlock.release();
            } catch (Throwable e) {
                other.set(e);
            }
        });
        t.start();
        t.join(10_000);
        assertInstanceOf(IllegalMonitorStateException.class, other.get());
        rlock.release();
        rlock.release();
        assertThrows(IllegalMonitorStateException.class, rlock::release);

        Semaphore s = manager.semaphore(2);
        assertTrue(s.acquire());
        assertEquals(1, s.value());
        assertTrue(s.acquire(false));
        assertFalse(s.acquire(Duration.ofMillis(20)));
        s.release(2);
        assertEquals(2, s.value());
        Semaphore bs = manager.boundedSemaphore(1);
        try (var _ = bs.enter()) {
            assertEquals(0, bs.value());
        }
        assertThrows(IllegalStateException.class, bs::release);
    }

    @Test
    void conditionEventBarrier() throws Exception {
        Condition cond = manager.condition();
        Event event = manager.event();
        Barrier barrier = manager.barrier(2);
        Value<Integer> state = manager.value(0);
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicReference<Object> seen = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try (var _ = cond.enter()) {
                waiting.countDown();
                boolean ok = cond.awaitFor(() -> state.get() == 1, Duration.ofSeconds(20));
                int index = barrier.await(Duration.ofSeconds(20));
                event.await(Duration.ofSeconds(20));
                seen.set(ok + "/" + index + "/" + event.isSet());
            } catch (Throwable e) {
                seen.set(e);
            }
        });
        t.start();
        assertTrue(waiting.await(10, TimeUnit.SECONDS));
        try (var _ = cond.enter()) { // the other thread waits, so the lock is free
            state.set(1);
            cond.signalAll();
        }
        int index = barrier.await(Duration.ofSeconds(20));
        assertEquals(2, barrier.parties());
        event.set();
        t.join(20_000);
        assertFalse(t.isAlive());
        assertEquals("true/" + (1 - index) + "/true", String.valueOf(seen.get()));
    }

    @Test
    void conditionAwaitWithoutTheLock() {
        Condition cond = manager.condition();
        assertThrows(IllegalMonitorStateException.class, () -> cond.await(Duration.ZERO));
        assertThrows(IllegalMonitorStateException.class, cond::signal);
    }

    @Test
    void conditionOverAManagerLock() throws Exception {
        for (Lock lock : List.of(manager.lock(), manager.rlock())) {
            Condition cond = manager.condition(lock);
            Value<Integer> state = manager.value(0);
            CountDownLatch waiting = new CountDownLatch(1);
            AtomicReference<Object> seen = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try (var _ = lock.enter()) { // the lock's own proxy: the condition is over that very lock
                    waiting.countDown();
                    seen.set(cond.awaitFor(() -> state.get() == 1, Duration.ofSeconds(20)));
                } catch (Throwable e) {
                    seen.set(e);
                }
            });
            t.start();
            assertTrue(waiting.await(10, TimeUnit.SECONDS));
            try (var _ = cond.enter()) { // acquires the lock: free while the other thread awaits
                assertTrue(lock.locked());
                state.set(1);
                cond.signalAll();
            }
            t.join(20_000);
            assertFalse(t.isAlive());
            assertEquals(true, seen.get());
            assertTrue(lock.acquire(false)); // free again
            lock.release();
        }
        assertThrows(IllegalArgumentException.class, () -> manager.condition(manager.condition()));
        assertThrows(IllegalArgumentException.class, () -> manager.condition(dev.mp4j.threading.Threading.lock()));
        assertThrows(IllegalArgumentException.class, () -> manager.condition(null));
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void array() {
        Array<Integer> a = manager.array(int.class, List.of(1, 2, 3));
        assertEquals(3, a.length());
        assertEquals(2, a.get(1));
        a.set(1, 20);
        assertEquals(List.of(1, 20, 3), a.toList());
        assertEquals("array(int, [1, 20, 3])", a.toString());
        assertThrows(IndexOutOfBoundsException.class, () -> a.get(3));
        assertThrows(IndexOutOfBoundsException.class, () -> a.set(-1, 0));
        Array<Object> raw = (Array) a;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> raw.set(0, "x"));
        assertTrue(e.getMessage().contains("cannot hold a java.lang.String"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> raw.set(0, null));
        assertThrows(IllegalArgumentException.class, () -> manager.array(Integer.class, (List) List.of("x")));
        Array<String> s = manager.array(String.class, List.of("a", "b"));
        s.set(0, null);
        assertEquals(java.util.Arrays.asList(null, "b"), s.toList());
        Array<Double> empty = manager.array(double.class, List.of());
        assertEquals(0, empty.length());
        assertEquals(a, a);
        assertNotEquals(a, s);
    }

    // ------------------------------------------------------------------ proxies in a child process

    @Test
    void proxiesWorkInAChildProcess() {
        List<String> log = manager.list();
        Map<String, Integer> counts = manager.dict();
        Queue<String> in = manager.queue();
        Event done = manager.event();
        Lock lock = manager.lock();
        Process p = Multiprocessing.process(() -> {
            String msg = in.get();
            try (var _ = lock.enter()) {
                log.add("child got " + msg);
                counts.merge("child", 1, Integer::sum);
            }
            log.add("child's pid " + ProcessHandle.current().pid());
            done.set();
        });
        p.start();
        in.put("hello");
        assertTrue(done.await(Duration.ofSeconds(30)));
        p.join(Duration.ofSeconds(30));
        assertEquals(0, p.exitCode().orElse(-1));
        assertEquals(List.of("child got hello", "child's pid " + p.pid().orElseThrow()), log);
        assertEquals(Map.of("child", 1), counts);
    }

    @Test
    void aClientThatGoesAwayDuringAGetDoesNotTakeTheItem() throws Exception {
        Queue<String> q = manager.queue();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread getter = new Thread(() -> {
            try {
                q.get();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        getter.start();
        // the getter blocks in the server; once it is interrupted its connection closes, and the server
        // gives up its get (the watchdog) instead of taking the next item for nobody
        assertEquals(1, manager.awaitCalls(1, Duration.ofSeconds(10)));
        getter.interrupt();
        getter.join(10_000);
        assertInstanceOf(dev.mp4j.InterruptedError.class, failure.get());
        assertEquals(0, manager.awaitCalls(0, Duration.ofSeconds(10)));
        q.put("for the living");
        assertEquals("for the living", q.get(Duration.ofSeconds(10)));
    }

    // ------------------------------------------------------------------ _TestZZZNumberOfObjects

    @Test
    @Order(Integer.MAX_VALUE)
    void zzzNumberOfObjects() {
        int left = -1;
        for (int i = 0; i < 50 && left != 0; i++) {
            System.gc();
            left = manager.awaitNumberOfObjects(0, Duration.ofMillis(200));
        }
        assertEquals(0, left, manager::debugInfo);
    }

    // ------------------------------------------------------------------ helpers

    private static List<Object> range(int n) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }

    private static <V> Map<String, V> orderedMap(String k1, V v1, String k2, V v2) {
        Map<String, V> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }
}
