package dev.mp4j.examples;

import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Queue;

import java.util.Arrays;
import java.util.List;

/**
 * "Exchanging objects between processes", queues: a child JVM puts a list into a {@link Queue} and the
 * parent prints what it gets, {@code [42, null, hello]}.
 *
 * <p>The queue is captured by the child's target: it travels as its names in shared memory and re-attaches
 * in the child. Items must be serializable; null is a valid item.
 */
public final class QueueExchange {
    private QueueExchange() {}

    static void f(Queue<List<Object>> q) {
        q.put(Arrays.asList(42, null, "hello"));
    }

    public static void main(String[] args) {
        Queue<List<Object>> q = Multiprocessing.queue();
        var p = new Process(() -> f(q));
        p.start();
        System.out.println(q.get());    // prints "[42, null, hello]"
        p.join();
        q.close();
    }
}
