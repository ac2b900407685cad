package dev.mp4j.multiprocessing.apilines;

import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.JoinableQueue;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pipe;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Queue;
import dev.mp4j.multiprocessing.SharedInt;
import dev.mp4j.multiprocessing.SharedLongArray;
import dev.mp4j.multiprocessing.SharedMemory;
import dev.mp4j.multiprocessing.SimpleQueue;
import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.Condition;
import dev.mp4j.threading.Event;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.RLock;
import dev.mp4j.threading.Semaphore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.ValueLayout;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * API.md, Clarifications: objects made by a multiprocessing context are serializable handles that re-attach
 * in the receiving process. One child receives one of each kind, captured by its target, and uses it; the
 * parent sees every use on its own handle. Then the parent sends the child a pipe end and a shared value
 * through a pipe (Connection: ends may be passed "as a captured value or an argument"), and they work too.
 */
class HandlesInAChildTest {
    static final Duration LONG = Duration.ofSeconds(30);

    /** One handle of each kind; travels to the child as the target's capture. */
    record Handles(Queue<Object> queue, SimpleQueue<Object> simpleQueue, JoinableQueue<Object> joinableQueue,
                   Connection sendEnd, Lock lock, RLock rlock, Condition condition, Semaphore semaphore,
                   Event event, Barrier barrier, SharedInt sharedInt, SharedLongArray sharedLongArray,
                   SharedMemory sharedMemory, Connection inbox) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }

    static void child(Handles h) {
        // the parent holds both locks
        h.queue().put(h.lock().acquire(false));
        h.queue().put(h.rlock().acquire(false));
        h.simpleQueue().put("simple");
        h.joinableQueue().put("joinable");
        h.sendEnd().send("through the pipe");
        h.sharedLongArray().set(1, 7L);
        h.sharedMemory().segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 9);
        h.sharedMemory().close();
        try (var _ = h.condition().enter()) {
            h.sharedInt().set(42);
            h.condition().signalAll();
        }
        h.semaphore().release();
        h.event().set();
        h.barrier().await(LONG);
        h.joinableQueue().join(); // returns once the parent has marked the item done

        // handles sent later, through a pipe, re-attach too
        Object[] sent = h.inbox().recv();
        Connection reply = (Connection) sent[0];
        ((SharedInt) sent[1]).set(5);
        reply.send("through a pipe end that came through a pipe");
        reply.close();
    }

    @Test
    @Timeout(90)
    void everyKindOfHandleReattachesInAChild() {
        Pipe pipe = Multiprocessing.pipe(false);
        Pipe toChild = Multiprocessing.pipe(false);
        Pipe later = Multiprocessing.pipe(false);
        SharedInt laterInt = Multiprocessing.sharedInt(0);
        SharedMemory shm = Multiprocessing.sharedMemory(16);
        Handles h = new Handles(Multiprocessing.queue(), Multiprocessing.simpleQueue(),
                Multiprocessing.joinableQueue(), pipe.conn2(), Multiprocessing.lock(), Multiprocessing.rlock(),
                Multiprocessing.condition(), Multiprocessing.semaphore(0), Multiprocessing.event(),
                Multiprocessing.barrier(2), Multiprocessing.sharedInt(0), Multiprocessing.sharedLongArray(2), shm,
                toChild.conn1());
        h.lock().acquire();
        h.rlock().acquire();
        Process p = new Process(() -> child(h));
        p.setDaemon(true);
        p.start();
        try {
            assertEquals(false, h.queue().get(LONG), "the child could take the lock the parent holds");
            assertEquals(false, h.queue().get(LONG), "the child could take the rlock the parent holds");
            h.lock().release();
            h.rlock().release();
            assertEquals("simple", h.simpleQueue().get());
            assertEquals("joinable", h.joinableQueue().get(LONG));
            h.joinableQueue().taskDone();
            assertTrue(pipe.conn1().poll(LONG));
            assertEquals("through the pipe", pipe.conn1().recv());
            try (var _ = h.condition().enter()) {
                assertTrue(h.condition().awaitFor(() -> h.sharedInt().get() == 42, LONG));
            }
            assertTrue(h.semaphore().acquire(LONG));
            assertTrue(h.event().await(LONG));
            h.barrier().await(LONG);
            toChild.conn2().send(new Object[] {later.conn2(), laterInt});
            assertTrue(later.conn1().poll(LONG));
            assertEquals("through a pipe end that came through a pipe", later.conn1().recv());
            assertEquals(5, laterInt.get());
            assertTrue(p.join(Duration.ofSeconds(60)), "the child did not end");
            assertEquals(0, p.exitCode().orElseThrow());
            assertEquals(7L, h.sharedLongArray().get(1));
            assertEquals((byte) 9, shm.segment().get(ValueLayout.JAVA_BYTE, 0));
        } finally {
            if (p.isAlive()) {
                p.kill();
                p.join(Duration.ofSeconds(10));
            }
            shm.close();
            shm.unlink();
            h.queue().close();
            h.simpleQueue().close();
            h.joinableQueue().close();
            pipe.conn1().close();
            pipe.conn2().close();
            for (Pipe x : new Pipe[] {toChild, later}) {
                x.conn1().close();
                x.conn2().close();
            }
        }
    }
}
