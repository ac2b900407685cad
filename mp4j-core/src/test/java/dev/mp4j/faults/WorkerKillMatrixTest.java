package dev.mp4j.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mp4j.futures.BrokenProcessPool;
import dev.mp4j.multiprocessing.WorkerLostError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kill -9 of a pool worker at each stage of a task — while it receives the task, deserializes it, runs it,
 * serializes the result, sends it — for ProcessPoolExecutor under WorkerDeath.BREAK and REPLACE, and for
 * Pool (CPython's test_deadlock.py, with a real SIGKILL from outside instead of an exit inside).
 *
 * <p>Each case, on a fresh pool of two workers: a few tasks finish first; then the victim task, and more
 * tasks behind it; the worker that holds the victim is caught at the stage and killed by pid. Then: the
 * victim fails promptly with the precise error (BrokenProcessPool naming the pid under BREAK, where every
 * unfinished task fails the same way and later submits are refused; WorkerLostError naming the pid
 * otherwise, where every other task is delivered and the pool goes on); the results delivered before stay
 * delivered; and when the pool is closed, no process it started runs, its workers' temporary directory is
 * empty, and no /dev/shm object the workers mapped remains.
 *
 * <p>The stages inside the worker are caught by {@link Stage.Trap} values (the worker records its pid in a
 * file and blocks). The transfers are caught from outside: the test watches the workers' read (or write)
 * byte counters in /proc, stops the one whose counter moves (SIGSTOP), and kills it if it stopped in the
 * middle of the large payload; if the whole payload had already passed, it lets the worker go on (that
 * task must then succeed) and tries again.
 *
 * <p>The default run executes each case once; {@code -Dmp4j.faults.repeat=N} (the {@code stress} profile)
 * repeats the whole matrix N times.
 */
class WorkerKillMatrixTest {
    private static final int WORKERS = 2;
    /** The large task payload or result: tens of MB, far more than a socket buffer. */
    private static final int BIG = 48 << 20;
    private static final Duration OUTCOME = Duration.ofSeconds(30);
    private static final int ATTEMPTS = 8;

    @TempDir
    Path dir;

    static Stream<Arguments> cases() {
        int repeat = Integer.getInteger("mp4j.faults.repeat", 1);
        List<Arguments> out = new ArrayList<>();
        for (int r = 1; r <= repeat; r++) {
            for (Pools kind : Pools.values()) {
                for (Stage stage : Stage.values()) {
                    out.add(Arguments.of(kind, stage, r));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} killed while {1} (#{2})")
    @MethodSource("cases")
    @Timeout(120)
    void killAtStage(Pools kind, Stage stage, int round) throws Exception {
        Set<Long> descendantsBefore = Procs.descendants();
        Path workerTmp = Files.createDirectories(dir.resolve("worker-tmp"));
        Path rec = Files.createDirectories(dir.resolve("records"));
        Set<Long> workerPids = new HashSet<>();
        Set<String> shm = new TreeSet<>();
        try (Pools.Target pool = kind.make(WORKERS, workerTmp)) {
            // results delivered before the fault
            List<Pools.Outcome<Long>> earlier = warm(pool);
            pool.processes().forEach(p -> workerPids.add(p.pid()));
            workerPids.forEach(p -> shm.addAll(Procs.shmMapped(p)));

            Victim v = switch (stage) {
                case RECEIVING -> catchTransfer(pool, true);
                case SENDING -> catchTransfer(pool, false);
                default -> catchInside(pool, stage, rec);
            };
            workerPids.add(v.pid);
            assertTrue(workerPids.contains(v.pid) && pool.processes().stream().anyMatch(p -> p.pid() == v.pid),
                    "the caught process " + v.pid + " is not a worker of the pool: " + pool.processes());
            pool.processes().forEach(p -> shm.addAll(Procs.shmMapped(p.pid())));
            Procs.kill9(v.pid);
            v.submitted();
            // the tasks behind the victim: some on the other worker, some queued behind it on its worker
            List<Pools.Outcome<Integer>> behind = new ArrayList<>(v.behind);

            Throwable e = v.outcome.join().error(OUTCOME);
            assertPreciseError(kind, e, v.pid);
            for (int i = 0; i < behind.size(); i++) {
                Throwable t = behind.get(i).error(OUTCOME);
                if (kind.breaks()) {
                    // Python's rule: the pool breaks, every task not finished fails with it
                    if (t != null) {
                        assertInstanceOf(BrokenProcessPool.class, t, "task " + i + " behind the victim");
                    } else {
                        assertEquals(i * i, behind.get(i).value());
                    }
                } else {
                    int index = i;
                    assertNull(t, () -> "task " + index + " behind the victim was not delivered: " + t);
                    assertEquals(i * i, behind.get(i).value(), "task " + i + " behind the victim");
                }
            }
            for (Pools.Outcome<Long> r : earlier) {
                assertNull(r.error(Duration.ZERO), "a result delivered before the kill was lost");
                assertTrue(workerPids.contains(r.value()));
            }
            Procs.awaitGone(List.of(v.pid), Duration.ofSeconds(10), "the killed worker");
            if (kind.breaks()) {
                Throwable later = pool.submit(() -> 1).error(OUTCOME);
                assertInstanceOf(BrokenProcessPool.class, later, "a submit to a broken pool");
            } else {
                Pools.Outcome<Long> later = pool.submit(() -> ProcessHandle.current().pid());
                assertNull(later.error(OUTCOME), "the pool goes on after the kill");
                assertFalse(later.value() == v.pid);
                workerPids.add(later.value());
                pool.processes().forEach(p -> workerPids.add(p.pid()));
            }
        }
        assertNothingLeft(descendantsBefore, workerPids, workerTmp, shm);
    }

    private static void assertPreciseError(Pools kind, Throwable e, long pid) {
        if (e == null) {
            fail("the victim task succeeded though its worker " + pid + " was killed");
        }
        if (kind.breaks()) {
            assertInstanceOf(BrokenProcessPool.class, e, "the victim's error");
            assertTrue(e.getMessage().contains("terminated abruptly"), e.getMessage());
        } else {
            assertInstanceOf(WorkerLostError.class, e, "the victim's error");
        }
        assertTrue(e.getMessage().contains("pid " + pid), "the error names the killed worker's pid " + pid + ": "
                + e.getMessage());
    }

    /** Both workers booted, each having run a task; returns those finished outcomes (values: pids). */
    private static List<Pools.Outcome<Long>> warm(Pools.Target pool) {
        List<Pools.Outcome<Long>> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (int round = 0; seen.size() < WORKERS; round++) {
            assertTrue(round < 20, "the pool never had " + WORKERS + " workers up: " + seen);
            List<Pools.Outcome<Long>> batch = new ArrayList<>();
            for (int i = 0; i < WORKERS; i++) {
                batch.add(pool.submit(() -> {
                    Thread.sleep(200); // long enough that the other worker takes the next task
                    return ProcessHandle.current().pid();
                }));
            }
            for (Pools.Outcome<Long> r : batch) {
                assertNull(r.error(OUTCOME));
                seen.add(r.value());
            }
            out.addAll(batch);
        }
        return out;
    }

    /**
     * The caught worker; the victim's outcome and the tasks submitted behind it (task i returns i*i), both
     * complete once {@code submitter} (if any) ended.
     */
    private record Victim(long pid, java.util.concurrent.CompletableFuture<? extends Pools.Outcome<?>> outcome,
            Thread submitter, List<Pools.Outcome<Integer>> behind) {
        Victim(long pid, Pools.Outcome<?> outcome, List<Pools.Outcome<Integer>> behind) {
            this(pid, java.util.concurrent.CompletableFuture.completedFuture(outcome), null, behind);
        }

        /** Waits for the submits to return (the kill came first). */
        void submitted() throws Exception {
            outcome.get(OUTCOME.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            if (submitter != null) {
                submitter.join(OUTCOME.toMillis());
                assertFalse(submitter.isAlive(), "the submits did not return after the kill");
            }
        }
    }

    private static List<Pools.Outcome<Integer>> submitBehind(Pools.Target pool) {
        List<Pools.Outcome<Integer>> out = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int x = i;
            out.add(pool.submit(() -> x * x));
        }
        return out;
    }

    /** Deserializing, running, serializing: a trap in the worker records its pid and blocks. */
    private static Victim catchInside(Pools.Target pool, Stage stage, Path rec) {
        String recDir = rec.toString();
        Pools.Outcome<?> victim = switch (stage) {
            case DESERIALIZING -> {
                Stage.Trap trap = new Stage.Trap(rec, stage, true);
                yield pool.submit(() -> trap.toString());
            }
            case RUNNING -> pool.submit(() -> {
                Stage.reachAndBlock(recDir, Stage.RUNNING);
                return "ran";
            });
            case SERIALIZING -> pool.submit(() -> new Stage.Trap(Path.of(recDir), Stage.SERIALIZING, false));
            default -> throw new IllegalArgumentException(stage.name());
        };
        List<Pools.Outcome<Integer>> behind = submitBehind(pool);
        long pid = Long.parseLong(Stage.await(rec, stage.name(), OUTCOME));
        return new Victim(pid, victim, behind);
    }

    /**
     * Receiving ({@code toWorker}) or sending: a task with a {@link #BIG} payload, or result, submitted from
     * another thread (a submit may itself write the task). The test polls the system call each thread of
     * each worker is in; a worker found inside a read (write) of at least 1 MB on a socket is in the middle
     * of the payload: the test stops it (SIGSTOP), checks that it is still inside that call (it stopped in
     * the middle), and returns it to be killed. If it had left the call (the transfer ended between the two
     * looks), it goes on (SIGCONT); a transfer that ends unseen must deliver its task's result, and another
     * attempt follows.
     */
    private static Victim catchTransfer(Pools.Target pool, boolean toWorker) throws InterruptedException {
        List<Pools.Outcome<Integer>> behind = new ArrayList<>();
        List<String> misses = new ArrayList<>();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            List<Long> workers = pool.processes().stream().map(ProcessHandle::pid).toList();
            java.util.concurrent.CompletableFuture<Pools.Outcome<Integer>> submitted = new java.util.concurrent.CompletableFuture<>();
            boolean first = attempt == 1;
            Thread submitter = Thread.ofPlatform().daemon().name("submitter").start(() -> {
                try {
                    Pools.Outcome<Integer> victim;
                    if (toWorker) {
                        byte[] payload = new byte[BIG];
                        payload[BIG - 1] = 7;
                        victim = pool.submit(() -> payload.length + payload[BIG - 1]);
                    } else {
                        victim = pool.<byte[]>submit(() -> {
                            byte[] result = new byte[BIG];
                            result[BIG - 1] = 7;
                            return result;
                        }).map(b -> b.length + b[BIG - 1]);
                    }
                    submitted.complete(victim);
                    if (first) {
                        behind.addAll(submitBehind(pool));
                    }
                } catch (Throwable t) {
                    submitted.completeExceptionally(t);
                }
            });
            long deadline = System.nanoTime() + OUTCOME.toNanos();
            Victim caught = null;
            while (caught == null && System.nanoTime() < deadline
                    && !(submitted.isDone() && submitted.join().done())) {
                for (long pid : workers) {
                    List<Procs.InCall> calls = Procs.inTransfer(pid, toWorker, 1 << 20);
                    if (calls.isEmpty()) {
                        continue;
                    }
                    Procs.signal(pid, "STOP");
                    Procs.InCall c = calls.getFirst();
                    if (c.equals(Procs.inCall(pid, c.tid()))) {
                        caught = new Victim(pid, submitted, submitter, behind);
                        break;
                    }
                    Procs.signal(pid, "CONT");
                    misses.add("left the " + (toWorker ? "read" : "write") + " between two looks");
                }
                if (caught == null) {
                    LockSupport.parkNanos(50_000);
                }
            }
            if (caught != null) {
                // the submit may be the very write the worker stopped in: it returns after the kill
                return new Victim(caught.pid, submitted, submitter, behind);
            }
            submitter.join(OUTCOME.toMillis());
            Pools.Outcome<Integer> victim = submitted.getNow(null);
            assertTrue(victim != null, "the submit did not return");
            misses.add("the transfer was not seen");
            // the payload passed whole unseen: that task must succeed
            assertNull(victim.error(OUTCOME), "attempt " + attempt + ": nobody was killed, yet the task failed");
            assertEquals(BIG + 7, victim.value());
        }
        throw new AssertionError("in " + ATTEMPTS + " attempts, no worker could be stopped in the middle of a "
                + (BIG >> 20) + " MB " + (toWorker ? "task" : "result") + ": " + misses);
    }

    /**
     * Every process the pool started is gone, its workers left nothing in their temporary directory, and
     * nothing the workers mapped in /dev/shm remains.
     */
    private static void assertNothingLeft(Set<Long> descendantsBefore, Set<Long> workerPids, Path workerTmp,
            Set<String> shm) {
        Procs.awaitGone(workerPids, Duration.ofSeconds(20), "the pool's workers");
        Procs.awaitGone(Procs.added(descendantsBefore, Procs.descendants()), Duration.ofSeconds(20),
                "processes the test started");
        assertEquals(Set.of(), Procs.list(workerTmp), "what the workers left in their temporary directory");
        assertEquals(Set.of(), Procs.awaitAbsent(Path.of("/dev/shm"), shm, Duration.ofSeconds(10)),
                "what the workers mapped in /dev/shm");
    }
}
