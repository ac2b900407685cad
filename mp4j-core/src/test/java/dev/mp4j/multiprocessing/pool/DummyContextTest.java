package dev.mp4j.multiprocessing.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.multiprocessing.BufferTooShort;
import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.Connections;
import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.EOFError;
import dev.mp4j.multiprocessing.Empty;
import dev.mp4j.multiprocessing.Full;
import dev.mp4j.multiprocessing.JoinableQueue;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pipe;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Queue;
import dev.mp4j.multiprocessing.Sentinel;
import dev.mp4j.multiprocessing.SimpleQueue;
import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.Event;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.Semaphore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code Multiprocessing.dummy()}: processes that are threads, thread-backed queues and pipes, threading's locks. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DummyContextTest {
    private final Context dummy = Multiprocessing.dummy();

    @Test
    void itIsTheDummyStartMethodAndTakesNoJvmSettings() {
        assertEquals("dummy", dummy.startMethod());
        assertSame(dummy, dummy.withJvmOptions(List.of("-Xmx64m")));
        assertSame(dummy, dummy.withExecutable(Path.of("/no/such/java")));
        assertSame(dummy, Multiprocessing.dummy());
    }

    @Test
    void aProcessIsAThread() {
        List<String> ran = new CopyOnWriteArrayList<>();
        Process p = dummy.process(() -> ran.add(Thread.currentThread().getName()));
        assertTrue(p.name().startsWith("DummyProcess-"), p.name());
        assertTrue(p.pid().isEmpty());
        assertTrue(p.exitCode().isEmpty());
        assertFalse(p.isAlive());
        assertThrows(IllegalStateException.class, p::join);
        p.start();
        assertThrows(IllegalStateException.class, p::start);
        assertTrue(p.join(Duration.ofSeconds(10)));
        assertFalse(p.isAlive());
        assertEquals(0, p.exitCode().getAsInt());
        assertEquals(ProcessHandle.current().pid(), p.pid().getAsLong());
        assertEquals(List.of(p.name()), ran);
        assertTrue(p.toString().contains("exitcode=0"), p.toString());
        p.close();
        assertThrows(IllegalStateException.class, p::isAlive);
    }

    @Test
    void aProcessWhoseRunThrowsEndsWithExitCodeOne() {
        Process p = dummy.process(() -> {
            throw new IllegalStateException("raised on purpose in a dummy process");
        });
        p.start();
        p.join();
        assertEquals(1, p.exitCode().getAsInt());
    }

    @Test
    void joinWithTimeoutAndAlive() throws InterruptedException {
        Event go = dummy.event();
        Process p = dummy.process(go::await);
        p.setDaemon(true);
        p.start();
        assertThrows(IllegalStateException.class, () -> p.setDaemon(false));
        assertTrue(p.isAlive());
        assertFalse(p.join(Duration.ofMillis(50)));
        assertTrue(p.exitCode().isEmpty());
        assertThrows(IllegalStateException.class, p::close);
        assertThrows(UnsupportedOperationException.class, p::terminate);
        assertThrows(UnsupportedOperationException.class, p::kill);
        go.set();
        p.join();
        assertEquals(0, p.exitCode().getAsInt());
        assertTrue(p.isDaemon());
        assertInstanceOf(Sentinel.class, p.sentinel());
    }

    @Test
    void connectionsWaitOnADummyProcessSentinelReturnsItWhenTheThreadEnds() {
        Event go = dummy.event();
        Process p = dummy.process(go::await);
        p.start();
        Sentinel s = p.sentinel();
        assertEquals(s, p.sentinel(), "two sentinels of one process are one object to wait on");
        assertEquals(List.of(), Connections.wait(List.of(s), Duration.ofMillis(50)));
        go.set();
        assertEquals(List.of(s), Connections.wait(List.of(s), Duration.ofSeconds(10)));
        assertEquals(0, p.exitCode().getAsInt());
    }

    @Test
    void queuePutGetFullEmpty() {
        Queue<Integer> q = dummy.queue(2);
        assertTrue(q.empty());
        q.put(1);
        q.putNowait(null);
        assertTrue(q.full());
        assertEquals(2, q.qsize());
        assertThrows(Full.class, () -> q.putNowait(3));
        assertThrows(Full.class, () -> q.put(3, Duration.ofMillis(20)));
        assertEquals(1, q.get());
        assertNull(q.getNowait());
        assertThrows(Empty.class, q::getNowait);
        assertThrows(Empty.class, () -> q.get(Duration.ofMillis(20)));
        assertThrows(IllegalStateException.class, q::joinThread);
        q.close();
        q.joinThread();
        q.cancelJoinThread();
        assertThrows(IllegalStateException.class, () -> q.put(1));
        assertThrows(IllegalStateException.class, q::get);
    }

    @Test
    void producerAndConsumerThroughABoundedQueue() {
        Queue<Integer> q = dummy.queue(3);
        List<Integer> got = new ArrayList<>();
        Process consumer = dummy.process(() -> {
            for (int i = 0; i < 100; i++) {
                got.add(q.get());
            }
        });
        consumer.start();
        for (int i = 0; i < 100; i++) {
            q.put(i);
        }
        assertTrue(consumer.join(Duration.ofSeconds(10)));
        assertEquals(Work.range(100), got);
    }

    @Test
    void aBlockedGetWakesWhenTheQueueIsClosed() {
        Queue<Integer> q = dummy.queue();
        AtomicInteger outcome = new AtomicInteger();
        Process waiter = dummy.process(() -> {
            try {
                q.get();
            } catch (IllegalStateException e) {
                outcome.set(1);
            }
        });
        waiter.start();
        assertFalse(waiter.join(Duration.ofMillis(50)));
        q.close();
        assertTrue(waiter.join(Duration.ofSeconds(10)));
        assertEquals(1, outcome.get());
    }

    @Test
    void joinableQueueCountsUnfinishedItems() {
        JoinableQueue<String> q = dummy.joinableQueue();
        q.join(); // nothing put: returns at once
        q.put("a");
        q.put("b");
        List<String> done = new CopyOnWriteArrayList<>();
        Process worker = dummy.process(() -> {
            for (int i = 0; i < 2; i++) {
                done.add(q.get());
                q.taskDone();
            }
        });
        worker.start();
        q.join();
        assertEquals(List.of("a", "b"), done);
        assertThrows(IllegalStateException.class, q::taskDone);
        worker.join();
    }

    @Test
    void simpleQueue() {
        SimpleQueue<String> q = dummy.simpleQueue();
        assertTrue(q.empty());
        q.put("x");
        q.put(null);
        assertFalse(q.empty());
        assertEquals("x", q.get());
        assertNull(q.get());
        q.close();
    }

    @Test
    void queuesCannotTravelToAnotherProcess() {
        Queue<Integer> q = dummy.queue();
        assertThrows(NotSerializableException.class, () -> {
            try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
                out.writeObject(q);
            }
        });
    }

    @Test
    void duplexPipe() {
        Pipe pipe = dummy.pipe();
        Connection a = pipe.conn1();
        Connection b = pipe.conn2();
        assertFalse(b.poll());
        a.send(List.of(1, 2));
        a.send(null);
        assertTrue(b.poll(Duration.ofSeconds(1)));
        assertEquals(List.of(1, 2), b.recv());
        assertNull(b.recv());
        b.sendBytes(new byte[] {1, 2, 3, 4}, 1, 2);
        assertArrayEquals(new byte[] {2, 3}, a.recvBytes());
        b.sendBytes(new byte[] {9, 9, 9});
        byte[] buf = new byte[5];
        assertEquals(3, a.recvBytesInto(buf, 1));
        assertArrayEquals(new byte[] {0, 9, 9, 9, 0}, buf);
        b.sendBytes(new byte[10]);
        BufferTooShort e = assertThrows(BufferTooShort.class, () -> a.recvBytesInto(new byte[4]));
        assertEquals(10, e.message().length);
        a.close();
        assertTrue(a.closed());
        assertThrows(IllegalStateException.class, () -> a.send(1));
        assertThrows(EOFError.class, b::recv);
        assertThrows(UncheckedIOException.class, () -> b.send(1));
    }

    @Test
    void oneWayPipe() {
        Pipe pipe = dummy.pipe(false);
        Connection reader = pipe.conn1();
        Connection writer = pipe.conn2();
        assertTrue(reader.readable());
        assertFalse(reader.writable());
        assertTrue(writer.writable());
        assertFalse(writer.readable());
        assertThrows(UncheckedIOException.class, () -> reader.send("x"));
        assertThrows(UncheckedIOException.class, writer::recv);
        writer.send("hello");
        writer.close();
        assertEquals("hello", reader.recv());
        assertTrue(reader.poll(), "end of stream is readable");
        assertThrows(EOFError.class, reader::recv);
    }

    @Test
    void aPipeBetweenTwoDummyProcesses() {
        Pipe pipe = dummy.pipe();
        Process echo = dummy.process(() -> {
            Connection c = pipe.conn2();
            while (true) {
                Object msg;
                try {
                    msg = c.recv();
                } catch (EOFError e) {
                    return;
                }
                c.send(msg);
            }
        });
        echo.start();
        for (int i = 0; i < 20; i++) {
            pipe.conn1().send("m" + i);
            assertEquals("m" + i, pipe.conn1().recv());
        }
        pipe.conn1().close();
        assertTrue(echo.join(Duration.ofSeconds(10)));
    }

    @Test
    void synchronizationIsThreadings() throws IOException {
        Lock lock = dummy.lock();
        assertTrue(lock.acquire());
        assertTrue(lock.locked());
        lock.release();
        assertEquals(dev.mp4j.threading.Threading.lock().getClass(), lock.getClass());
        assertEquals(dev.mp4j.threading.Threading.rlock().getClass(), dummy.rlock().getClass());
        Semaphore s = dummy.boundedSemaphore(1);
        assertThrows(IllegalStateException.class, s::release);
        assertEquals(2, dummy.semaphore(2).value());
        Barrier barrier = dummy.barrier(1);
        assertEquals(0, barrier.await());
        assertTrue(dummy.condition().acquire());
        assertTrue(dummy.condition(dummy.rlock()).acquire());
        assertEquals(3, dummy.barrier(3, null, null).parties());
    }
}
