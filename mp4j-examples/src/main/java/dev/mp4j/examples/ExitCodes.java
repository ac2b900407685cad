package dev.mp4j.examples;

import dev.mp4j.multiprocessing.Process;

import java.util.List;

/**
 * {@code Process.exitcode}: 0 when the target returns, {@code n} for {@code System.exit(n)} (Python's
 * {@code sys.exit(n)}), 1 when it throws (the stack trace goes to stderr, the parent's), and {@code -N}
 * when the process was killed by signal {@code N}: {@code terminate()} sends SIGTERM, so -15. Then the
 * states of a process as the documentation's {@code terminate()} example prints them.
 */
public final class ExitCodes {
    private ExitCodes() {}

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) {
        List<Process> processes = List.of(
                new Process(() -> { }, "returns"),
                new Process(() -> System.exit(3), "exits"),
                new Process(() -> {
                    throw new IllegalStateException("raised in the child");
                }, "raises"));
        processes.forEach(Process::start);
        processes.forEach(Process::join);
        for (Process p : processes) {
            System.out.println(p.name() + ": exitCode " + p.exitCode().orElseThrow());
        }

        // Python's terminate() example: a process sleeping for a long time, terminated.
        Process p = new Process(() -> sleep(60_000), "sleeper");
        System.out.println(p + " isAlive: " + p.isAlive());
        p.start();
        System.out.println(p + " isAlive: " + p.isAlive());
        p.terminate();
        p.join();
        System.out.println(p + " isAlive: " + p.isAlive());
        System.out.println(p.name() + ": exitCode " + p.exitCode().orElseThrow());
    }
}
