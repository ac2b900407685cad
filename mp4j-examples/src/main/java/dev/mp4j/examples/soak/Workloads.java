package dev.mp4j.examples.soak;

import dev.mp4j.function.SerializableCallable;
import dev.mp4j.futures.BrokenProcessPool;
import dev.mp4j.futures.CancelledError;
import dev.mp4j.futures.Future;
import dev.mp4j.futures.ProcessPoolExecutor;
import dev.mp4j.futures.ThreadPoolExecutor;
import dev.mp4j.futures.TimeoutError;
import dev.mp4j.futures.WorkerDeath;
import dev.mp4j.multiprocessing.AsyncResult;
import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.Pool;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Queue;
import dev.mp4j.multiprocessing.SharedInt;
import dev.mp4j.multiprocessing.SharedLong;
import dev.mp4j.multiprocessing.WorkerLostError;
import dev.mp4j.multiprocessing.managers.SyncManager;
import dev.mp4j.multiprocessing.JoinableQueue;
import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.BrokenBarrierError;
import dev.mp4j.threading.Event;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.Semaphore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

/**
 * The soak's workloads. Each runs rounds until the deadline; every result is checked against the value
 * its task must return ({@link #expected}), and every failure is checked against what explains it: a
 * worker the {@link Killer} killed (BrokenProcessPool, WorkerLostError naming its pid), the task's own
 * timeout (TimeoutError), or the soak's own cancel (CancelledError).
 */
final class Workloads {
    /** How long an outcome may take before it counts as lost. */
    static final Duration LOST_AFTER = Duration.ofSeconds(90);
    /** How long a task that must time out sleeps; its timeout is {@link #SHORT}. */
    static final long LONG_MILLIS = 3_000;
    static final Duration SHORT = Duration.ofMillis(250);

    private final Context ctx;
    private final Tally tally;
    private final Killer killer;
    private final long deadline;

    Workloads(Context ctx, Tally tally, Killer killer, long deadline) {
        this.ctx = ctx;
        this.tally = tally;
        this.killer = killer;
        this.deadline = deadline;
    }

    private boolean timeLeft() {
        return System.nanoTime() - deadline < 0;
    }

    /** What task {@code x} returns. */
    static long expected(int x) {
        return x * 31L + 7;
    }

    /** A task: a little work, sometimes a little sleep (so that kills land on running tasks). */
    static long compute(int x, int sleepMillis) throws InterruptedException {
        if (sleepMillis > 0) {
            Thread.sleep(sleepMillis);
        }
        return expected(x);
    }

    /**
     * A task for a process pool: {@link #compute}'s value and the pid of the worker that ran it, which
     * tells the {@link Killer} that this worker is up and serving.
     */
    static long[] computeIn(int x, int sleepMillis) throws InterruptedException {
        return new long[] {compute(x, sleepMillis), ProcessHandle.current().pid()};
    }

    /** What a task is meant to do. */
    private enum Kind { NORMAL, TIMES_OUT, CANCELLED }

    // ------------------------------------------------------------------ ProcessPoolExecutor

    /** ProcessPoolExecutor rounds under {@code policy}, with kills, per-task timeouts and cancels. */
    void executor(WorkerDeath policy, Random random) {
        String name = "ProcessPoolExecutor " + policy;
        while (timeLeft()) {
            ProcessPoolExecutor pool = ProcessPoolExecutor.builder().maxWorkers(2).context(ctx)
                    .workerDeath(policy).build();
            Killer.Target target = killer.register(new Killer.Target(name, pool::processes));
            try {
                boolean broken = false;
                for (int batch = 0; batch < 10 && !broken && timeLeft(); batch++) {
                    broken = executorBatch(pool, policy, target, name, random);
                }
            } finally {
                killer.unregister(target);
                pool.shutdownNow();
                pool.close();
            }
        }
    }

    /** One batch; returns whether the pool broke. */
    private boolean executorBatch(ProcessPoolExecutor pool, WorkerDeath policy, Killer.Target target, String name,
            Random random) {
        record Sent(int x, Kind kind, Future<long[]> f, Throwable refused) {}
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            int x = random.nextInt(1_000_000);
            int roll = random.nextInt(100);
            Kind kind = roll < 2 ? Kind.TIMES_OUT : roll < 5 ? Kind.CANCELLED : Kind.NORMAL;
            int sleep = kind == Kind.NORMAL ? random.nextInt(30) : (int) LONG_MILLIS;
            try {
                Future<long[]> f = kind == Kind.TIMES_OUT ? pool.submit(() -> computeIn(x, sleep), SHORT)
                        : random.nextBoolean() ? pool.submit(() -> computeIn(x, sleep), Duration.ofSeconds(60))
                        : pool.submit(() -> computeIn(x, sleep));
                sent.add(new Sent(x, kind, f, null));
            } catch (BrokenProcessPool e) {
                sent.add(new Sent(x, kind, null, e));
            }
        }
        // cancel the CANCELLED ones, running or not
        List<Boolean> cancelled = new ArrayList<>();
        for (Sent s : sent) {
            cancelled.add(s.kind == Kind.CANCELLED && s.f != null && s.f.cancel(true));
        }
        boolean broken = false;
        for (int i = 0; i < sent.size(); i++) {
            Sent s = sent.get(i);
            String what = name + " task " + s.x + " (" + s.kind + ")";
            Throwable e = s.refused;
            if (e == null) {
                try {
                    e = s.f.exception(LOST_AFTER);
                } catch (CancelledError c) {
                    e = c;
                } catch (TimeoutError t) {
                    tally.lost(what);
                    continue;
                }
            }
            if (e == null) {
                long[] r = s.f.result();
                target.ready().add(r[1]);
                long v = r[0];
                if (v != expected(s.x) || s.kind == Kind.TIMES_OUT || cancelled.get(i)) {
                    tally.unexpected(what + " returned " + v + ", expected " + expected(s.x));
                } else {
                    tally.done(name, 1);
                }
                continue;
            }
            broken |= e instanceof BrokenProcessPool;
            // BREAK: a kill breaks the pool; REPLACE: a kill fails only the task its worker held
            boolean explained = switch (e) {
                case BrokenProcessPool b -> policy == WorkerDeath.BREAK && Tally.namesKilled(b, target.killed());
                case WorkerLostError w -> policy == WorkerDeath.REPLACE && Tally.namesKilled(w, target.killed());
                case TimeoutError t -> s.kind == Kind.TIMES_OUT;
                case CancelledError c -> cancelled.get(i);
                default -> false;
            };
            tally.failure(e, explained, what);
        }
        return broken;
    }

    // ------------------------------------------------------------------ ThreadPoolExecutor

    /** ThreadPoolExecutor rounds: no faults; cancels of tasks not started yet. */
    void threads(Random random) {
        String name = "ThreadPoolExecutor";
        try (ThreadPoolExecutor pool = new ThreadPoolExecutor(3)) {
            while (timeLeft()) {
                List<Future<Long>> fs = new ArrayList<>();
                List<Integer> xs = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    int x = random.nextInt(1_000_000);
                    xs.add(x);
                    fs.add(pool.submit(() -> compute(x, x % 3)));
                }
                List<Boolean> cancelled = new ArrayList<>();
                for (int i = 0; i < fs.size(); i++) {
                    cancelled.add(i % 25 == 24 && fs.get(i).cancel()); // Python cancel(): pending ones only
                }
                for (int i = 0; i < fs.size(); i++) {
                    String what = name + " task " + xs.get(i);
                    try {
                        Throwable e = fs.get(i).exception(LOST_AFTER);
                        if (e != null) {
                            tally.failure(e, false, what);
                        } else if (fs.get(i).result() != expected(xs.get(i)) || cancelled.get(i)) {
                            tally.unexpected(what + " returned " + fs.get(i).result());
                        } else {
                            tally.done(name, 1);
                        }
                    } catch (CancelledError c) {
                        tally.failure(c, cancelled.get(i), what);
                    } catch (TimeoutError t) {
                        tally.lost(what);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ Pool

    /** Pool rounds: mapAsync, applyAsync, applyAsync with a timeout; with kills. */
    void pool(Random random) {
        String name = "Pool";
        while (timeLeft()) {
            Pool pool = Pool.builder().processes(2).context(ctx).build();
            Killer.Target target = killer.register(new Killer.Target(name, pool::processes));
            try {
                for (int round = 0; round < 10 && timeLeft(); round++) {
                    poolRound(pool, target, name, random);
                }
            } catch (BrokenProcessPool e) {
                // a Pool replaces dead workers: it is never broken by a kill
                tally.failure(e, false, name + " submit");
            } finally {
                killer.unregister(target);
                pool.terminate();
                pool.join();
            }
        }
    }

    private void poolRound(Pool pool, Killer.Target target, String name, Random random) {
        int base = random.nextInt(1_000_000);
        List<Integer> items = IntStream.range(base, base + 40).boxed().toList();
        AsyncResult<List<long[]>> mapped = pool.mapAsync(x -> computeIn(x, x % 5), items, 4, null, null);
        record Applied(int x, boolean timesOut, AsyncResult<long[]> r) {}
        List<Applied> applied = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            int x = random.nextInt(1_000_000);
            boolean timesOut = i == 11;
            SerializableCallable<long[]> fn = timesOut ? () -> computeIn(x, (int) LONG_MILLIS) : () -> computeIn(x, x % 20);
            applied.add(new Applied(x, timesOut, timesOut ? pool.applyAsync(fn, SHORT) : pool.applyAsync(fn)));
        }
        Throwable e = outcome(mapped, name + " map");
        if (e == null) {
            List<Long> got = new ArrayList<>();
            for (long[] r : mapped.get()) {
                got.add(r[0]);
                target.ready().add(r[1]);
            }
            List<Long> want = items.stream().map(Workloads::expected).toList();
            if (got.equals(want)) {
                tally.done(name, items.size());
            } else {
                tally.unexpected(name + " map returned " + got);
            }
        } else if (e != LOST) {
            tally.failure(e, e instanceof WorkerLostError w && Tally.namesKilled(w, target.killed()), name + " map");
        }
        for (Applied a : applied) {
            String what = name + " apply " + a.x + (a.timesOut ? " (times out)" : "");
            Throwable t = outcome(a.r, what);
            if (t == null) {
                long[] r = a.r.get();
                target.ready().add(r[1]);
                long v = r[0];
                if (v != expected(a.x) || a.timesOut) {
                    tally.unexpected(what + " returned " + v);
                } else {
                    tally.done(name, 1);
                }
            } else if (t != LOST) {
                boolean explained = t instanceof WorkerLostError w ? Tally.namesKilled(w, target.killed())
                        : t instanceof TimeoutError && a.timesOut;
                tally.failure(t, explained, what);
            }
        }
    }

    private static final Throwable LOST = new Throwable("lost");

    /** The result's exception, null if it succeeded, {@link #LOST} (and counted) if it did not come. */
    private Throwable outcome(AsyncResult<?> r, String what) {
        if (!r.await(LOST_AFTER)) {
            tally.lost(what);
            return LOST;
        }
        try {
            r.get();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        } catch (RuntimeException e) {
            return e;
        }
    }

    // ------------------------------------------------------------------ queues

    /** Queue rounds: two producer and two consumer processes; every item arrives exactly once. */
    void queues(Random random) {
        String name = "Queue items";
        while (timeLeft()) {
            int n = 300 + random.nextInt(300);
            Queue<Integer> items = ctx.queue(64);
            Queue<long[]> results = ctx.queue();
            List<Process> ps = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                int producer = p;
                ps.add(ctx.process(() -> {
                    for (int i = 0; i < n; i++) {
                        items.put(producer * 1_000_000 + i);
                    }
                    items.put(-1);
                }));
            }
            for (int c = 0; c < 2; c++) {
                ps.add(ctx.process(() -> {
                    long count = 0;
                    long sum = 0;
                    for (Integer x = items.get(); x != -1; x = items.get()) {
                        count++;
                        sum += x;
                    }
                    results.put(new long[] {count, sum});
                }));
            }
            ps.forEach(Process::start);
            long count = 0;
            long sum = 0;
            boolean lost = false;
            for (int c = 0; c < 2; c++) {
                try {
                    long[] r = results.get(LOST_AFTER);
                    count += r[0];
                    sum += r[1];
                } catch (dev.mp4j.multiprocessing.Empty e) {
                    tally.lost(name + ": a consumer's count");
                    lost = true;
                }
            }
            joinAll(ps, name);
            long wantSum = 0;
            for (int p = 0; p < 2; p++) {
                for (int i = 0; i < n; i++) {
                    wantSum += p * 1_000_000L + i;
                }
            }
            if (!lost) {
                if (count == 2L * n && sum == wantSum) {
                    tally.done(name, count);
                } else {
                    tally.unexpected(name + ": got " + count + " items summing to " + sum + ", expected " + (2 * n)
                            + " summing to " + wantSum);
                }
            }
            items.close();
            results.close();
        }
    }

    // ------------------------------------------------------------------ locks and semaphores

    /** Lock and semaphore rounds: two processes increment shared counters under them; no update is lost. */
    void locks(Random random) {
        String name = "Lock/Semaphore increments";
        while (timeLeft()) {
            int n = 100 + random.nextInt(100);
            Lock lock = ctx.lock();
            Semaphore sem = ctx.semaphore(1);
            SharedInt underLock = ctx.sharedInt(0);
            SharedLong underSem = ctx.sharedLong(0);
            List<Process> ps = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                ps.add(ctx.process(() -> {
                    for (int i = 0; i < n; i++) {
                        lock.acquire();
                        try {
                            underLock.set(underLock.get() + 1); // a read-modify-write only the lock makes safe
                        } finally {
                            lock.release();
                        }
                        sem.acquire();
                        try {
                            underSem.set(underSem.get() + 1);
                        } finally {
                            sem.release();
                        }
                    }
                }));
            }
            ps.forEach(Process::start);
            joinAll(ps, name);
            if (underLock.get() == 2 * n && underSem.get() == 2L * n) {
                tally.done(name, 4L * n);
            } else {
                tally.unexpected(name + ": " + underLock.get() + " and " + underSem.get() + ", expected " + 2 * n);
            }
        }
    }

    private void joinAll(List<Process> ps, String name) {
        for (Process p : ps) {
            if (!p.join(LOST_AFTER)) {
                tally.unexpected(name + ": " + p + " did not end");
                p.kill();
                p.join();
            } else if (p.exitCode().orElse(-1) != 0) {
                tally.unexpected(name + ": " + p + " ended with exit code " + p.exitCode().orElse(-1));
            }
            p.close();
        }
    }

    // ------------------------------------------------------------------ a manager

    /** A manager's dict and list, used from two threads here and from a child process. */
    void manager(Random random) {
        String name = "Manager dict/list ops";
        SyncManager m = ctx.manager();
        try {
            Map<Integer, Long> dict = m.dict();
            List<Integer> list = m.list();
            while (timeLeft()) {
                int base = random.nextInt(1_000_000);
                Thread[] ts = new Thread[2];
                for (int t = 0; t < 2; t++) {
                    int from = base + t * 100;
                    ts[t] = Thread.ofPlatform().start(() -> {
                        for (int k = from; k < from + 100; k++) {
                            dict.put(k, expected(k));
                        }
                    });
                }
                Process child = ctx.process(() -> {
                    for (int i = 0; i < 50; i++) {
                        list.add(base + i);
                    }
                });
                child.start();
                for (Thread t : ts) {
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                joinAll(List.of(child), name);
                long bad = IntStream.range(base, base + 200).filter(k -> !Long.valueOf(expected(k)).equals(dict.get(k)))
                        .count();
                List<Integer> got = new ArrayList<>(list);
                List<Integer> want = IntStream.range(base, base + 50).boxed().toList();
                if (bad == 0 && got.equals(want)) {
                    tally.done(name, 200 + 200 + 50 + 1);
                } else {
                    tally.unexpected(name + ": " + bad + " wrong dict entries; list " + got);
                }
                dict.clear();
                list.clear();
            }
        } finally {
            m.shutdown();
        }
    }

    // ------------------------------------------------------------------ primitives whose users die

    /**
     * The exit code of a child whose barrier was broken: by its partner's death inside the barrier, or by
     * waiting {@link #PARTNER_GONE_AFTER} for a partner killed elsewhere (a barrier cannot know its parties
     * before they arrive, in Python as here).
     */
    static final int BROKEN_EXIT = 3;
    /**
     * The exit code of a child that found the joinable queue empty for {@link #STARVED_AFTER}: its partner
     * took its item and was killed before the partner's own item left its feeder thread (lost, as in Python).
     */
    static final int STARVED_EXIT = 4;
    static final Duration STARVED_AFTER = Duration.ofSeconds(20);
    /**
     * How long a child waits at the barrier for its partner: well under {@link #LOST_AFTER}, for which the
     * parent waits for the child, so that a child whose partner was killed away from the barrier ends
     * (broken) before the parent would count it as hung.
     */
    static final Duration PARTNER_GONE_AFTER = STARVED_AFTER;

    /** A child of the primitives workload ended otherwise than by finishing its loop. */
    static final class ChildEnded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ChildEnded(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Rounds of two child processes that hammer an Event, a two-party Barrier, a JoinableQueue and a manager's
     * dict proxy, killed at random by the {@link Killer} (from their first moments on). A child's death is
     * explained by its kill; its partner's BrokenBarrierError by that kill. After each round the parent
     * uses every primitive within {@link #LOST_AFTER} (a use that does not end counts as lost: a hang): it
     * sets and clears the event, resets the barrier and passes it with two threads, puts, gets and marks
     * done an item, and writes and reads the dict.
     */
    void primitives(Random random) {
        String name = "Event/Barrier/JoinableQueue/proxy ops";
        SyncManager m = ctx.manager();
        try {
            Map<Integer, Long> dict = m.dict();
            while (timeLeft()) {
                int n = 200 + random.nextInt(300);
                int base = random.nextInt(1_000_000);
                Event event = ctx.event();
                Barrier barrier = ctx.barrier(2);
                JoinableQueue<Integer> jq = ctx.joinableQueue();
                List<Process> ps = new ArrayList<>();
                for (int c = 0; c < 2; c++) {
                    int from = base + c * 1000;
                    ps.add(ctx.process(() -> {
                        for (int i = 0; i < n; i++) {
                            event.await(Duration.ofMillis(1));
                            if (i % 2 == 0) {
                                event.set();
                            } else {
                                event.clear();
                            }
                            try {
                                barrier.await(PARTNER_GONE_AFTER);
                            } catch (BrokenBarrierError e) {
                                System.exit(BROKEN_EXIT);
                            }
                            jq.put(from + i);
                            try {
                                jq.get(STARVED_AFTER); // the partner may have taken this item and died
                            } catch (dev.mp4j.multiprocessing.Empty e) {
                                System.exit(STARVED_EXIT);
                            }
                            jq.taskDone();
                            dict.put(from + i, expected(from + i));
                        }
                    }));
                }
                List<ProcessHandle> live = new CopyOnWriteArrayList<>();
                Killer.Target target = killer.register(new Killer.Target(name,
                        () -> live.stream().filter(ProcessHandle::isAlive).toList()));
                try {
                    for (Process p : ps) {
                        p.start();
                        long pid = p.pid().orElseThrow();
                        ProcessHandle.of(pid).ifPresent(live::add);
                        target.ready().add(pid); // killed from its first moments on
                    }
                    for (Process p : ps) {
                        if (!p.join(LOST_AFTER)) {
                            tally.lost(name + ": " + p + " did not end (a hang)");
                            p.kill();
                            p.join();
                        }
                    }
                } finally {
                    killer.unregister(target);
                }
                boolean anyKilled = false;
                for (Process p : ps) {
                    anyKilled |= target.killed().contains(p.pid().orElseThrow());
                }
                long finished = 0;
                for (Process p : ps) {
                    long pid = p.pid().orElseThrow();
                    int code = p.exitCode().orElse(Integer.MIN_VALUE);
                    if (code == 0) {
                        finished++;
                    } else if (code == -9) {
                        tally.failure(new ChildEnded("killed, pid " + pid), target.killed().contains(pid),
                                name + ": child " + pid);
                    } else if (code == BROKEN_EXIT) {
                        tally.failure(new BrokenBarrierError("partner of pid " + pid + " died"), anyKilled,
                                name + ": child " + pid + "'s barrier broke");
                    } else if (code == STARVED_EXIT) {
                        tally.failure(new dev.mp4j.multiprocessing.Empty("partner of pid " + pid + " died"), anyKilled,
                                name + ": child " + pid + " found the queue empty");
                    } else {
                        tally.unexpected(name + ": child " + pid + " ended with exit code " + code);
                    }
                    p.close();
                }
                if (finished == 2) {
                    long bad = IntStream.range(0, n).filter(i -> !Long.valueOf(expected(base + i)).equals(dict.get(base + i))
                            || !Long.valueOf(expected(base + 1000 + i)).equals(dict.get(base + 1000 + i))).count();
                    if (bad != 0) {
                        tally.unexpected(name + ": " + bad + " dict entries wrong after a round without kills");
                    }
                }
                if (usable(name, event, barrier, jq, dict, base)) {
                    tally.done(name, finished * n * 4L + 6);
                }
                dict.clear();
                jq.close();
            }
        } finally {
            m.shutdown();
        }
    }

    /** Uses every primitive of a round after its children ended; false (and counted) if one failed or hung. */
    private boolean usable(String name, Event event, Barrier barrier, JoinableQueue<Integer> jq,
            Map<Integer, Long> dict, int base) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("soak-primitives-check").start(() -> {
            try {
                event.set();
                check(event.isSet() && event.await(Duration.ZERO), "the event is not set after set()");
                event.clear();
                check(!event.isSet(), "the event is set after clear()");
                barrier.reset();
                CompletableFuture<Integer> other = new CompletableFuture<>();
                Thread.ofPlatform().daemon().start(() -> {
                    try {
                        other.complete(barrier.await(LOST_AFTER));
                    } catch (Throwable e) {
                        other.completeExceptionally(e);
                    }
                });
                int mine = barrier.await(LOST_AFTER);
                check(mine + other.get(LOST_AFTER.toSeconds(), TimeUnit.SECONDS) == 1, "the barrier's indexes");
                jq.put(-1);
                while (true) {
                    Integer got = jq.get(LOST_AFTER);
                    if (got == -1) {
                        break; // items a killed child put and did not take come first
                    }
                }
                jq.taskDone();
                dict.put(-1, expected(-1));
                check(Long.valueOf(expected(-1)).equals(dict.get(-1)), "the dict's entry");
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        try {
            done.get(LOST_AFTER.toSeconds() * 4, TimeUnit.SECONDS);
            return true;
        } catch (TimeoutException e) {
            tally.lost(name + ": the parent's use of the primitives after the round (a hang)");
        } catch (ExecutionException e) {
            tally.unexpected(name + ": the parent's use of the primitives after the round failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }
}
