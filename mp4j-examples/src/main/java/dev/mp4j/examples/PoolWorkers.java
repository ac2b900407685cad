package dev.mp4j.examples;

import dev.mp4j.futures.TimeoutError;
import dev.mp4j.multiprocessing.AsyncResult;
import dev.mp4j.multiprocessing.Pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * "Using a pool of workers" from Python's {@code multiprocessing} documentation: {@code map},
 * {@code imapUnordered} and {@code applyAsync} on a {@link Pool} of 4 worker JVMs, and a {@code get} that
 * gives up after its timeout.
 *
 * <p>Python's {@code with} block terminates the pool; {@link Pool#close()} (what try-with-resources calls)
 * waits for outstanding work instead, so the example terminates the pool to stop the sleeping worker.
 */
public final class PoolWorkers {
    private PoolWorkers() {}

    static int f(int x) {
        return x * x;
    }

    static long getpid() {
        return ProcessHandle.current().pid();
    }

    static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    public static void main(String[] args) {
        // start 4 worker processes
        try (Pool pool = new Pool(4)) {
            // prints "[0, 1, 4, ..., 81]"
            System.out.println(pool.map(PoolWorkers::f, range(10)));

            // prints the same numbers in arbitrary order
            for (int i : pool.imapUnordered(PoolWorkers::f, range(10))) {
                System.out.println(i);
            }

            // evaluates "f(20)" asynchronously
            AsyncResult<Integer> res = pool.applyAsync(() -> f(20));    // runs in *only* one process
            System.out.println(res.get(Duration.ofSeconds(1)));         // prints "400"

            // evaluates "getpid()" asynchronously
            AsyncResult<Long> pid = pool.applyAsync(PoolWorkers::getpid);  // runs in *only* one process
            System.out.println(pid.get(Duration.ofSeconds(1)));            // prints the PID of that process

            // launching multiple evaluations asynchronously *may* use more processes
            List<AsyncResult<Long>> multipleResults = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                multipleResults.add(pool.applyAsync(PoolWorkers::getpid));
            }
            List<Long> pids = new ArrayList<>();
            for (AsyncResult<Long> r : multipleResults) {
                pids.add(r.get(Duration.ofSeconds(1)));
            }
            System.out.println(pids);

            // makes a single worker sleep for 10 secs
            AsyncResult<Object> sleep = pool.applyAsync(() -> {
                Thread.sleep(10_000);
                return null;
            });
            try {
                System.out.println(sleep.get(Duration.ofSeconds(1)));
            } catch (TimeoutError e) {
                System.out.println("We lacked patience and got a TimeoutError");
            }

            System.out.println("For the moment, the pool remains available for more work");
            pool.terminate();   // as Python's with block: stop the workers, the sleeping one too
        }
        // the pool is closed and no longer available
        System.out.println("Now the pool is closed and no longer available");
    }
}
