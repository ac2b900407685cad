package dev.mp4j.examples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the examples one after another, each under a heading. Arguments: names of examples to run
 * (default: all of them), or {@code --list}.
 */
public final class Demo {
    /** An example's entry point: its {@code main}. */
    @FunctionalInterface
    interface Main {
        void run(String[] args) throws Exception;
    }

    /** One example: the name that selects it, what it shows, and how to run it. */
    record Example(String name, String title, Main main) {}

    static final List<Example> EXAMPLES = List.of(
            new Example("quickstart", "Quickstart: the README's snippet", Quickstart::main),
            new Example("load-urls", "concurrent.futures: the ThreadPoolExecutor example (submit + asCompleted)",
                    LoadUrls::main),
            new Example("submit", "concurrent.futures: Executor.submit (pow) and a failing task", SubmitPow::main),
            new Example("map", "concurrent.futures: the ProcessPoolExecutor example (map on worker JVMs)",
                    MapPrimes::main),
            new Example("map-errors", "concurrent.futures: map raises a call's exception at that call's item",
                    MapErrors::main),
            new Example("deadlock", "concurrent.futures: wait_on_future, the deadlock avoided with a timeout",
                    WaitOnFuture::main),
            new Example("wait", "concurrent.futures: wait with FIRST_COMPLETED, a timeout, FIRST_EXCEPTION",
                    WaitFirstCompleted::main),
            new Example("callbacks", "concurrent.futures: Future.addDoneCallback", DoneCallbacks::main),
            new Example("producer-consumer", "threading: producer and consumer with a Condition",
                    ProducerConsumer::main),
            new Example("barrier", "threading: a Barrier with an action, and one broken by a timeout",
                    BarrierPhases::main),
            new Example("timer", "threading: Timer, run and cancelled", TimerHello::main),
            new Example("semaphore", "threading: a BoundedSemaphore guarding a resource, a Lock guarding counters",
                    BoundedSemaphorePool::main),
            new Example("process", "multiprocessing: the Process class, f('bob') in a child JVM", HelloBob::main),
            new Example("process-info", "multiprocessing: module name, parent pid and pid of the main JVM and a child",
                    ProcessInfo::main),
            new Example("start-methods", "multiprocessing: contexts and start methods (spawn, forkserver; no fork)",
                    StartMethods::main),
            new Example("exit-codes", "multiprocessing: exit codes (return, System.exit, exception, terminate)",
                    ExitCodes::main),
            new Example("queue", "multiprocessing: exchanging objects between processes with a Queue",
                    QueueExchange::main),
            new Example("pipe", "multiprocessing: exchanging objects between processes with a Pipe",
                    PipeExchange::main),
            new Example("lock", "multiprocessing: a Lock shared by 4 processes, each printing 'hello world' i",
                    LockedPrint::main),
            new Example("shared-state", "multiprocessing: sharing state in shared memory (Value and Array)",
                    SharedState::main),
            new Example("pool", "multiprocessing: a pool of workers (map, imapUnordered, applyAsync, a timed-out get)",
                    PoolWorkers::main),
            new Example("pool-progress", "multiprocessing: a progress bar over Pool.imap, 200 tasks on 2 workers",
                    PoolProgress::main),
            new Example("dummy", "multiprocessing.dummy: the same pool, process and queue on threads",
                    DummyPool::main),
            new Example("listener", "multiprocessing.connection: a Listener with an authkey and a Client in a child",
                    ListenerClient::main),
            new Example("connection-wait", "multiprocessing.connection: wait on the pipes of 4 children",
                    WaitPipes::main),
            new Example("custom-manager", "managers: a customized manager (MyManager with Maths)",
                    CustomizedManager::main),
            new Example("remote-manager", "managers: a remote manager serving a queue on TCP with an authkey",
                    RemoteQueueManager::main),
            new Example("cluster", "mp4j-hazelcast: a map on 3 local members, one killed, REPLACE + retryLost",
                    ClusterFailover::main));

    private Demo() {}

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Runs the examples named in {@code args} (all when there are none).
     *
     * @return 0 when all ran, 1 when one of them failed, 2 for an unknown name
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, Example> byName = new LinkedHashMap<>();
        for (Example e : EXAMPLES) {
            byName.put(e.name(), e);
        }
        if (List.of(args).contains("--list")) {
            for (Example e : EXAMPLES) {
                out.printf("%-18s %s%n", e.name(), e.title());
            }
            return 0;
        }
        List<Example> selected = new ArrayList<>();
        for (String name : args) {
            Example e = byName.get(name);
            if (e == null) {
                err.println("unknown example: " + name + "; the examples are: " + String.join(" ", byName.keySet()));
                return 2;
            }
            selected.add(e);
        }
        if (selected.isEmpty()) {
            selected.addAll(EXAMPLES);
        }

        int failed = 0;
        for (Example e : selected) {
            out.println("=== " + e.name() + ": " + e.title() + " ===");
            out.flush();
            long start = System.nanoTime();
            try {
                e.main().run(new String[0]);
            } catch (Exception | Error x) {
                failed++;
                System.out.flush();
                err.println("example " + e.name() + " failed:");
                x.printStackTrace(err);
            }
            System.out.flush();
            out.printf("(%d ms)%n%n", (System.nanoTime() - start) / 1_000_000);
        }
        if (failed > 0) {
            err.println(failed + " of " + selected.size() + " examples failed");
            return 1;
        }
        return 0;
    }
}
