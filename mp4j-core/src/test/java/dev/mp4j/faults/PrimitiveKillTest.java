package dev.mp4j.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.managers.ManagerServer;
import dev.mp4j.internal.sync.ProcessCondition;
import dev.mp4j.multiprocessing.Empty;
import dev.mp4j.multiprocessing.JoinableQueue;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Queue;
import dev.mp4j.multiprocessing.managers.BaseProxy;
import dev.mp4j.multiprocessing.managers.SyncManager;
import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.BrokenBarrierError;
import dev.mp4j.threading.Condition;
import dev.mp4j.threading.Event;
import dev.mp4j.threading.Lock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A child hammering one of mp4j's cross-process primitives is killed (SIGKILL, or SIGTERM) at a random
 * moment: early (0–40 ms after {@code start()}, often before or during its cold first calls), just after
 * its loop began (0–40 ms after it said so), or later (100–300 ms into the loop). After each kill the parent
 * uses the same primitive and must be done within {@link #BOUND}: a process that dies inside mp4j's own
 * locks never blocks the others (the internal locks are taken over from a dead owner, a dead waiter's slot
 * is skipped). Each test kills {@link #KILLS} children, one after the other, on one primitive.
 */
@Timeout(240)
class PrimitiveKillTest {
    /** Children killed per test: ten, and a quarter of -Dmp4j.faults.repeat when that is more. */
    static final int KILLS = Math.max(10, Integer.getInteger("mp4j.faults.repeat", 1) / 4);
    /** How long the parent's use of the primitive may take after a kill. */
    static final Duration BOUND = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final Random random = new Random();

    /** The case: a child loops on {@code event.await(1 ms)}; the parent sets the event after the kill. */
    @ParameterizedTest(name = "Event, {0}")
    @ValueSource(strings = {"KILL", "TERM"})
    void event(String signal) throws Exception {
        Event event = Multiprocessing.event();
        killRounds(signal, round -> () -> {
            while (true) {
                event.await(Duration.ofMillis(1));
                if (event.isSet()) {
                    event.clear();
                }
            }
        }, () -> {
            event.set();
            check(event.isSet(), "the event is set");
            check(event.await(Duration.ZERO), "await returns true on a set event");
            event.clear();
            check(!event.isSet(), "the event is clear");
        });
    }

    /**
     * The child's two threads pass a two-party barrier over and over; after the kill the parent resets it and
     * passes it with two threads of its own at once: the reset forgets the dead parties (a barrier broken by
     * the death, or one the dead process was waiting in).
     */
    @ParameterizedTest(name = "Barrier, {0}")
    @ValueSource(strings = {"KILL", "TERM"})
    void barrier(String signal) throws Exception {
        Barrier barrier = Multiprocessing.barrier(2);
        killRounds(signal, round -> () -> {
            Runnable pass = () -> {
                while (true) {
                    try {
                        barrier.await(Duration.ofSeconds(2));
                    } catch (BrokenBarrierError e) {
                        barrier.reset();
                    }
                }
            };
            Thread.ofPlatform().daemon().start(pass);
            pass.run();
        }, () -> {
            barrier.reset(); // forgets parties that died inside
            CompletableFuture<Integer> other = async(() -> barrier.await(BOUND));
            int mine = barrier.await(BOUND);
            int theirs = other.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            assertEquals(1, mine + theirs, "the two parties' indexes");
            check(!barrier.broken(), "the barrier is not broken after a round");
        });
    }

    /**
     * A user's Condition over a Lock keeps Python's rule for the lock, so the child dies waiting (not holding
     * the lock): its slot must not take the parent's signal. The parent's waiter waits after the dead one,
     * and one {@code notify()} must wake it.
     */
    @ParameterizedTest(name = "Condition's waiters, {0}")
    @ValueSource(strings = {"KILL", "TERM"})
    void conditionWaiter(String signal) throws Exception {
        Condition cond = Multiprocessing.condition();
        Event waiting = Multiprocessing.event();
        killRounds(signal, () -> {
            check(waiting.await(Duration.ofSeconds(60)), "the child waits");
            long until = System.nanoTime() + BOUND.toNanos();
            while (((ProcessCondition) cond).waiting() == 0) {
                check(System.nanoTime() < until, "the child's wait shows in the condition");
                Thread.onSpinWait();
            }
        }, round -> () -> {
            cond.acquire();
            try {
                waiting.set();
                cond.await(Duration.ofSeconds(60));
            } finally {
                cond.release();
            }
        }, () -> {
            waiting.clear();
            AtomicInteger woken = new AtomicInteger();
            CompletableFuture<Boolean> waiter = async(() -> {
                cond.acquire();
                try {
                    boolean signalled = cond.await(BOUND);
                    woken.incrementAndGet();
                    return signalled;
                } finally {
                    cond.release();
                }
            });
            long deadline = System.nanoTime() + BOUND.toNanos();
            while (true) {
                cond.acquire();
                try {
                    if (((ProcessCondition) cond).waiting() > 0 || woken.get() > 0) {
                        cond.signal(1);
                    }
                } finally {
                    cond.release();
                }
                try {
                    check(waiter.get(100, TimeUnit.MILLISECONDS), "the parent's waiter was signalled, not timed out");
                    return;
                } catch (TimeoutException e) {
                    check(System.nanoTime() < deadline, "the parent's waiter was not woken");
                }
            }
        });
    }

    /**
     * The child loops put, get, taskDone. Python's rule is kept: a task counted by {@code put} is finished only
     * by a {@code taskDone()}, so the child's death leaves at most one unfinished task behind — an item it put
     * and nobody took yet (the parent takes it and marks it done), or one it took or was putting when it died
     * (lost with it: the parent, which accounts for the dead child, marks it done). After the kill the parent
     * drains what is there, does a put, get and taskDone of its own, and {@code join()} must then return once
     * the parent marked done at most that one task; a further {@code taskDone()} is refused, so the count is
     * exactly right (neither a task lost nor one counted twice).
     */
    @ParameterizedTest(name = "JoinableQueue, {0}")
    @ValueSource(strings = {"KILL", "TERM"})
    void joinableQueue(String signal) throws Exception {
        JoinableQueue<Integer> q = Multiprocessing.joinableQueue();
        AtomicInteger held = new AtomicInteger();
        try {
            killRounds(signal, round -> () -> {
                for (int i = 0; ; i++) {
                    q.put(round * 1_000_000 + i);
                    q.get(Duration.ofSeconds(60));
                    q.taskDone();
                }
            }, () -> {
                int left = 0;
                while (true) { // what the dead child put and nobody took: the parent takes it, and finishes it
                    try {
                        q.get(Duration.ofMillis(100));
                    } catch (Empty e) {
                        break;
                    }
                    left++;
                    q.taskDone();
                }
                check(left <= 1, "the dead child left " + left + " items; it had at most one out at a time");
                q.put(-1);
                assertEquals(-1, q.get(BOUND), "the parent's own item");
                q.taskDone();
                CompletableFuture<Object> joined = async(() -> {
                    q.join();
                    return null;
                });
                int finished = left;
                if (left == 0) {
                    try {
                        joined.get(1, TimeUnit.SECONDS);
                    } catch (TimeoutException e) { // the child died holding a task: the parent finishes it
                        try {
                            q.taskDone();
                            finished++;
                            held.incrementAndGet();
                        } catch (IllegalStateException nothing) {
                            // join() was only slow: nothing was unfinished
                        }
                    }
                }
                try {
                    joined.get(BOUND.toSeconds(), TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    fail("join() still waits after the parent finished " + finished + " of the dead child's tasks");
                }
                assertThrows(IllegalStateException.class, q::taskDone, "a taskDone() beyond the tasks put");
            });
        } finally {
            q.close();
        }
        System.err.println("JoinableQueue, " + signal + ": the dead child held a task in " + held + " of " + KILLS
                + " rounds");
    }

    /**
     * A manager's server, seen from inside: its session threads (one per client connection), the referent
     * calls in progress, and its table of referents.
     */
    public static final class ServerProbe {
        private final ManagerServer server = ManagerServer.current();

        /** @return the session threads alive */
        public int sessions() {
            return (int) Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && t.getName().startsWith("mp4j-manager-session-")).count();
        }

        /** @return the referent calls in progress, other than this one */
        public int calls() {
            Thread me = Thread.currentThread();
            return (int) Thread.getAllStackTraces().entrySet().stream()
                    .filter(e -> e.getKey() != me && e.getKey().getName().startsWith("mp4j-manager-session-"))
                    .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().equals(
                            ManagerServer.class.getName()) && f.getMethodName().equals("call")))
                    .count();
        }

        /** @return the referents in the table */
        public int objects() {
            return server.numberOfObjects();
        }

        /** @return the references the table counts, all referents together */
        public int refs() {
            return Pattern.compile("refcount=(\\d+)").matcher(server.debugInfo()).results()
                    .mapToInt(r -> Integer.parseInt(r.group(1))).sum();
        }
    }

    /**
     * A child hammers a SyncManager's dict, queue and lock proxies while a second thread of it waits in the
     * server in a {@code get} on another queue. After the kill: the server's session threads of the dead
     * child end and its waiting call is abandoned (an item put next is not taken for the dead waiter); the
     * parent's calls on the same proxies and a new proxy answer; the server gives back the references the
     * dead child counted (its proxies' increfs) and holds no referent more than the parent made. The lock is a user's lock and keeps Python's rule: held by the child when it died, it stays
     * held until someone releases it (which the parent does).
     */
    @ParameterizedTest(name = "manager proxies, {0}")
    @ValueSource(strings = {"KILL", "TERM"})
    void managerProxies(String signal) throws Exception {
        ExecutorService caller = Executors.newSingleThreadExecutor(
                r -> Thread.ofPlatform().daemon().name("manager-caller").unstarted(r));
        try (SyncManager m = new SyncManager()) {
            m.register("probe", ServerProbe::new);
            m.start();
            Map<Integer, Integer> dict = m.dict();
            Queue<Integer> q = m.queue();
            Queue<Integer> idle = m.queue();
            Lock lock = m.lock();
            BaseProxy probe = m.createProxy("probe");
            List<Object> made = new ArrayList<>(); // kept reachable: no proxy is released by a cleaner midway
            // every parent thread that calls the server has its connection (one session each) from here on
            int[] base = caller.submit(() -> new int[] {(Integer) probe.callMethod("sessions"),
                (Integer) probe.callMethod("objects"), (Integer) probe.callMethod("refs")}).get(60, TimeUnit.SECONDS);
            assertTrue(base[0] >= 2, "the sessions of this thread and of the caller: " + base[0]);
            Future<Object> seen = caller.submit(() -> { // the probe sees a call waiting in the server
                long until = System.nanoTime() + BOUND.toNanos();
                while ((Integer) probe.callMethod("calls") != 1) {
                    check(System.nanoTime() < until, "the probe does not see this thread's get waiting");
                    Thread.sleep(20);
                }
                idle.put(0);
                return null;
            });
            assertEquals(0, idle.get(BOUND));
            seen.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            AtomicInteger lockHeld = new AtomicInteger();
            killRounds(signal, round -> () -> {
                Thread.ofPlatform().daemon().start(() -> idle.get()); // waits in the server until the child dies
                for (int i = 0; ; i++) {
                    dict.put(round, i);
                    dict.get(round);
                    q.put(i);
                    q.get();
                    lock.acquire();
                    lock.release();
                }
            }, () -> caller.submit(() -> {
                long until = System.nanoTime() + BOUND.toNanos();
                int sessions;
                while ((sessions = (Integer) probe.callMethod("sessions")) > base[0]) {
                    check(System.nanoTime() < until, sessions + " sessions in the server, " + base[0]
                            + " before the child: the dead child's remain");
                    Thread.sleep(20);
                }
                assertEquals(0, probe.callMethod("calls"), "referent calls in progress after the child's death");
                idle.put(-2);
                assertEquals(-2, idle.get(BOUND), "the item put after the dead child's get was abandoned");
                dict.put(-1, 7);
                assertEquals(7, dict.get(-1));
                int left = 0;
                while (true) {
                    try {
                        q.get(Duration.ofMillis(100));
                    } catch (Empty e) {
                        break;
                    }
                    left++;
                }
                check(left <= 1, "the dead child left " + left + " items; it had at most one out at a time");
                q.put(-1);
                assertEquals(-1, q.get(BOUND));
                if (!lock.acquire(Duration.ofSeconds(1))) { // the child died holding it
                    lockHeld.incrementAndGet();
                    lock.release();
                    check(lock.acquire(BOUND), "the lock, released by the parent, can be taken");
                }
                lock.release();
                int refs;
                while ((refs = (Integer) probe.callMethod("refs")) != base[2] + made.size()) {
                    check(System.nanoTime() < until + BOUND.toNanos(), "the server counts " + refs + " references, "
                            + (base[2] + made.size()) + " of them the parent's: the dead child's were not given back");
                    Thread.sleep(20);
                }
                Map<String, Integer> fresh = m.dict();
                made.add(fresh);
                fresh.put("a", 1);
                assertEquals(1, fresh.get("a"));
                assertEquals(base[1] + made.size(), probe.callMethod("objects"), "referents in the server");
                return null;
            }).get());
            System.err.println("manager proxies, " + signal + ": the dead child held the lock in " + lockHeld + " of "
                    + KILLS + " rounds");
        } finally {
            caller.shutdownNow();
        }
    }

    /**
     * Starts {@link #KILLS} children running {@code child}, each killed with {@code signal} at a random moment,
     * and after each kill runs {@code use} in the parent, which must end within {@link #BOUND}.
     */
    private void killRounds(String signal, IntFunction<SerializableRunnable> child, ThrowingRunnable use)
            throws Exception {
        killRounds(signal, null, child, use);
    }

    /**
     * As above; when {@code ready} is given, every kill comes after it returned (the child is where it may be
     * killed): the random delay counts from there.
     */
    private void killRounds(String signal, ThrowingRunnable ready, IntFunction<SerializableRunnable> child,
            ThrowingRunnable use) throws Exception {
        List<String> when = new ArrayList<>();
        for (int round = 0; round < KILLS; round++) {
            int phase = round % 3; // 0: after start(), 1: after the loop began, 2: later in the loop
            String up = "up" + round;
            String rec = dir.toString();
            SerializableRunnable body = child.apply(round);
            Process p = new Process(() -> {
                Stage.record(rec, up, "");
                body.run();
            });
            p.setDaemon(true);
            p.start();
            if (ready != null) {
                ready.run();
            } else if (phase > 0) {
                Stage.await(dir, up, Duration.ofSeconds(60));
            }
            int delay = phase == 2 ? 100 + random.nextInt(200) : random.nextInt(41);
            Thread.sleep(delay);
            when.add(phase + ":" + delay);
            if (signal.equals("KILL")) {
                p.kill();
            } else {
                p.terminate();
            }
            assertTrue(p.join(Duration.ofSeconds(30)), "the killed child did not end");
            p.close();
            CompletableFuture<Object> done = async(() -> {
                use.run();
                return null;
            });
            try {
                done.get(BOUND.toSeconds() * 2, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                System.err.println(Procs.stacks(true));
                fail("round " + round + " (kill " + when.getLast() + " ms): the parent's use of the primitive "
                        + "did not end within " + BOUND.toSeconds() * 2 + " s; kills so far " + when);
            } catch (ExecutionException e) {
                throw new AssertionError("round " + round + " (kill " + when.getLast() + " ms)", e.getCause());
            }
        }
    }

    /** Runs {@code task} in a thread of its own (the common pool may have one thread on a small machine). */
    private static <T> CompletableFuture<T> async(java.util.concurrent.Callable<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    /** A parent's use of the primitive. */
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
