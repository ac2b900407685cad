package dev.mp4j.internal.util;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Whether the machine's CPUs are all wanted: a waiter that spins while another thread waits for a CPU takes
 * that thread's CPU (its peer's, a JIT compiler's, another program's) for nothing. Read from the count of
 * runnable threads in {@code /proc/loadavg} (its fourth field, "running/total"), sampled at most once per
 * {@link #SAMPLE_NANOS} by whichever caller comes first; without {@code /proc/loadavg} (not Linux) never
 * crowded.
 *
 * <p>What this changes on 2 CPUs: a manager's client and server each spun while waiting for the other,
 * and during their first thousands of requests both JVMs' JIT compilers wanted a CPU too; the spins took
 * a CPU from them, and those requests ran at about half the speed they run without the spins. Once warm,
 * the two spinning threads are the only runnable ones and keep spinning. A pipe's or queue's reader
 * ({@code Ring}) asks too: on a machine whose other programs kept both CPUs busy, its spins found nothing
 * while its peer waited for the CPU, and a Pipe ping-pong's round trip took 8-12 µs with them, 3-6 µs
 * without. Both ask through a {@link SpinGate}, only once a spin found nothing: a spin that finds data (a
 * queue's consumer behind a busy producer) pays however crowded the CPUs are.
 *
 * <p>Thread-safe: the sample is taken under a lock that a caller only tries; the others use the last one.
 */
public final class CpuCrowd {
    /** How old a sample may be before the next caller takes another. */
    static final long SAMPLE_NANOS = 1_000_000;
    /**
     * The machine's CPUs, which {@code /proc/loadavg}'s count is of: the online CPUs, not the JVM's
     * {@code availableProcessors()}, which a container's quota, a CPU set or {@code -XX:ActiveProcessorCount}
     * lowers while the count still takes in every thread of the machine (a 2-CPU container on a 64-CPU host
     * would otherwise seem crowded by 3 runnable threads of other containers). Without
     * {@code /sys/devices/system/cpu/online}, the JVM's count.
     */
    private static final int CPUS = Math.max(Runtime.getRuntime().availableProcessors(), onlineCpus());
    private static final ReentrantLock SAMPLING = new ReentrantLock();
    /**
     * Open for the life of the JVM: each sample is one read from offset 0. Not a FileChannel, which an
     * interrupted caller would close for good. Null when unavailable.
     */
    private static final RandomAccessFile LOADAVG = open();
    private static final byte[] BUF = new byte[128]; // guarded by SAMPLING
    private static volatile long sampledAt = System.nanoTime() - SAMPLE_NANOS;
    private static volatile boolean crowded;

    private CpuCrowd() {}

    /**
     * One waiter's say in whether it spins before it sleeps: it skips its spin once its last spin found
     * nothing and the CPUs are {@link #crowded}, but still spins on one wait in {@link #PROBE_EVERY}, which
     * finds out when spinning pays again. Guarded by its waiter's lock, or by none where a lost update only
     * moves a probe.
     */
    public static final class SpinGate {
        /** A waiter that skips its spins still spins on one wait in this many: a power of two. */
        static final int PROBE_EVERY = 8;
        private boolean missed;
        private int skipped;

        /** @return whether this wait skips its spin */
        public boolean skip() {
            return missed && crowded() && (++skipped & (PROBE_EVERY - 1)) != 0;
        }

        /** @param found whether the spin found what the waiter waits for */
        public void spun(boolean found) {
            missed = !found;
        }
    }

    private static int onlineCpus() {
        try {
            return cpus(java.nio.file.Files.readString(java.nio.file.Path.of("/sys/devices/system/cpu/online")));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * @param list a CPU list as the kernel writes it, "0-3,8-11" or "0"
     * @return how many CPUs it names, or -1 if it is not such a list
     */
    static int cpus(String list) {
        int n = 0;
        for (String range : list.strip().split(",")) {
            int dash = range.indexOf('-');
            try {
                int first = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
                int last = dash < 0 ? first : Integer.parseInt(range.substring(dash + 1));
                if (first < 0 || last < first) {
                    return -1;
                }
                n += last - first + 1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return n;
    }

    private static RandomAccessFile open() {
        try {
            return new RandomAccessFile("/proc/loadavg", "r");
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /**
     * @return whether, besides the caller, at least as many threads are runnable as there are CPUs (as of a
     *     sample at most about {@link #SAMPLE_NANOS} old)
     */
    public static boolean crowded() {
        if (LOADAVG == null) {
            return false;
        }
        long now = System.nanoTime();
        if (now - sampledAt >= SAMPLE_NANOS && SAMPLING.tryLock()) {
            try {
                sample(now);
            } finally {
                SAMPLING.unlock();
            }
        }
        return crowded;
    }

    private static void sample(long now) {
        int running;
        try {
            LOADAVG.seek(0);
            running = running(BUF, Math.max(LOADAVG.read(BUF), 0));
        } catch (IOException e) {
            running = -1;
        }
        crowded = running - 1 >= CPUS;
        sampledAt = now;
    }

    /**
     * @param text the start of {@code /proc/loadavg}, as "0.52 0.58 0.59 3/143 12345"
     * @param length how many bytes of it were read
     * @return the number before the '/', or -1 if there is none
     */
    static int running(byte[] text, int length) {
        int slash = -1;
        for (int i = 0; i < length; i++) {
            if (text[i] == '/') {
                slash = i;
                break;
            }
        }
        int start = slash;
        while (start > 0 && text[start - 1] >= '0' && text[start - 1] <= '9') {
            start--;
        }
        if (slash < 0 || start == slash) {
            return -1;
        }
        int n = 0;
        for (int i = start; i < slash; i++) {
            n = n * 10 + (text[i] - '0');
        }
        return n;
    }
}
