package dev.mp4j.multiprocessing.pool;

import dev.mp4j.multiprocessing.Multiprocessing;

import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;

/** What the pool tests' tasks do (CPython's sqr, mul, raising ...), in a worker JVM or on a worker thread. */
final class Work {
    private Work() {}

    static int sqr(int x) {
        return x * x;
    }

    /** CPython's sqr(x, wait): sleeps (the workload) then squares. */
    static int sqr(int x, long waitMillis) {
        sleep(waitMillis);
        return x * x;
    }

    /** @return the full collections this JVM has made (Serial's or G1's old-generation collector) */
    static long fullCollections() {
        long n = 0;
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc.getName().equals("MarkSweepCompact") || gc.getName().equals("G1 Old Generation")) {
                n += gc.getCollectionCount();
            }
        }
        return n;
    }

    /** 64 bytes that only {@code x} makes. */
    static byte[] pattern(int x) {
        byte[] b = new byte[64];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (x * 31 + i);
        }
        return b;
    }

    static int mul(int a, int b) {
        return a * b;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sleeping", e);
        }
    }

    /** @return the pid of the JVM the task runs in */
    static long pid() {
        return ProcessHandle.current().pid();
    }

    /** Starts a non-daemon thread that sleeps until interrupted. @return this process's pid */
    static long leaveAThreadRunning() {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                // the end
            }
        }, "left-running");
        t.setDaemon(false);
        t.start();
        return ProcessHandle.current().pid();
    }

    /** @return the current process's name (a worker's, in a worker JVM) */
    static String processName() {
        return Multiprocessing.currentProcess().name();
    }

    /** CPython's raising(): raises KeyError(123); ours an IllegalStateException. */
    static int raising() {
        throw new IllegalStateException("123");
    }

    /** A checked exception, which get() wraps in CompletionException. */
    static int raisingChecked() throws IOException {
        throw new IOException("checked 123");
    }

    /** Kills its own JVM with SIGKILL, then waits to be gone. */
    static int killSelf() throws Exception {
        new ProcessBuilder("kill", "-9", Long.toString(pid())).inheritIO().start().waitFor();
        Thread.sleep(10_000);
        return -1;
    }

    static List<Integer> range(int n) {
        List<Integer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }

    static List<Integer> squares(int n) {
        List<Integer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(i * i);
        }
        return out;
    }

    /** CPython's SayWhenError. */
    static final class SayWhenError extends RuntimeException {
        @Serial
        private static final long serialVersionUID = 1L;

        SayWhenError(String message) {
            super(message);
        }
    }

    /** CPython's exception_throwing_generator(total, when): yields 0..total-1, raising at {@code when}. */
    static Iterable<Integer> throwingAt(int total, int when) {
        return () -> new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < total;
            }

            @Override
            public Integer next() {
                if (i >= total) {
                    throw new NoSuchElementException();
                }
                if (i == when) {
                    throw new SayWhenError("Somebody said when");
                }
                return i++;
            }
        };
    }

    /** An endless iterable 0, 1, 2 ... that counts how many items were taken from it. */
    static Iterable<Integer> endless(AtomicInteger taken) {
        return () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                return taken.getAndIncrement();
            }
        };
    }

    /** Something that cannot be serialized (CPython's unpicklable object). */
    static final class Unserializable {
        final Thread thread = Thread.currentThread();

        @Override
        public String toString() {
            return "Unserializable";
        }
    }

    /** A serializable result whose field cannot be serialized: it fails in the worker, on the way back. */
    static final class BadResult implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        @SuppressWarnings("serial")
        final Object inside = new Unserializable();
    }
}
