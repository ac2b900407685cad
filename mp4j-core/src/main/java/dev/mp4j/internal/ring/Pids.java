package dev.mp4j.internal.ring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Process ids as the shared-memory structures store them (a pid fits an {@code int} on Linux and macOS),
 * and whether such a process is still running.
 */
public final class Pids {
    /** This JVM's pid. */
    public static final int SELF = Math.toIntExact(ProcessHandle.current().pid());
    private static final boolean PROC = Files.isDirectory(Path.of("/proc/self"));

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
                String stat = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/stat")), StandardCharsets.US_ASCII);
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
}
