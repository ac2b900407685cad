package dev.mp4j.examples;

import dev.mp4j.multiprocessing.Process;

/**
 * The first example of Python's {@code multiprocessing} documentation ("The Process class"): {@code f}
 * runs in a child JVM and prints {@code hello bob}.
 *
 * <p>The child's stdout is this JVM's stdout. The target is a serializable lambda: it is sent to the child,
 * which finds this class on the module path or class path it inherits from this JVM.
 */
public final class HelloBob {
    private HelloBob() {}

    static void f(String name) {
        System.out.println("hello " + name);
        System.out.flush();
    }

    public static void main(String[] args) {
        var p = new Process(() -> f("bob"));
        p.start();
        p.join();
    }
}
