package dev.mp4j.futures;

import static org.junit.jupiter.api.Assertions.fail;

import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.Multiprocessing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The shared fixture of the process-pool tests, registered as a static extension of each test class: it makes
 * their pools ({@link #newPool}, of {@link #QUICK_SPAWN} workers) and checks for leftovers. Tests {@link #track}
 * every ProcessPoolExecutor they make (a pool from {@link #newPool} is tracked) and report the worker pids they
 * see; the workers of every tracked pool are recorded just before each test runs (after the base classes'
 * set-up primed them). After each test, every tracked executor must have been shut down (one that was not
 * fails the test and is shut down now) and must terminate; after the class, every worker pid seen must be
 * dead (polled with a deadline).
 */
final class ProcessPoolWorkers implements BeforeTestExecutionCallback, AfterEachCallback, AfterAllCallback {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    /**
     * The spawn context with worker JVMs that compile with C1 only, which boots them about a fifth faster
     * on a small machine. Tests about the defaults use the default context instead.
     */
    static final Context QUICK_SPAWN = Multiprocessing.getContext("spawn")
            .withJvmOptions(List.of("-XX:TieredStopAtLevel=1"));

    private final Set<Long> seen = ConcurrentHashMap.newKeySet();
    private final List<ProcessPoolExecutor> executors = new CopyOnWriteArrayList<>();

    /** A tracked pool of {@link #QUICK_SPAWN} workers. */
    ProcessPoolExecutor newPool(int maxWorkers) {
        return track(builder(maxWorkers).build());
    }

    /** A builder for a pool of {@link #QUICK_SPAWN} workers. */
    static ProcessPoolExecutor.Builder builder(int maxWorkers) {
        return ProcessPoolExecutor.builder().maxWorkers(maxWorkers).context(QUICK_SPAWN);
    }

    /** Tracks {@code e} until the end of the current test. */
    ProcessPoolExecutor track(ProcessPoolExecutor e) {
        executors.add(e);
        return e;
    }

    /** Records the live workers of {@code e} and returns them. */
    List<ProcessHandle> saw(ProcessPoolExecutor e) {
        List<ProcessHandle> ps = e.processes();
        for (ProcessHandle p : ps) {
            seen.add(p.pid());
        }
        return ps;
    }

    /** Records a worker pid (one a task reported, say) and returns it. */
    long saw(long pid) {
        seen.add(pid);
        return pid;
    }

    @Override
    public void beforeTestExecution(ExtensionContext context) {
        for (ProcessPoolExecutor e : executors) {
            saw(e);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        List<String> problems = new ArrayList<>();
        for (ProcessPoolExecutor e : executors) {
            saw(e);
            if (!e.isShutdown()) {
                problems.add(e + " was not shut down by the test");
                e.shutdownNow();
            }
            if (!e.awaitTermination(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                problems.add(e + " did not terminate within " + DEADLINE.toSeconds() + " s of its shutdown");
                e.shutdownNow();
            }
        }
        executors.clear();
        if (!problems.isEmpty()) {
            fail(String.join("; ", problems));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        List<Long> alive = new ArrayList<>();
        for (long pid : seen) {
            Optional<ProcessHandle> p = ProcessHandle.of(pid);
            if (p.isEmpty()) {
                continue;
            }
            try {
                p.get().onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                if (p.get().isAlive()) {
                    alive.add(pid);
                }
            }
        }
        int count = seen.size();
        seen.clear();
        if (!alive.isEmpty()) {
            fail("worker JVMs still alive " + DEADLINE.toSeconds() + " s after the class ended: " + alive
                    + " (of " + count + " worker pids seen)");
        }
        if (count == 0) {
            fail("no worker pid was recorded: the leftover check checked nothing");
        }
    }
}
