package dev.mp4j.bench.runner;

import static dev.mp4j.bench.runner.Direction.HIGHER_IS_BETTER;
import static dev.mp4j.bench.runner.Direction.LOWER_IS_BETTER;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every workload of the side-by-side run, in table order, with the targets of issue 7 and, for mp4j-python's
 * workloads (pickle-list to pymanager-dict), of issue 23 (ratios against
 * CPython 3.11 with the spawn start method, same machine, medians). Sizes are those of one pass of a full
 * run; --quick shrinks them (each side knows its own quick sizes). Unless a description says otherwise a
 * workload is steady-state: its pool, children or connection answer once, then it runs
 * {@link dev.mp4j.bench.workloads.Mp4jWorkloads#WARMUP} warm-up passes and
 * {@link dev.mp4j.bench.workloads.Mp4jWorkloads#MEASURED} measured passes of that size with the same
 * processes, and its figure is the median of the measured passes.
 */
public final class Catalog {
    private static final Duration SHORT = Duration.ofSeconds(90);
    private static final Duration LONG = Duration.ofSeconds(180);
    /** A cluster workload's run: 3 member JVMs start and warm up first. */
    private static final Duration CLUSTER = Duration.ofSeconds(300);
    /** The workload whose mp4j side runs with the bench's classes in a directory instead of its jar. */
    static final String SPAWN_IN_DIRECTORY = "spawn-start-join-dir";
    /** Both sides of the cluster workloads, Java against Java. */
    private static final String CLUSTER_PROGRAM = "dev.mp4j.bench.cluster.ClusterWorkloads";

    private static final List<Workload> ALL = List.of(
            new Workload("spawn-start-join", "Process start→join (spawn)", "ms", LOWER_IS_BETTER,
                    Target.timeAtMost(1), SHORT,
                    "start() then join() of a process with an empty target, spawn start method; median of 4 "
                            + "after one warm-up start (the first-pass figure)"),
            new Workload(SPAWN_IN_DIRECTORY, "Process start→join (spawn, classes in a directory)", "ms",
                    LOWER_IS_BETTER, Target.timeAtMost(1), SHORT,
                    "the same with the program's classes in a directory on the class path (a build tree, an IDE, "
                            + "mvn exec), not in a jar: the runner unpacks the bench's jar into one; CPython's "
                            + "figure is its spawn's"),
            new Workload("forkserver-start-join", "Process start→join (forkserver, back to back)", "ms",
                    LOWER_IS_BETTER, null, SHORT,
                    "the same with the forkserver start method, starts back to back as a program makes them: "
                            + "mp4j's target is its own spawn figure (never slower), not CPython's fork"),
            new Workload("forkserver-paced", "Process start→join (forkserver, paced)", "ms", LOWER_IS_BETTER,
                    Target.timeAtMost(0.5), LONG,
                    "the same with a 1 s pause before each start (outside the measurement), which lets the next "
                            + "spare get ready"),
            new Workload("ppe-round-trip", "ProcessPoolExecutor warm round trip", "µs", LOWER_IS_BETTER,
                    Target.timeAtMost(0.5), SHORT,
                    "submit(() -> 1).result() one after the other on a 2-worker pool; a pass is 1,000, its figure "
                            + "the mean"),
            new Workload("ppe-20k-submits", "ProcessPoolExecutor 20,000 submits", "tasks/s", HIGHER_IS_BETTER,
                    Target.rateAtLeast(2), SHORT,
                    "a pass is 20,000 submits of a trivial task to a 2-worker pool, then every result"),
            new Workload("pool-map", "Pool.map 100k tiny tasks", "tasks/s", HIGHER_IS_BETTER,
                    Target.rateAtLeast(2), SHORT,
                    "a pass is Pool(2).map(x -> x + 1) over 100,000 integers, default chunksize (issue 7's size)"),
            new Workload("pool-map-chunk1", "Pool.map chunksize 1 (20k)", "tasks/s", HIGHER_IS_BETTER,
                    Target.rateAtLeast(1.5), SHORT,
                    "the same with chunksize 1, over 20,000 integers a pass (100,000 would take CPython several "
                            + "seconds)"),
            new Workload("pool-imap", "Pool.imap streaming 100k (chunksize 100)", "tasks/s", HIGHER_IS_BETTER,
                    null, SHORT,
                    "a pass is Pool(2).imap(x -> x + 1) over 100,000 integers with chunksize 100, consumed as "
                            + "results arrive"),
            new Workload("queue-small", "Queue 1→1 small messages", "msgs/s", HIGHER_IS_BETTER,
                    Target.rateAtLeast(2), SHORT,
                    "one child puts 100,000 integers per pass, for all passes in one stream; the parent gets one "
                            + "first (the child is up), then times each pass of 100,000 gets"),
            new Workload("queue-1mib", "Queue 1→1 1 MiB messages", "MiB/s", HIGHER_IS_BETTER,
                    Target.rateAtLeast(1.5), SHORT,
                    "the same with byte arrays of 1 MiB, 200 a pass"),
            new Workload("queue-4to1", "Queue 4 producers→1 consumer", "msgs/s", HIGHER_IS_BETTER,
                    null, SHORT,
                    "4 children and the parent meet at a barrier before each pass; then each child puts 25,000 "
                            + "integers and the parent gets all 100,000, timed from its release"),
            new Workload("pipe-ping-pong", "Pipe ping-pong", "µs", LOWER_IS_BETTER,
                    Target.timeAtMost(0.7), SHORT,
                    "send(i) and recv() of its echo by one child, on a duplex Pipe; a pass is 5,000 round trips, its "
                            + "figure the mean"),
            new Workload("pipe-1mib", "Pipe 1 MiB messages", "MiB/s", HIGHER_IS_BETTER,
                    Target.rateAtLeast(1.5), SHORT,
                    "one child sends 200 messages of 1 MiB a pass with sendBytes (send_bytes), the parent receives "
                            + "them"),
            new Workload("pipe-1mib-into", "Pipe 1 MiB messages into one buffer", "MiB/s", HIGHER_IS_BETTER,
                    null, SHORT,
                    "the same, the parent receiving each message into the one 1 MiB buffer it reuses with "
                            + "recvBytesInto (recv_bytes_into) instead of a new array each"),
            new Workload("lock-uncontended", "Lock acquire+release, uncontended", "ops/s", HIGHER_IS_BETTER,
                    Target.rateAtLeast(1), SHORT,
                    "a pass is 2,000,000 acquire+release pairs of a multiprocessing Lock by one thread"),
            new Workload("lock-contended", "Lock, 2 processes × 100k increments", "ms", LOWER_IS_BETTER,
                    Target.timeAtMost(1), SHORT,
                    "two children, released together by a barrier, each do 100,000 locked increments of a shared "
                            + "int; time until both are done (the count is checked); one shot per process"),
            new Workload("shared-array", "SharedDoubleArray 10M fill+sum in a child", "ms", LOWER_IS_BETTER,
                    Target.timeAtMost(0.3), SHORT,
                    "a child fills a shared array of 10,000,000 doubles (a[i] = i) and sums it; from start() to "
                            + "the sum received through a queue; one shot per process (a cold figure)"),
            new Workload("manager-dict", "Manager dict set+get round trip", "µs", LOWER_IS_BETTER,
                    Target.timeAtMost(1), SHORT,
                    "d[k] = i then d[k] on a SyncManager dict proxy; a pass is 3,000, its figure the mean"),
            new Workload("cpu-scaling", "CPU-bound speed-up, 2 workers vs 1", "×", HIGHER_IS_BETTER,
                    Target.mp4jAtLeast(1.8, "mp4j speed-up"), LONG,
                    "8 CPU-bound tasks (~0.1–0.3 s each) on a warm ProcessPoolExecutor of 1 worker, then on one of 2, "
                            + "3 times (both pools kept warm); the figure is the median of time(1 worker) / time(2 workers)"),
            new Workload("serialize-small", "Serialize small object round trip", "ops/s", HIGHER_IS_BETTER,
                    null, SHORT,
                    "encode+decode of [42, \"hello\", 3.14] in-process, 200,000 a pass: mp4j's codec against pickle"),
            new Workload("pickle-list", "Pickle dumps+loads, 12,500-int list", "ops/s", HIGHER_IS_BETTER,
                    Target.rateAtLeast(1), SHORT,
                    "mp4j-python's Pickle.dumps then Pickle.loads of list(range(12500)) in-process, 1,000 a pass, "
                            + "against CPython's C pickle (protocol 4)"),
            new Workload("pickle-dict", "Pickle dumps+loads, small dict", "ops/s", HIGHER_IS_BETTER,
                    Target.rateAtLeast(1), SHORT,
                    "the same with {\"a\": 1, \"b\": 2.5, \"c\": \"text\", \"d\": [1, 2, 3]}, 200,000 a pass"),
            new Workload("python-executor-round-trip", "PythonExecutor round trip (python3 workers)", "µs",
                    LOWER_IS_BETTER, Target.timeAtMost(1.2), SHORT,
                    "submit(\"mp4j_bench:one\").result() one after the other on a PythonExecutor of 2 python3 "
                            + "workers, against CPython's ProcessPoolExecutor(2) running the same function; a pass "
                            + "is 1,000, its figure the mean"),
            new Workload("python-executor-20k", "PythonExecutor 20,000 submits (python3 workers)", "tasks/s",
                    HIGHER_IS_BETTER, new Target(Target.Kind.RATIO, 1 / 1.2, "≥ 1/1.2× CPython's rate"), LONG,
                    "a pass is 20,000 submits of mp4j_bench:one to a PythonExecutor of 2 workers, then every "
                            + "result, against CPython's ProcessPoolExecutor(2)"),
            new Workload("pymanager-dict", "PyManager dict set+get, CPython server", "µs", LOWER_IS_BETTER,
                    Target.timeAtMost(1), SHORT,
                    "d[k] = i then d[k] on a dict of a CPython SyncManager server that the run starts (loopback, "
                            + "authkey) and stops: mp4j's PyManager against a CPython client; a pass is 3,000, its "
                            + "figure the mean"),
            new Workload("tpe-round-trip", "ThreadPoolExecutor round trip (reference)", "µs", LOWER_IS_BETTER,
                    null, SHORT,
                    "submit(() -> 1).result() one after the other on a 2-thread pool; a pass is 10,000, its figure "
                            + "the mean"),
            new Workload("tpe-20k-submits", "ThreadPoolExecutor 20,000 submits (reference)", "tasks/s",
                    HIGHER_IS_BETTER, null, SHORT,
                    "a pass is 20,000 submits of a trivial task to a 2-thread pool, then every result"),
            new Workload("threadpool-map", "ThreadPool.map 100k (reference)", "tasks/s", HIGHER_IS_BETTER,
                    null, SHORT,
                    "a pass is ThreadPool(2).map(x -> x + 1) over 100,000 integers, default chunksize"),
            new Workload("program-pool-map", "Whole program: Pool(2), map 100k, print the sum", "ms",
                    LOWER_IS_BETTER, Target.timeAtMost(1), SHORT,
                    "a whole short program timed by the runner from exec to exit: make a Pool of 2, print the sum "
                            + "of map(x + 1) over 100,000 integers, close the pool (a fresh JVM or python3, no "
                            + "warm-up)", true),
            new Workload("program-queue", "Whole program: a Process puts on a Queue, the parent gets it", "ms",
                    LOWER_IS_BETTER, Target.timeAtMost(1), SHORT,
                    "a whole short program timed by the runner from exec to exit: make a Queue, start a Process that "
                            + "puts a string on it, get and print the string, join the process (a fresh JVM or "
                            + "python3, no warm-up)", true),
            new Workload("cluster-round-trip", "ClusterExecutor round trip vs raw Hazelcast (3 local members)", "µs",
                    LOWER_IS_BETTER, new Target(Target.Kind.RATIO, 1 / 1.2, "≤ 1.2× raw Hazelcast's time"), CLUSTER,
                    "submit(() -> x + 1).result() one after the other on a ClusterExecutor of a Cluster.local(3), "
                            + "against Hazelcast's own IExecutorService submitting the same work on its own "
                            + "Cluster.local(3) (the CPython columns); a pass is 1,000, its figure the mean",
                    false, CLUSTER_PROGRAM),
            new Workload("cluster-20k", "ClusterExecutor 20,000 submits vs raw Hazelcast", "tasks/s",
                    HIGHER_IS_BETTER, new Target(Target.Kind.RATIO, 1 / 1.2, "≥ 1/1.2× raw Hazelcast's rate"),
                    CLUSTER,
                    "a pass is 20,000 submits of x + 1 to a ClusterExecutor of 3 local members, then every result, "
                            + "against Hazelcast's IExecutorService doing the same (the CPython columns)",
                    false, CLUSTER_PROGRAM),
            new Workload("cluster-pool-map", "Pool.map 100k on 3 local members vs a local Pool(2)", "tasks/s",
                    HIGHER_IS_BETTER, null, CLUSTER,
                    "a pass is cluster.context().pool(2).map(x -> x + 1) over 100,000 integers, default "
                            + "chunksize, on a Cluster.local(3), against a local Pool(2) doing the same (the CPython "
                            + "columns)", false, CLUSTER_PROGRAM));

    private Catalog() {}

    /** @return every workload, in table order */
    public static List<Workload> all() {
        return ALL;
    }

    /**
     * @param names workload names; empty for all
     * @return those workloads, in table order
     * @throws IllegalArgumentException naming an unknown workload and listing the known ones
     */
    public static List<Workload> select(List<String> names) {
        if (names.isEmpty()) {
            return ALL;
        }
        Map<String, Workload> byName = new LinkedHashMap<>();
        ALL.forEach(w -> byName.put(w.name(), w));
        for (String n : names) {
            if (!byName.containsKey(n)) {
                throw new IllegalArgumentException(
                        "unknown workload '" + n + "'; known: " + String.join(", ", byName.keySet()));
            }
        }
        List<Workload> chosen = new ArrayList<>();
        for (Workload w : ALL) {
            if (names.contains(w.name())) {
                chosen.add(w);
            }
        }
        return chosen;
    }
}
