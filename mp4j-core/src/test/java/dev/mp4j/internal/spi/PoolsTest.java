package dev.mp4j.internal.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.function.SerializableBiFunction;
import dev.mp4j.function.SerializableCallable;
import dev.mp4j.function.SerializableFunction;
import dev.mp4j.futures.ResultIterator;
import dev.mp4j.internal.util.SingleUseIterator;
import dev.mp4j.multiprocessing.AsyncResult;
import dev.mp4j.multiprocessing.Pool;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@link Pool} over a strategy ({@link Pools#forwardingTo}): the public methods check and collect their
 * arguments, then call the strategy once each; the pool travels as its strategy.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PoolsTest {
    @Test
    void everyPoolMethodCallsTheStrategyWithCheckedArgumentsAndItsDefaults() {
        Recording s = new Recording("a");
        Pool pool = Pools.forwardingTo(s);
        assertSame(s, Pools.strategyOf(pool));

        assertEquals(7, pool.apply(() -> 7));
        assertEquals(8, pool.applyAsync(() -> 8).get());
        assertEquals(9, pool.applyAsync(() -> 9, Duration.ofSeconds(3)).get());
        List<Object> seen = new ArrayList<>();
        assertEquals(10, pool.applyAsync(() -> 10, seen::add, seen::add).get());
        assertEquals(List.of(
                "apply", "applyAsync timeout=null callbacks=false", "applyAsync timeout=PT3S callbacks=false",
                "applyAsync timeout=null callbacks=true"), s.calls);

        s.calls.clear();
        LinkedHashSet<Integer> items = new LinkedHashSet<>(List.of(3, 1, 2));
        assertEquals(List.of(6, 2, 4), pool.map((Integer x) -> 2 * x, items));
        assertEquals(List.of(6, 2, 4), pool.map((Integer x) -> 2 * x, items, 2));
        assertEquals(List.of(4, 2, 3), pool.<Integer, Integer>mapAsync(x -> x + 1, items).get());
        assertEquals(List.of(2, 0, 1), pool.<Integer, Integer>mapAsync(x -> x - 1, items, 5, null, null).get());
        assertEquals(List.of(3, 7), pool.starmap((Integer a, Integer b) -> a + b, List.of(Map.entry(1, 2), Map.entry(3, 4))));
        assertEquals(List.of(2), pool.<Integer, Integer, Integer>starmapAsync((a, b) -> a * b,
                List.of(Map.entry(1, 2)), 4, null, null).get());
        assertEquals(List.of(30, 10, 20), pool.imap((Integer x) -> 10 * x, items).toList());
        assertEquals(List.of(30, 10, 20), pool.imapUnordered((Integer x) -> 10 * x, items, 3).toList());
        assertEquals(List.of("map chunksize=0", "map chunksize=2", "mapAsync chunksize=0", "mapAsync chunksize=5",
                "starmap chunksize=0", "starmapAsync chunksize=4", "imap chunksize=1 ordered=true",
                "imap chunksize=3 ordered=false"), s.calls);

        s.calls.clear();
        pool.close();
        pool.terminate();
        pool.join();
        assertEquals(3, pool.size());
        assertEquals(List.of(), pool.processes());
        assertEquals(List.of("close", "terminate", "join"), s.calls);
        assertEquals("<Recording a>", pool.toString());
    }

    @Test
    void badArgumentsFailBeforeTheStrategyIsCalled() {
        Recording s = new Recording("b");
        Pool pool = Pools.forwardingTo(s);
        NullPointerException npe = assertThrows(NullPointerException.class, () -> pool.apply(null));
        assertEquals("fn", npe.getMessage());
        npe = assertThrows(NullPointerException.class, () -> pool.map((Integer x) -> x, null));
        assertEquals("items", npe.getMessage());
        assertThrows(IllegalArgumentException.class, () -> pool.map((Integer x) -> x, List.of(1), 0));
        assertThrows(IllegalArgumentException.class, () -> pool.imap((Integer x) -> x, List.of(1), -1));
        List<Map.Entry<Integer, Integer>> withNull = new ArrayList<>();
        withNull.add(null);
        assertThrows(NullPointerException.class, () -> pool.starmap((Integer a, Integer b) -> a, withNull));
        assertEquals(List.of(), s.calls);
    }

    @Test
    void aForwardingPoolTravelsAsItsStrategyAndIsEqualToItsCopy() throws Exception {
        Pool pool = Pools.forwardingTo(new Recording("c"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(pool);
        }
        Object copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = in.readObject();
        }
        Pool received = assertInstanceOf(Pool.class, copy);
        assertNotSame(pool, received);
        assertEquals(pool, received);
        assertEquals(pool.hashCode(), received.hashCode());
        assertEquals(5, received.apply(() -> 5));
        assertEquals(List.of("apply"), ((Recording) Pools.strategyOf(received)).calls);
    }

    /** The seam works in a JVM where nothing has used {@code Pool} yet: it has Pool's initializer run. */
    @Test
    void theSeamWorksBeforeAnythingElseUsesPool() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        java.lang.Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                FirstUse.class.getName()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the program did not exit");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("apply=42"), out);
    }

    /** A program whose first use of Pool is through the seam. */
    static final class FirstUse {
        private FirstUse() {}

        public static void main(String[] args) {
            Pool pool = Pools.forwardingTo(new Recording("first"));
            System.out.println("apply=" + pool.apply(() -> 42));
        }
    }

    /** Runs each call at once in this thread and records which method was called with what. */
    record Recording(String name, List<String> calls) implements PoolStrategy, Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        Recording(String name) {
            this(name, new CopyOnWriteArrayList<>());
        }

        @Override
        public <R> R apply(SerializableCallable<R> fn) {
            calls.add("apply");
            return call(fn);
        }

        @Override
        public <R> AsyncResult<R> applyAsync(SerializableCallable<R> fn, Duration timeout,
                                             Consumer<? super R> callback, Consumer<? super Throwable> errorCallback) {
            calls.add("applyAsync timeout=" + timeout + " callbacks=" + (callback != null && errorCallback != null));
            return new Ready<>(call(fn));
        }

        @Override
        public <T, R> List<R> map(SerializableFunction<? super T, ? extends R> fn, List<T> items, int chunksize) {
            calls.add("map chunksize=" + chunksize);
            return each(fn, items);
        }

        @Override
        public <T, R> AsyncResult<List<R>> mapAsync(SerializableFunction<? super T, ? extends R> fn, List<T> items,
                                                    int chunksize, Consumer<? super List<R>> callback,
                                                    Consumer<? super Throwable> errorCallback) {
            calls.add("mapAsync chunksize=" + chunksize);
            return new Ready<>(each(fn, items));
        }

        @Override
        public <A, B, R> List<R> starmap(SerializableBiFunction<? super A, ? super B, ? extends R> fn,
                                         List<Map.Entry<A, B>> pairs, int chunksize) {
            calls.add("starmap chunksize=" + chunksize);
            return each((Map.Entry<A, B> e) -> fn.apply(e.getKey(), e.getValue()), pairs);
        }

        @Override
        public <A, B, R> AsyncResult<List<R>> starmapAsync(SerializableBiFunction<? super A, ? super B, ? extends R> fn,
                                                           List<Map.Entry<A, B>> pairs, int chunksize,
                                                           Consumer<? super List<R>> callback,
                                                           Consumer<? super Throwable> errorCallback) {
            calls.add("starmapAsync chunksize=" + chunksize);
            return new Ready<>(each((Map.Entry<A, B> e) -> fn.apply(e.getKey(), e.getValue()), pairs));
        }

        @Override
        public <T, R> ResultIterator<R> imap(SerializableFunction<? super T, ? extends R> fn,
                                             Iterable<? extends T> items, int chunksize, boolean ordered) {
            calls.add("imap chunksize=" + chunksize + " ordered=" + ordered);
            List<T> list = new ArrayList<>();
            items.forEach(list::add);
            return new ListIterator<>(each(fn, list));
        }

        @Override
        public void close() {
            calls.add("close");
        }

        @Override
        public void terminate() {
            calls.add("terminate");
        }

        @Override
        public void join() {
            calls.add("join");
        }

        @Override
        public List<ProcessHandle> processes() {
            return List.of();
        }

        @Override
        public int size() {
            return 3;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Recording r && r.name.equals(name);
        }

        @Override
        public int hashCode() {
            return name.hashCode();
        }

        @Override
        public String toString() {
            return "<Recording " + name + ">";
        }

        private static <R> R call(SerializableCallable<R> fn) {
            try {
                return fn.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private static <T, R> List<R> each(SerializableFunction<? super T, ? extends R> fn, List<T> items) {
            List<R> out = new ArrayList<>();
            for (T item : items) {
                out.add(call(() -> fn.apply(item)));
            }
            return out;
        }
    }

    private record Ready<R>(R value) implements AsyncResult<R> {
        @Override
        public R get() {
            return value;
        }

        @Override
        public R get(Duration timeout) {
            return value;
        }

        @Override
        public boolean await(Duration timeout) {
            return true;
        }

        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public boolean successful() {
            return true;
        }

        @Override
        public java.util.concurrent.CompletableFuture<R> toCompletableFuture() {
            return java.util.concurrent.CompletableFuture.completedFuture(value);
        }
    }

    private static final class ListIterator<R> extends SingleUseIterator<R> {
        private final java.util.Iterator<R> it;

        ListIterator(List<R> values) {
            this.it = values.iterator();
        }

        @Override
        protected boolean more() {
            return it.hasNext();
        }

        @Override
        protected R take(Duration timeout) {
            delivered();
            return it.next();
        }

        @Override
        public java.util.OptionalInt total() {
            return java.util.OptionalInt.empty();
        }

        @Override
        protected void cancelRest() {}
    }
}
