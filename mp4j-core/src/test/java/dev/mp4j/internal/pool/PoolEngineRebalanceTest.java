package dev.mp4j.internal.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link PoolEngine}'s take-back of tasks queued in a busy worker ({@link Backend#recalls}), driven through a
 * backend whose workers are only records: the test says when each is ready and when each task's result arrives.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PoolEngineRebalanceTest {
    /** A short task's run time, as a worker reports it: fast enough for the engine to send tasks ahead. */
    private static final long FAST = 1_000;

    /** A worker as the test drives it: what it was sent and what was taken back from it. */
    static final class FakeLink implements Backend.Link {
        final List<Long> inbox = Collections.synchronizedList(new ArrayList<>());
        final List<Long> sent = new CopyOnWriteArrayList<>();
        final List<Long> recalled = new CopyOnWriteArrayList<>();
        volatile boolean quit;
        volatile boolean killed;
        volatile long blockId = -1;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile RuntimeException throwAfter;

        @Override
        public void send(long id, Object prepared) {
            inbox.add(id);
            sent.add(id);
            if (id == blockId) {
                entered.countDown();
                try {
                    assertTrue(release.await(20, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                if (throwAfter != null) {
                    throw throwAfter;
                }
            }
        }

        @Override
        public boolean recall(long id) {
            if (inbox.remove(Long.valueOf(id))) {
                recalled.add(id);
                return true;
            }
            return false;
        }

        @Override
        public void quit() {
            quit = true;
        }

        @Override
        public void kill() {
            killed = true;
        }

        @Override
        public long pid() {
            return -1;
        }

        @Override
        public ProcessHandle process(long waitSeconds) {
            return null;
        }
    }

    static final class FakeBackend implements Backend {
        final List<PoolEngine.Worker> workers = new CopyOnWriteArrayList<>();
        final List<FakeLink> links = new CopyOnWriteArrayList<>();

        @Override
        public boolean recalls() {
            return true;
        }

        @Override
        public Object prepare(Object task) {
            return task;
        }

        @Override
        public Object restore(Object prepared) {
            return prepared;
        }

        @Override
        public RuntimeException unsendable(Throwable error) {
            return new IllegalArgumentException(error);
        }

        @Override
        public RuntimeException broken(String message, Throwable cause) {
            return new IllegalStateException(message, cause);
        }

        @Override
        public String newName(String kind) {
            return kind + "-" + workers.size();
        }

        @Override
        public String initializerFailedMessage() {
            return "initializer failed";
        }

        @Override
        public Link start(PoolEngine.Worker worker) {
            FakeLink link = new FakeLink();
            workers.add(worker);
            links.add(link);
            return link;
        }
    }

    /** A task's completion: its handle and its outcome. */
    static final class Done implements Completion {
        volatile PoolEngine.Task task;
        volatile boolean finished;

        @Override
        public boolean start(PoolEngine.Task t) {
            task = t;
            return true;
        }

        @Override
        public void finish(Object value, Throwable error) {
            finished = true;
        }
    }

    private final FakeBackend backend = new FakeBackend();
    private final List<Done> tasks = new CopyOnWriteArrayList<>();

    private PoolEngine engine(int n, int maxTasksPerChild) {
        PoolEngine e = new PoolEngine(n, "W", PoolEngine.Death.REPLACE, maxTasksPerChild, backend);
        e.start();
        for (PoolEngine.Worker w : backend.workers) {
            w.ready();
        }
        return e;
    }

    /** Submits a task; its id is its index in {@link #tasks}. */
    private long submit(PoolEngine e) {
        Done d = new Done();
        long id;
        synchronized (tasks) {
            id = tasks.size();
            tasks.add(d);
        }
        e.submit((java.util.concurrent.Callable<Object>) () -> null, d);
        return id;
    }

    /** Submits a task from another thread (whose send may block in a link). */
    private Thread submitAsync(PoolEngine e, AtomicReference<Throwable> thrown) {
        Thread t = new Thread(() -> {
            try {
                submit(e);
            } catch (Throwable x) {
                thrown.set(x);
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The result of task {@code id} arrives from worker {@code w}. */
    private void result(int w, long id) {
        backend.links.get(w).inbox.remove(Long.valueOf(id));
        backend.workers.get(w).result(id, null, null, FAST);
    }

    private FakeLink link(int w) {
        return backend.links.get(w);
    }

    /** Ends the workers told to quit or killed, and checks the pool is then terminated. */
    private void endQuitters(PoolEngine e) {
        for (int i = 0; i < backend.links.size(); i++) {
            if (link(i).killed) {
                backend.workers.get(i).gone(-9, null, null);
            } else if (link(i).quit) {
                backend.workers.get(i).gone(0, null, null);
            }
        }
        assertTrue(e.isTerminated(), e.stats().toString());
    }

    @Test
    void aWorkerSpentAfterCloseIsReplacedWhileATaskWaitsBehindABusyOne() {
        PoolEngine e = engine(2, 3);
        submit(e);             // 0 -> W0
        submit(e);             // 1 -> W1
        result(1, 1);
        submit(e);             // 2 -> W1
        result(1, 2);
        result(0, 0);
        submit(e);             // 3 -> W0: the task that waits for 5
        submit(e);             // 4 -> W1, its third
        submit(e);             // 5 -> W0, queued behind 3
        assertEquals(List.of(0L, 3L, 5L), link(0).sent);
        assertEquals(List.of(1L, 2L, 4L), link(1).sent);
        e.shutdown(false);
        result(1, 4);
        assertTrue(link(1).quit);
        assertEquals(3, backend.workers.size(), "a spent worker is replaced while a task waits in another");
        backend.workers.get(2).ready();
        assertEquals(List.of(5L), link(2).sent);
        assertEquals(List.of(5L), link(0).recalled);
        result(2, 5);
        result(0, 3);
        endQuitters(e);
        for (Done d : tasks) {
            assertTrue(d.finished);
        }
    }

    /**
     * @return an engine of three workers, each of which has run one task (0, 1, 2) and so takes tasks sent
     *     ahead, running the next (3 on W0, 4 on W1, 5 on W2)
     */
    private PoolEngine threeBusyWorkers() {
        PoolEngine e = engine(3, 0);
        submit(e);             // 0 -> W0
        submit(e);             // 1 -> W1
        submit(e);             // 2 -> W2
        result(0, 0);
        result(1, 1);
        result(2, 2);
        submit(e);             // 3 -> W0
        submit(e);             // 4 -> W1
        submit(e);             // 5 -> W2
        return e;
    }

    /**
     * Two workers, W0 running task 2 and W1 task 3, each after a first task; then task 4 is submitted on a
     * thread of its own and goes to W0, whose link holds its send (and then throws {@code throwAfter}, if not
     * null); once it is held, W1 finishes task 3 and is idle while 4 cannot be taken back yet.
     *
     * @return the thread sending task 4, which records in {@code thrown} what its submit threw
     */
    private Thread holdTheSendOfATaskToABusyWorker(PoolEngine e, RuntimeException throwAfter,
                                                   AtomicReference<Throwable> thrown) throws InterruptedException {
        submit(e);             // 0 -> W0
        submit(e);             // 1 -> W1
        result(0, 0);
        result(1, 1);
        submit(e);             // 2 -> W0
        submit(e);             // 3 -> W1
        link(0).blockId = 4;
        link(0).throwAfter = throwAfter;
        Thread sender = submitAsync(e, thrown); // 4 -> W0, its send held
        assertTrue(link(0).entered.await(20, TimeUnit.SECONDS));
        result(1, 3);          // W1 idle: 4 is being sent, it cannot be taken back yet
        return sender;
    }

    @Test
    void anIdleWorkerStaysAfterCloseUntilATaskBeingSentToABusyOneIsTakenBack() throws InterruptedException {
        PoolEngine e = engine(2, 0);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread sender = holdTheSendOfATaskToABusyWorker(e, null, thrown);
        e.shutdown(false);
        assertFalse(link(1).quit, "an idle worker quits while a task waits behind a busy one");
        link(0).release.countDown();
        sender.join(20_000);
        assertFalse(sender.isAlive());
        assertEquals(null, thrown.get());
        assertEquals(List.of(1L, 3L, 4L), link(1).sent);
        result(1, 4);
        result(0, 2);
        endQuitters(e);
    }

    @Test
    void aTakeBackSkipsAWorkerWhoseQueuedTasksWereAllCancelled() {
        PoolEngine e = threeBusyWorkers(); // 3 on W0, 4 on W1, 5 on W2
        submit(e);             // 6 -> W0
        submit(e);             // 7 -> W1
        submit(e);             // 8 -> W2
        submit(e);             // 9 -> W0
        assertEquals(List.of(3L, 6L, 9L), link(0).sent.subList(1, 4));
        assertTrue(tasks.get(6).task.stop());
        assertTrue(tasks.get(9).task.stop());
        result(2, 5);
        result(2, 8);          // W2 idle: 7, queued in W1, is the one to take
        assertEquals(List.of(7L), link(1).recalled);
        assertEquals(7L, link(2).sent.get(link(2).sent.size() - 1));
        result(2, 7);
        result(1, 4);
        result(0, 3);
        e.shutdown(false);
        endQuitters(e);
    }

    @Test
    void aTakeBackRefusedByOneWorkerTriesTheNext() throws InterruptedException {
        PoolEngine e = threeBusyWorkers(); // 3 on W0, 4 on W1, 5 on W2
        link(0).blockId = 6;
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread sender = submitAsync(e, thrown); // 6 -> W0, its send held
        try {
            assertTrue(link(0).entered.await(20, TimeUnit.SECONDS));
            submit(e);         // 7 -> W1
            result(2, 5);      // W2 idle: 6 is being sent, 7 can be taken
            assertEquals(List.of(7L), link(1).recalled);
        } finally {
            link(0).release.countDown();
            sender.join(20_000);
        }
        assertFalse(sender.isAlive());
        assertEquals(null, thrown.get());
        e.shutdown(false);
        result(2, 7);          // W2 idle again: 6, sent now, is taken back
        assertEquals(List.of(6L), link(0).recalled);
        result(2, 6);
        result(1, 4);
        result(0, 3);
        endQuitters(e);
    }

    @Test
    void aSendThatThrowsStillLetsAnIdleWorkerLookAgain() throws InterruptedException {
        PoolEngine e = engine(2, 0);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        // 4's send held, then it throws (the fake link queued it first, so it can still be taken back)
        Thread sender = holdTheSendOfATaskToABusyWorker(e, new IllegalStateException("the link failed"), thrown);
        link(0).release.countDown();
        sender.join(20_000);
        assertFalse(sender.isAlive());
        assertTrue(thrown.get() instanceof IllegalStateException, String.valueOf(thrown.get()));
        assertEquals(List.of(1L, 3L, 4L), link(1).sent);
        e.terminate(() -> new IllegalStateException("terminated"));
    }
}
