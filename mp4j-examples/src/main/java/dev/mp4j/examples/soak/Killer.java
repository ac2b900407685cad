package dev.mp4j.examples.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The fault injector: now and then, kill -9 of one worker of one of the pools in use, by pid. Each pool
 * registers a {@link Target}; a kill is recorded in the target before the signal is sent, so that any
 * failure it causes finds it there.
 */
final class Killer implements Runnable {
    /**
     * A pool whose workers may be killed.
     *
     * @param name for messages
     * @param workers its live workers now
     * @param killed the pids killed so far
     * @param ready the pids of workers that delivered a result (so they are up and serving)
     */
    record Target(String name, Supplier<List<ProcessHandle>> workers, Set<Long> killed, Set<Long> ready) {
        Target(String name, Supplier<List<ProcessHandle>> workers) {
            this(name, workers, ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet());
        }
    }

    private final List<Target> targets = new CopyOnWriteArrayList<>();
    private final Random random;
    private final long deadline;
    private final long minPauseMillis;
    private final long maxPauseMillis;
    private final LongAdder kills = new LongAdder();
    private final boolean killBooting;

    /**
     * @param killBooting whether workers that have not delivered a result yet may be killed too: a worker
     *     killed while it boots breaks even a REPLACE pool or a Pool today (BootKillTest in mp4j-core)
     */
    Killer(Random random, long deadline, long minPauseMillis, long maxPauseMillis, boolean killBooting) {
        this.random = random;
        this.deadline = deadline;
        this.minPauseMillis = minPauseMillis;
        this.maxPauseMillis = maxPauseMillis;
        this.killBooting = killBooting;
    }

    Target register(Target t) {
        targets.add(t);
        return t;
    }

    void unregister(Target t) {
        targets.remove(t);
    }

    long kills() {
        return kills.sum();
    }

    @Override
    public void run() {
        while (System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(minPauseMillis + random.nextLong(maxPauseMillis - minPauseMillis + 1)); // the fault rate
            } catch (InterruptedException e) {
                return;
            }
            List<Target> now = new ArrayList<>(targets);
            if (now.isEmpty()) {
                continue;
            }
            Target t = now.get(random.nextInt(now.size()));
            List<ProcessHandle> workers = t.workers().get().stream()
                    .filter(p -> killBooting || t.ready().contains(p.pid()))
                    .toList();
            if (workers.isEmpty()) {
                continue;
            }
            ProcessHandle victim = workers.get(random.nextInt(workers.size()));
            t.killed().add(victim.pid());
            if (victim.destroyForcibly()) { // SIGKILL to that pid
                kills.increment();
            }
        }
    }
}
