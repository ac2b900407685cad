package dev.mp4j.multiprocessing;

import dev.mp4j.futures.ProcessPoolExecutor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Programs for {@link LifecycleLoggingTest}, each in a JVM of its own, none calling {@code logToStderr}. The first
 * argument names the scenario; "configured" and "initializer" take a file to write a
 * {@code java.util.logging} configuration to, which the program and its children read.
 */
public final class LifecycleLogMain {
    private LifecycleLogMain() {}

    public static void main(String[] args) throws IOException {
        switch (args[0]) {
            case "default" -> unconfigured();
            case "configured" -> configured(Path.of(args[1]));
            case "initializer" -> initializer(Path.of(args[1]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /** Runs a child with nothing configured; prints what the logger enables. */
    static void unconfigured() {
        Process p = new Process(() -> { });
        p.start();
        p.join();
        System.Logger log = Multiprocessing.getLogger();
        System.out.println("exitcode=" + p.exitCode().orElseThrow() + " info=" + log.isLoggable(System.Logger.Level.INFO)
                + " warning=" + log.isLoggable(System.Logger.Level.WARNING));
    }

    /** Runs a child with the logger configured at FINE (DEBUG) in the program and in its children. */
    static void configured(Path conf) throws IOException {
        Context ctx = configure(conf);
        Process p = ctx.process(() -> { });
        p.start();
        p.join();
        System.out.println("exitcode=" + p.exitCode().orElseThrow());
    }

    /** A pool whose worker's initializer throws: the worker logs it. */
    static void initializer(Path conf) throws IOException {
        Context ctx = configure(conf);
        try (var pool = ProcessPoolExecutor.builder().maxWorkers(1).context(ctx)
                .initializer(() -> {
                    throw new IllegalStateException("no start today");
                }).build()) {
            Throwable t = pool.submit(() -> 1).exception();
            System.out.println("failed=" + t.getClass().getSimpleName());
        }
    }

    private static Context configure(Path conf) throws IOException {
        Files.writeString(conf, """
                handlers = java.util.logging.ConsoleHandler
                java.util.logging.ConsoleHandler.level = ALL
                java.util.logging.SimpleFormatter.format = LOGGED %4$s %3$s %5$s%6$s%n
                dev.mp4j.multiprocessing.level = FINE
                """);
        System.setProperty("java.util.logging.config.file", conf.toString());
        return Multiprocessing.getContext().withJvmOptions(List.of("-Djava.util.logging.config.file=" + conf,
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir")));
    }
}
