package dev.mp4j.examples;

import dev.mp4j.futures.Future;
import dev.mp4j.futures.ThreadPoolExecutor;
import dev.mp4j.threading.Threading;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * {@code Future.add_done_callback}: callbacks run in the order they were added, in the thread that
 * completed the future; one added to a future that is already done runs at once, in the caller's thread.
 */
public final class DoneCallbacks {
    private DoneCallbacks() {}

    public static void main(String[] args) throws InterruptedException {
        try (var executor = new ThreadPoolExecutor(2)) {
            var go = Threading.event();
            Future<Integer> answer = executor.submit(() -> {
                go.await(Duration.ofSeconds(5));
                return 6 * 7;
            });
            var called = new CountDownLatch(2);
            answer.addDoneCallback(f -> {
                System.out.println("callback 1: result " + f.result());
                called.countDown();
            });
            answer.addDoneCallback(f -> {
                System.out.println("callback 2: " + f);
                called.countDown();
            });
            System.out.println("two callbacks added; the task waits for the go signal");
            go.set();
            called.await();

            answer.addDoneCallback(f -> System.out.println(
                    "callback 3, added after the task finished, ran at once in thread \""
                            + Thread.currentThread().getName() + "\""));

            Future<Integer> failed = executor.submit(() -> Integer.parseInt("forty-two"));
            var failedCalled = new CountDownLatch(1);
            failed.addDoneCallback(f -> {
                System.out.println("a callback of a failed task sees: " + f.exception());
                failedCalled.countDown();
            });
            failedCalled.await();
        }
    }
}
