package dev.mp4j.threading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Queue;
import dev.mp4j.multiprocessing.managers.SyncManager;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link BarrierTests} on {@code SyncManager.barrier(parties, action, timeout)} (CPython's {@code _TestBarrier}
 * of type manager): each thread of this JVM is a client of the barrier in the manager's server. The action
 * runs in the server, so the action tests record what it does in a list of the manager, as CPython's do.
 */
@Timeout(120)
class ManagerBarrierTest extends BarrierTests {
    private static SyncManager manager;

    @BeforeAll
    static void startManager() {
        manager = Multiprocessing.manager();
    }

    @AfterAll
    static void stopManager() {
        if (manager != null) {
            manager.shutdown();
        }
    }

    @Override
    protected Barrier newBarrier(int parties, Runnable action, Duration timeout) {
        if (action != null && !(action instanceof Serializable)) {
            throw new AssertionError("a manager's barrier runs a serializable action in its server");
        }
        return manager.barrier(parties, action == null ? null : action::run, timeout);
    }

    /** Runs {@code f} in N - 1 new threads and in this one. */
    private static void runThreads(Bunch.Body f) throws Exception {
        Bunch b = new Bunch(N - 1, f);
        try {
            f.run();
        } finally {
            b.waitForFinished();
        }
    }

    // test_action: the action, run in the server, happens before any party is released
    @Test
    @Override
    void action() throws Exception {
        List<Boolean> results = manager.list();
        Barrier b = manager.barrier(N, () -> results.add(true), null);
        runThreads(() -> {
            b.await();
            assertEquals(1, results.size());
        });
        assertEquals(1, results.size());
    }

    /** In the server no client thread runs the action: it runs once per trip, before the release. */
    @Test
    @Override
    void actionRunsInTheLastArrivingThread() throws Exception {
        List<Integer> trips = manager.list();
        Barrier b = manager.barrier(N, () -> trips.add(trips.size()), Duration.ofSeconds(30));
        runThreads(() -> {
            for (int round = 0; round < 3; round++) {
                b.await();
                assertEquals(2 * round + 1, trips.size());
                b.await(); // nobody starts the next round before everyone has checked this one
            }
        });
        assertEquals(List.of(0, 1, 2, 3, 4, 5), new ArrayList<>(trips));
    }

    /**
     * A client thread blocked in the server's {@code await} is in a socket read, not parked: the tests wait
     * for {@code nWaiting()} to count it instead, which they do after this.
     */
    @Override
    protected void awaitBlocked(Thread t) {
        assertTrue(t.isAlive(), t.getName() + " ended instead of waiting");
    }

    /** A proxy's text is the proxy's, as Python's {@code repr} of a proxy. */
    @Test
    @Override
    void repr() {
        Barrier b = manager.barrier(3, null, null);
        assertTrue(b.toString().startsWith("<BarrierProxy object, typeid 'Barrier' at "), b.toString());
    }

    @Test
    void badArgumentsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> manager.barrier(0, null, null));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> manager.barrier(2, null, Duration.ZERO));
        assertTrue(e.getMessage().contains("PT0S"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> manager.barrier(2, null, Duration.ofMillis(-20)));
        assertTrue(e.getMessage().contains("PT-0.02S"), e.getMessage());
    }

    @Test
    void anActionThatCannotBeSerializedFailsAtTheCall() {
        Object notSerializable = new Object();
        SerializableRunnable action = () -> notSerializable.hashCode();
        RuntimeException e = assertThrows(RuntimeException.class, () -> manager.barrier(2, action, null));
        assertTrue(String.valueOf(e.getMessage()).contains("java.lang.Object")
                || String.valueOf(e.getCause()).contains("java.lang.Object"), e::toString);
    }

    // test_wait_return, with parties in child processes: the barrier and its action travel with the proxy
    @Test
    void partiesInChildProcesses() {
        int parties = 3;
        List<String> actions = manager.list();
        Barrier b = manager.barrier(parties, () -> actions.add("all " + parties + " arrived"), Duration.ofSeconds(60));
        Queue<Integer> indexes = manager.queue();
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < parties - 1; i++) {
            Process p = Multiprocessing.process(() -> indexes.put(b.await()));
            p.start();
            children.add(p);
        }
        List<Integer> got = new ArrayList<>();
        got.add(b.await());
        for (Process p : children) {
            p.join(Duration.ofSeconds(60));
            assertEquals(0, p.exitCode().orElse(-1), p.toString());
        }
        for (int i = 0; i < parties - 1; i++) {
            got.add(indexes.get(Duration.ofSeconds(10)));
        }
        got.sort(null);
        assertEquals(List.of(0, 1, 2), got);
        assertEquals(List.of("all 3 arrived"), new ArrayList<>(actions));
        assertInstanceOf(Barrier.class, b);
    }
}
