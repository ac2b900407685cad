package dev.mp4j.multiprocessing.apilines;

import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.Full;
import dev.mp4j.multiprocessing.JoinableQueue;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pipe;
import dev.mp4j.multiprocessing.Queue;
import dev.mp4j.multiprocessing.SharedDouble;
import dev.mp4j.multiprocessing.SharedDoubleArray;
import dev.mp4j.multiprocessing.SharedInt;
import dev.mp4j.multiprocessing.SharedIntArray;
import dev.mp4j.multiprocessing.SharedLong;
import dev.mp4j.multiprocessing.SharedLongArray;
import dev.mp4j.multiprocessing.SharedMemory;
import dev.mp4j.multiprocessing.SimpleQueue;
import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.Condition;
import dev.mp4j.threading.Event;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.RLock;
import dev.mp4j.threading.Semaphore;
import dev.mp4j.threading.Threading;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.Serializable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * API.md, {@code Context}: every factory, on each start method's context and on a context derived with
 * {@code withJvmOptions}/{@code withExecutable}, makes a working object of its kind, serializable, and
 * rejects invalid arguments; and (Clarifications) {@code Multiprocessing} offers every factory of
 * {@code Context} as a static method on the default context.
 */
@Timeout(60)
class ContextFactoriesTest {

    static Stream<Context> contexts() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return Stream.of(
                Multiprocessing.getContext("spawn"),
                Multiprocessing.getContext("forkserver"),
                Multiprocessing.getContext("spawn").withJvmOptions(List.of("-Xmx64m")).withExecutable(java));
    }

    @ParameterizedTest
    @MethodSource("contexts")
    void queues(Context ctx) {
        Queue<String> q = ctx.queue();
        q.put("a");
        assertEquals("a", q.get(Duration.ofSeconds(10)));
        assertFalse(q.full());
        q.close();

        Queue<String> bounded = ctx.queue(1);
        bounded.put("a");
        assertThrows(Full.class, () -> bounded.putNowait("b"));
        bounded.close();

        SimpleQueue<Integer> sq = ctx.simpleQueue();
        sq.put(1);
        assertEquals(1, sq.get());
        assertTrue(sq.empty());
        sq.close();

        JoinableQueue<Integer> jq = ctx.joinableQueue();
        jq.put(1);
        assertEquals(1, jq.get(Duration.ofSeconds(10)));
        jq.taskDone();
        jq.join();
        jq.close();

        JoinableQueue<Integer> jqBounded = ctx.joinableQueue(1);
        jqBounded.put(1);
        assertTrue(jqBounded.full());
        assertThrows(Full.class, () -> jqBounded.put(2, Duration.ZERO));
        jqBounded.close();

        for (Object o : List.of(q, bounded, sq, jq, jqBounded)) {
            assertInstanceOf(Serializable.class, o);
        }
    }

    @ParameterizedTest
    @MethodSource("contexts")
    void pipes(Context ctx) {
        Pipe duplex = ctx.pipe();
        assertPipe(duplex, true);
        Pipe explicitDuplex = ctx.pipe(true);
        assertPipe(explicitDuplex, true);
        Pipe oneWay = ctx.pipe(false);
        assertPipe(oneWay, false);
    }

    static void assertPipe(Pipe p, boolean duplex) {
        Connection c1 = p.conn1();
        Connection c2 = p.conn2();
        assertTrue(c1.readable());
        assertEquals(duplex, c1.writable());
        assertEquals(duplex, c2.readable());
        assertTrue(c2.writable());
        c2.send("to conn1");
        assertEquals("to conn1", c1.recv());
        if (duplex) {
            c1.send("to conn2");
            assertEquals("to conn2", c2.recv());
        }
        c1.close();
        c2.close();
        assertTrue(c1.closed() && c2.closed());
    }

    @ParameterizedTest
    @MethodSource("contexts")
    void synchronization(Context ctx) {
        Lock lock = ctx.lock();
        assertTrue(lock.acquire(false));
        assertFalse(lock.acquire(false), "not re-entrant");
        lock.release();

        RLock rlock = ctx.rlock();
        assertTrue(rlock.acquire(false));
        assertTrue(rlock.acquire(false), "re-entrant");
        rlock.release();
        rlock.release();
        assertThrows(IllegalMonitorStateException.class, rlock::release);

        Condition cv = ctx.condition();
        try (var _ = cv.enter()) {
            assertFalse(cv.await(Duration.ofMillis(10)));
        }
        Condition cvOverLock = ctx.condition(lock);
        try (var _ = cvOverLock.enter()) {
            assertTrue(lock.locked(), "the condition's lock is the one given");
        }
        assertFalse(lock.locked());
        assertThrows(IllegalArgumentException.class, () -> ctx.condition(Threading.lock()),
                "a cross-process condition over a thread lock");

        Semaphore sem = ctx.semaphore(2);
        assertEquals(2, sem.value());
        sem.release(); // unbounded
        assertEquals(3, sem.value());
        assertThrows(IllegalArgumentException.class, () -> ctx.semaphore(-1));

        Semaphore bounded = ctx.boundedSemaphore(1);
        assertTrue(bounded.acquire(false));
        bounded.release();
        assertThrows(IllegalStateException.class, bounded::release, "released too many times");
        assertThrows(IllegalArgumentException.class, () -> ctx.boundedSemaphore(-1));

        Event event = ctx.event();
        assertFalse(event.isSet());
        event.set();
        assertTrue(event.await(Duration.ZERO));

        Barrier one = ctx.barrier(1);
        assertEquals(1, one.parties());
        assertEquals(0, one.await());
        assertThrows(IllegalArgumentException.class, () -> ctx.barrier(0));

        Barrier withTimeout = ctx.barrier(2, null, Duration.ofMillis(50));
        assertThrows(dev.mp4j.threading.BrokenBarrierError.class, withTimeout::await,
                "the barrier's default timeout applies");
        assertTrue(withTimeout.broken());

        for (Object o : List.of(lock, rlock, cv, cvOverLock, sem, bounded, event, one, withTimeout)) {
            assertInstanceOf(Serializable.class, o, o.getClass().getName());
        }
    }

    @Test
    void barrierActionRunsOnceWhenAllArrive() throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        Barrier b = Multiprocessing.getContext().barrier(2, runs::incrementAndGet, null);
        Thread t = Thread.ofPlatform().start(b::await);
        b.await(Duration.ofSeconds(10));
        assertTrue(t.join(Duration.ofSeconds(10)));
        assertEquals(1, runs.get());
    }

    @ParameterizedTest
    @MethodSource("contexts")
    void sharedMemory(Context ctx) {
        SharedInt i = ctx.sharedInt(7);
        assertEquals(7, i.get());
        SharedLong l = ctx.sharedLong(Long.MIN_VALUE);
        assertEquals(Long.MIN_VALUE, l.get());
        SharedDouble d = ctx.sharedDouble(2.5);
        assertEquals(2.5, d.get());

        SharedIntArray ia = ctx.sharedIntArray(3);
        SharedLongArray la = ctx.sharedLongArray(4);
        SharedDoubleArray da = ctx.sharedDoubleArray(5);
        assertEquals(List.of(3, 4, 5), List.of(ia.length(), la.length(), da.length()));
        for (int k = 0; k < 3; k++) {
            assertEquals(0, ia.get(k), "zero-filled");
        }
        assertEquals(0L, la.get(3));
        assertEquals(0.0, da.get(4));
        assertEquals(0, ctx.sharedIntArray(0).length());
        assertThrows(IllegalArgumentException.class, () -> ctx.sharedIntArray(-1));
        assertThrows(IllegalArgumentException.class, () -> ctx.sharedLongArray(-1));
        assertThrows(IllegalArgumentException.class, () -> ctx.sharedDoubleArray(-1));

        try (SharedMemory shm = ctx.sharedMemory(100)) {
            assertEquals(100, shm.size());
            assertTrue(shm.name().startsWith("mp4j-"), shm.name());
            assertEquals(100, shm.segment().byteSize());
            shm.unlink();
        }
        assertThrows(IllegalArgumentException.class, () -> ctx.sharedMemory(0));

        for (Object o : List.of(i, l, d, ia, la, da)) {
            assertInstanceOf(Serializable.class, o);
        }
    }

    // ---------------------------------------------------------------- the Multiprocessing forwarders

    /** Clarifications: every Context method but startMethod and the with* ones, static on Multiprocessing. */
    @Test
    void multiprocessingForwardsEveryFactory() {
        List<String> missing = new ArrayList<>();
        for (Method m : Context.class.getMethods()) {
            if (m.getName().equals("startMethod") || m.getName().startsWith("with") || m.isDefault()
                    || Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            try {
                Method f = Multiprocessing.class.getMethod(m.getName(), m.getParameterTypes());
                if (!Modifier.isStatic(f.getModifiers()) || !f.getGenericReturnType().equals(m.getGenericReturnType())
                        && !f.getReturnType().equals(m.getReturnType())) {
                    missing.add(m + " (found " + f + ")");
                }
            } catch (NoSuchMethodException e) {
                missing.add(m.getName() + Arrays.toString(m.getParameterTypes()));
            }
        }
        assertEquals(List.of(), missing, "Context methods without a static Multiprocessing forwarder");
    }

    @Test
    void theForwardersUseTheDefaultContext() {
        assertEquals(Multiprocessing.getStartMethod(), Multiprocessing.getContext().startMethod());

        Pipe p = Multiprocessing.pipe();
        assertPipe(p, true);
        assertPipe(Multiprocessing.pipe(false), false);

        Queue<Integer> q = Multiprocessing.queue(2);
        q.put(1);
        q.put(2);
        assertTrue(q.full());
        q.close();
        JoinableQueue<Integer> jq = Multiprocessing.joinableQueue(1);
        jq.put(null);
        assertTrue(jq.full());
        assertNull(jq.get());
        jq.taskDone();
        jq.close();
        SimpleQueue<String> sq = Multiprocessing.simpleQueue();
        assertTrue(sq.empty());
        sq.close();

        Lock lock = Multiprocessing.lock();
        Condition cv = Multiprocessing.condition(lock);
        try (var _ = cv.enter()) {
            assertTrue(lock.locked());
        }
        try (var _ = Multiprocessing.condition().enter(); var _ = Multiprocessing.rlock().enter()) {
            assertEquals(3, Multiprocessing.semaphore(3).value());
            assertEquals(1, Multiprocessing.boundedSemaphore(1).value());
            assertFalse(Multiprocessing.event().isSet());
            assertEquals(4, Multiprocessing.barrier(4).parties());
            assertEquals(2, Multiprocessing.barrier(2, null, null).parties());
        }
        assertEquals(-1, Multiprocessing.sharedInt(-1).get());
        assertEquals(1L << 40, Multiprocessing.sharedLong(1L << 40).get());
        assertEquals(-0.5, Multiprocessing.sharedDouble(-0.5).get());
        assertEquals(2, Multiprocessing.sharedIntArray(2).length());
        assertEquals(2, Multiprocessing.sharedLongArray(2).length());
        assertEquals(2, Multiprocessing.sharedDoubleArray(2).length());
        try (SharedMemory a = Multiprocessing.sharedMemory(10); SharedMemory b = Multiprocessing.sharedMemory(10)) {
            assertNotEquals(a.name(), b.name(), "a new segment each time");
            a.unlink();
            b.unlink();
        }
    }
}
