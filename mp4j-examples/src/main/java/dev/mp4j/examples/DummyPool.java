package dev.mp4j.examples;

import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pool;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Queue;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Python's {@code multiprocessing.dummy}: a pool, a process and a queue, all on threads of this JVM. The
 * program is written against a {@link Context}; replacing {@code Multiprocessing.dummy()} with
 * {@code Multiprocessing.getContext()} runs the very same code on worker JVMs.
 *
 * <p>Every pid printed is this JVM's: the pool's workers and the "process" are threads.
 */
public final class DummyPool {
    private DummyPool() {}

    static int f(int x) {
        return x * x;
    }

    static String whoami() {
        return "pid " + ProcessHandle.current().pid() + ", thread " + Thread.currentThread().getName();
    }

    public static void main(String[] args) {
        Context mp = Multiprocessing.dummy();   // the one line: Multiprocessing.getContext() for worker JVMs
        System.out.println("main: pid " + ProcessHandle.current().pid() + ", start method " + mp.startMethod());

        try (Pool pool = mp.pool(4)) {
            System.out.println(pool);
            System.out.println(pool.map(DummyPool::f, IntStream.range(0, 10).boxed().toList()));
            System.out.println("a worker: " + pool.apply(DummyPool::whoami));
        }

        Queue<List<Object>> q = mp.queue();
        Process p = mp.process(() -> q.put(List.of(42, "hello", whoami())));
        p.start();
        System.out.println("from the process: " + q.get());
        p.join();
        System.out.println(p + " exitCode " + p.exitCode().orElse(-1));
        q.close();
    }
}
