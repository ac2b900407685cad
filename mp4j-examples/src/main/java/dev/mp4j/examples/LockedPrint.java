package dev.mp4j.examples;

import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.threading.Lock;

import java.util.ArrayList;
import java.util.List;

/**
 * "Synchronization between processes": a cross-process {@link Lock} makes sure that only one child JVM
 * at a time prints to the standard output they share. The lines come in any order, each one whole.
 *
 * <p>Python's example starts ten processes and lets the interpreter wait for them at exit; here four
 * (each is a JVM, and the demo should stay quick) and the parent joins them, so that the demo's next
 * example starts after the last line.
 */
public final class LockedPrint {
    static final int PROCESSES = 4;

    private LockedPrint() {}

    static void f(Lock l, int i) {
        l.acquire();
        try {
            System.out.println("hello world " + i);
            System.out.flush();
        } finally {
            l.release();
        }
    }

    public static void main(String[] args) {
        Lock lock = Multiprocessing.lock();
        List<Process> processes = new ArrayList<>();
        for (int num = 0; num < PROCESSES; num++) {
            int i = num;
            var p = new Process(() -> f(lock, i));
            p.start();
            processes.add(p);
        }
        processes.forEach(Process::join);
    }
}
