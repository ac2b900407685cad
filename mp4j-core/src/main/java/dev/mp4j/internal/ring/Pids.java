package dev.mp4j.internal.ring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Process ids as the shared-memory structures store them (a pid fits an {@code int} on Linux and macOS),
 * whether such a process is still running, and its start time, which tells a process from a later one
 * that got the same pid.
 */
public final class Pids {
    /** This JVM's pid. */
    public static final int SELF = Math.toIntExact(ProcessHandle.current().pid());
    private static final boolean PROC = Files.isDirectory(Path.of("/proc/self"));
    /** This JVM's start time as {@link #startTime(int)} gives it. */
    public static final int SELF_START = startTime(SELF);

    private Pids() {}

    /**
     * Whether a process runs. A zombie (ended, not yet reaped by its parent) counts as dead, which
     * {@link ProcessHandle#isAlive()} does not do. A reused pid is taken for the old process: pids are not
     * reused while the old one is a zombie, and the window after that is accepted.
     *
     * @param pid a pid, at least 1
     * @return whether it is running
     */
    public static boolean alive(int pid) {
        if (pid <= 0) {
            return false;
        }
        if (pid == SELF) {
            return true;
        }
        if (PROC) {
            try {
                String stat = new String(Files.readAllBytes(statPath(pid)), StandardCharsets.US_ASCII);
                int close = stat.lastIndexOf(')');
                if (close < 0 || close + 2 >= stat.length()) {
                    return true;
                }
                char state = stat.charAt(close + 2);
                return state != 'Z' && state != 'X' && state != 'x';
            } catch (NoSuchFileException e) {
                return false;
            } catch (IOException e) {
                // fall through to the portable check
            }
        }
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * A process's start time, folded to a non-zero {@code int}: on Linux the clock ticks since boot of
     * {@code /proc/PID/stat}, elsewhere the milliseconds of {@link ProcessHandle.Info#startInstant()}. Two
     * processes that had the same pid one after the other have different start times.
     *
     * @param pid a pid
     * @return its start time, or 0 when it is not running or its start time is unknown
     */
    public static int startTime(int pid) {
        if (pid <= 0) {
            return 0;
        }
        if (PROC) {
            String stat = stat(pid);
            if (stat == null) {
                return 0;
            }
            long ticks = field(stat, 22);
            return ticks < 0 ? 0 : fold(ticks);
        }
        return ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).map(t -> fold(t.toEpochMilli())).orElse(0);
    }

    /**
     * Whether the process that recorded itself as {@code pid} with start time {@code start} still runs: the
     * pid runs, is not a zombie, and (when {@code start} is known) started at {@code start}.
     *
     * @param pid a recorded pid
     * @param start the recorded start time, or 0 when it was not (yet) recorded
     * @return whether that process runs
     */
    public static boolean alive(int pid, int start) {
        if (pid == SELF) {
            return start == 0 || start == SELF_START;
        }
        if (!alive(pid)) {
            return false;
        }
        if (start == 0) {
            return true;
        }
        int now = startTime(pid);
        return now == 0 ? alive(pid) : now == start;
    }

    private static int fold(long t) {
        int f = (int) (t ^ (t >>> 32));
        return f == 0 ? 1 : f;
    }

    /** concat, not +: javac's indy concat links its call site at the first run, a fresh JVM's first get */
    private static Path statPath(int pid) {
        return Path.of("/proc/".concat(Integer.toString(pid)).concat("/stat"));
    }

    private static String stat(int pid) {
        try {
            return new String(Files.readAllBytes(statPath(pid)), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return null;
        }
    }

    /** @return field {@code n} (1-based, as proc(5) numbers them) of a stat line, or -1 */
    private static long field(String stat, int n) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return -1;
        }
        String[] rest = stat.substring(close + 2).split(" ");
        int i = n - 3; // fields 1 (pid) and 2 (comm) precede the parenthesis' end
        if (i < 0 || i >= rest.length) {
            return -1;
        }
        try {
            return Long.parseLong(rest[i]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
