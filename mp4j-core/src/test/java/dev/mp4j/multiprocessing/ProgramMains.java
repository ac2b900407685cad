package dev.mp4j.multiprocessing;

import java.util.List;

/**
 * Whole programs for {@link WholeProgramTest}, run in a JVM of their own. The first argument names the
 * scenario. Children that start children of their own get this JVM's temporary directory, so that nothing
 * they leave lands outside the test's directory.
 */
public final class ProgramMains {
    private ProgramMains() {}

    public static void main(String[] args) {
        switch (args[0]) {
            case "non-daemon-child" -> nonDaemonChild(args[1]);
            case "daemon-child" -> daemonChild();
            case "grandchild" -> grandchild();
            case "uncaught" -> uncaught();
            case "log" -> log();
            case "forkserver" -> forkserver();
            case "exit-with-child" -> exitWithChild(args[1]);
            case "unsendable-first" -> unsendableFirst();
            case "on-exit-without-join" -> onExitWithoutJoin();
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /**
     * The program's first start, of a target that captures a value that is not serializable (the first job of
     * a JVM is encoded while its child boots), then a start that works: prints the first's error, the count
     * of this JVM's live child processes after it, and the second's exit code.
     */
    static void unsendableFirst() {
        Object notSerializable = new Object();
        Process bad = new Process(() -> System.out.println(notSerializable));
        try {
            bad.start();
            System.out.println("started");
        } catch (IllegalArgumentException e) {
            System.out.println("refused: " + e.getMessage());
        }
        System.out.println("children " + ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .filter(h -> h.info().command().orElse("").endsWith("java")).count());
        Process good = new Process(() -> { });
        good.start();
        good.join();
        System.out.println("exitcode " + good.exitCode().orElse(-1));
    }

    /** Starts a child, has its exit print a line after 0.1 s, and returns without joining it. */
    static void onExitWithoutJoin() {
        Process p = new Process(() -> Fixtures.sleep(200));
        p.start();
        p.onExit().thenRun(() -> {
            Fixtures.sleep(100); // a callback that takes a while: the JVM must not leave meanwhile
            System.out.println("exit seen");
        });
        System.out.println("main returned");
    }

    /** Starts a non-daemon child that writes {@code file} after 0.5 s, and returns at once. */
    static void nonDaemonChild(String file) {
        Process p = new Process(() -> {
            Fixtures.sleep(500);
            Fixtures.write(file, "done");
        });
        p.start();
        System.out.println("main returned");
    }

    /** Starts a daemon child that sleeps 30 s, prints its pid, and returns. */
    static void daemonChild() {
        Process p = new Process(() -> Fixtures.sleep(30_000));
        p.setDaemon(true);
        p.start();
        System.out.println("child " + p.pid().orElseThrow());
    }

    /** A child that starts a grandchild; both sleep; each pid is printed as soon as it is known. */
    static void grandchild() {
        Context ctx = Multiprocessing.getContext()
                .withJvmOptions(List.of("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir")));
        Process p = ctx.process(() -> {
            Process gc = new Process(() -> Fixtures.sleep(30_000));
            gc.start();
            System.out.println("grandchild " + gc.pid().orElseThrow());
            System.out.flush();
            gc.join();
        });
        p.start();
        System.out.println("child " + p.pid().orElseThrow());
        System.out.flush();
        p.join();
    }

    /** A child whose target throws; prints the exit code. */
    static void uncaught() {
        Process p = new Process(ProcessTest::divideByZero);
        p.start();
        p.join();
        System.out.println(p.name() + " exitcode=" + p.exitCode().orElseThrow());
    }

    /** Logs to stderr from the main process and a child. */
    static void log() {
        Multiprocessing.logToStderr(System.Logger.Level.INFO);
        System.Logger log = Multiprocessing.getLogger();
        log.log(System.Logger.Level.INFO, "hello from main");
        log.log(System.Logger.Level.DEBUG, "below the level");
        Process p = new Process(() -> {
            Multiprocessing.getLogger().log(System.Logger.Level.WARNING, "hello from child");
            Multiprocessing.getLogger().log(System.Logger.Level.DEBUG, "below the level");
        });
        p.start();
        p.join();
        log.log(System.Logger.Level.ERROR, "bye");
        System.out.println(p.name() + " exitcode=" + p.exitCode().orElseThrow());
    }

    /** Runs a process of the forkserver context and returns, leaving the spare JVM that replaced it. */
    static void forkserver() {
        Process p = Multiprocessing.getContext("forkserver").process(() -> System.exit(4));
        p.start();
        p.join();
        System.out.println(p.name() + " exitcode=" + p.exitCode().orElseThrow());
    }

    /** Starts a non-daemon child that writes {@code file} after 0.5 s, then calls System.exit(3). */
    static void exitWithChild(String file) {
        Process p = new Process(() -> {
            Fixtures.sleep(500);
            Fixtures.write(file, "done");
        });
        p.start();
        System.exit(3);
    }
}
