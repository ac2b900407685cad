package dev.mp4j.examples;

import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;

/**
 * Contexts and start methods ({@code multiprocessing.get_context}): a process started by each start
 * method mp4j has. "spawn" boots a fresh JVM for the process; "forkserver" hands over a spare JVM that was
 * booted (and warmed up) in advance, and boots the next spare in the background. "fork" cannot exist on a
 * JVM, and asking for it says why.
 */
public final class StartMethods {
    private StartMethods() {}

    static void foo(String method) {
        System.out.println("hello from " + Multiprocessing.currentProcess().name() + ", started by '" + method + "'");
        System.out.flush();
    }

    public static void main(String[] args) {
        System.out.println("start methods: " + Multiprocessing.getAllStartMethods());
        for (String method : Multiprocessing.getAllStartMethods()) {
            Context ctx = Multiprocessing.getContext(method);
            Process p = ctx.process(() -> foo(method));
            p.setName(method + "-child");
            p.start();
            p.join();
            System.out.println(p.name() + " exit code: " + p.exitCode().orElseThrow());
        }
        try {
            Multiprocessing.getContext("fork");
        } catch (IllegalArgumentException e) {
            System.out.println("getContext(\"fork\") raised IllegalArgumentException: " + e.getMessage());
        }
    }
}
