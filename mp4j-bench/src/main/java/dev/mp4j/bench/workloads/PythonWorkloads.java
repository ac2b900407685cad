package dev.mp4j.bench.workloads;

import static dev.mp4j.bench.workloads.Mp4jWorkloads.check;

import dev.mp4j.futures.Future;
import dev.mp4j.python.Pickle;
import dev.mp4j.python.PyManager;
import dev.mp4j.python.PyProxy;
import dev.mp4j.python.PythonExecutor;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

/**
 * The workloads of mp4j-python (issue 23), run by {@link Mp4jWorkloads} with its passes: mp4j's {@link Pickle}
 * against CPython's C pickle, {@link PythonExecutor} against CPython's own {@code ProcessPoolExecutor}, and
 * {@link PyManager} against a CPython client of the same kind of {@code SyncManager} server. Their twins are in
 * {@code mp4j_bench.py}, whose {@code one} is the task the executors run and whose {@code manager-server} mode is
 * the server.
 *
 * <p>The runner tells the child JVM where the script is ({@code -Dmp4j.bench.python}) and which interpreter the
 * CPython side runs ({@code -Dmp4j.bench.python.exe}), so that both sides' Python processes are the same
 * interpreter.
 */
final class PythonWorkloads {
    /** The task of the executor workloads: {@code one()} of mp4j_bench.py, which returns 1. */
    private static final String ONE = "mp4j_bench:one";
    /** The items of pickle-list; mp4j_bench.py has the same. */
    static final int PICKLE_LIST_SIZE = 12_500;

    private final Mp4jWorkloads w;

    PythonWorkloads(Mp4jWorkloads w) {
        this.w = w;
    }

    double run(String name) throws Exception {
        return switch (name) {
            case "pickle-list" -> pickleList();
            case "pickle-dict" -> pickleDict();
            case "python-executor-round-trip" -> executorRoundTrip();
            case "python-executor-20k" -> executorSubmits();
            case "pymanager-dict" -> pyManagerDict();
            default -> throw new IllegalArgumentException("unknown workload: " + name);
        };
    }

    private static Path script() {
        return Path.of(System.getProperty("mp4j.bench.python", "mp4j-bench/src/main/python/mp4j_bench.py"))
                .toAbsolutePath();
    }

    private static String python() {
        return System.getProperty("mp4j.bench.python.exe", "python3");
    }

    /** ops/s: passes of Pickle.dumps then Pickle.loads of a list of 12,500 integers (0, 1, ...). */
    private double pickleList() throws Exception {
        List<Long> value = LongStream.range(0, PICKLE_LIST_SIZE).boxed().collect(
                java.util.stream.Collectors.toCollection(ArrayList::new));
        return pickleRoundTrips(value, w.size(1_000, 100));
    }

    /** ops/s: passes of Pickle.dumps then Pickle.loads of a small dict of four entries. */
    private double pickleDict() throws Exception {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("a", 1L);
        value.put("b", 2.5);
        value.put("c", "text");
        value.put("d", new ArrayList<>(List.of(1L, 2L, 3L)));
        return pickleRoundTrips(value, w.size(200_000, 20_000));
    }

    private double pickleRoundTrips(Object value, int n) throws Exception {
        return w.passes(() -> {
            long t0 = System.nanoTime();
            Object last = null;
            for (int i = 0; i < n; i++) {
                last = Pickle.loads(Pickle.dumps(value));
            }
            double rate = n / ((System.nanoTime() - t0) / 1e9);
            check(value.equals(last), "Pickle changed the value");
            return rate;
        });
    }

    private static PythonExecutor executor() {
        return PythonExecutor.builder()
                .python(Path.of(python()))
                .pythonPath(List.of(script().getParent()))
                .maxWorkers(2)
                .build();
    }

    /** µs: submit→result one at a time on a 2-worker PythonExecutor; mean per pass of 1,000. */
    private double executorRoundTrip() throws Exception {
        try (PythonExecutor ex = executor()) {
            ex.submit(ONE).result(); // a worker is up
            int n = w.size(1_000, 200);
            return w.passes(() -> {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    ex.submit(ONE).result();
                }
                return (System.nanoTime() - t0) / 1e3 / n;
            });
        }
    }

    /** tasks/s: passes of 20,000 submits, then every result, on a 2-worker PythonExecutor. */
    private double executorSubmits() throws Exception {
        try (PythonExecutor ex = executor()) {
            ex.submit(ONE).result(); // a worker is up
            int n = w.size(20_000, 2_000);
            return w.passes(() -> {
                List<Future<Object>> fs = new ArrayList<>(n);
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    fs.add(ex.submit(ONE));
                }
                long sum = 0;
                for (Future<Object> f : fs) {
                    sum += (Long) f.result();
                }
                double rate = n / ((System.nanoTime() - t0) / 1e9);
                check(sum == n, "the results add up to " + sum + ", not " + n);
                return rate;
            });
        }
    }

    /**
     * µs: passes of {@code d["k"] = i} then {@code d["k"]} on a dict of a CPython SyncManager server that this
     * workload starts (mp4j_bench.py manager-server, on loopback, with a random authkey) and stops by its pid;
     * mean per pass of 3,000. The calls are {@code __setitem__} and {@code __getitem__}, the two requests of
     * CPython's DictProxy ({@code Map.put} of the Map view asks for the old value first: a third request).
     */
    private double pyManagerDict() throws Exception {
        byte[] authkey = new byte[32];
        new SecureRandom().nextBytes(authkey);
        Process server = new ProcessBuilder(python(), script().toString(), "manager-server")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            try (OutputStream in = server.getOutputStream()) {
                in.write((HexFormat.of().formatHex(authkey) + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            String port = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            check(port != null && port.strip().matches("\\d+"), "the manager server printed no port: " + port);
            try (PyManager m = PyManager.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(port.strip())),
                    authkey); PyProxy d = m.create("dict")) {
                d.callMethod("__setitem__", "k", -1L); // the server answers
                int n = w.size(3_000, 500);
                return w.passes(() -> {
                    long t0 = System.nanoTime();
                    for (long i = 0; i < n; i++) {
                        d.callMethod("__setitem__", "k", i);
                        check(Long.valueOf(i).equals(d.callMethod("__getitem__", "k")), "the dict lost a value");
                    }
                    return (System.nanoTime() - t0) / 1e3 / n;
                });
            }
        } finally {
            stop(server);
        }
    }

    /** Ends a process this workload started, by its pid: SIGTERM, then SIGKILL if it is still there after 10 s. */
    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
