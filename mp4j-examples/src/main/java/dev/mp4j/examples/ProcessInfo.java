package dev.mp4j.examples;

import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;

/**
 * The "expanded example" of Python's {@code multiprocessing} documentation: the main JVM and its child
 * each print who they are. Python's module name becomes the class name (the same in both JVMs), and
 * {@code os.getppid()} / {@code os.getpid()} become {@link Multiprocessing#parentProcess()} and
 * {@link Multiprocessing#currentProcess()}. The main JVM has no parent process in mp4j's sense, so it
 * prints the pid of whatever started it, as {@code os.getppid()} does.
 */
public final class ProcessInfo {
    private ProcessInfo() {}

    static void info(String title) {
        System.out.println(title);
        System.out.println("module name: " + ProcessInfo.class.getName());
        System.out.println("process name: " + Multiprocessing.currentProcess().name());
        System.out.println("parent process: " + parentPid());
        System.out.println("process id: " + Multiprocessing.currentProcess().pid().orElseThrow());
    }

    static void f(String name) {
        info("function f");
        System.out.println("hello " + name);
        System.out.flush();
    }

    /** {@code os.getppid()}. */
    private static long parentPid() {
        Process parent = Multiprocessing.parentProcess();
        if (parent != null) {
            return parent.pid().orElseThrow();
        }
        return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
    }

    public static void main(String[] args) {
        info("main line");
        var p = new Process(() -> f("bob"));
        p.start();
        p.join();
    }
}
