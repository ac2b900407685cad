package dev.mp4j.examples;

import dev.mp4j.futures.Future;
import dev.mp4j.futures.ThreadPoolExecutor;
import dev.mp4j.futures.TimeoutError;

import java.time.Duration;

/**
 * The deadlock that Python's documentation warns of ({@code wait_on_future}): a task waits for another
 * task of the same pool, and the pool has no free worker to run it. With one worker the inner task can
 * never start while the outer one holds the worker, so an unbounded wait would hang for good. Done right:
 * wait with a timeout (the wait ends and the task can say why), or do not wait inside a task of the same
 * pool at all (size the pool for it, or chain with a done callback).
 */
public final class WaitOnFuture {
    static final Duration PATIENCE = Duration.ofMillis(200);

    private WaitOnFuture() {}

    public static void main(String[] args) {
        try (var executor = new ThreadPoolExecutor(1)) {
            Future<Future<Integer>> outer = executor.submit(() -> {
                Future<Integer> inner = executor.submit(() -> 5 * 5);
                try {
                    System.out.println("inside the task: pow(5, 2) = " + inner.result(PATIENCE));
                } catch (TimeoutError e) {
                    System.out.println("inside the task: no result after " + PATIENCE.toMillis()
                            + " ms, the only worker is busy running this task; inner is " + inner);
                }
                return inner;
            });
            Future<Integer> inner = outer.result();
            System.out.println("once the outer task returned, the inner one ran: pow(5, 2) = " + inner.result());
        }

        // Done right: a pool with a worker to spare for the inner task (and still a bound on the wait).
        try (var executor = new ThreadPoolExecutor(2)) {
            Future<Integer> outer = executor.submit(
                    () -> executor.submit(() -> 5 * 5).result(Duration.ofSeconds(5)));
            System.out.println("with two workers: pow(5, 2) = " + outer.result());
        }
    }
}
