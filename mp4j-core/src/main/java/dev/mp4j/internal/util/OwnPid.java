package dev.mp4j.internal.util;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * This JVM's pid, as {@code ProcessHandle.current().pid()} gives it, read from the kernel's
 * {@code /proc/self/status} where it can be: a fresh JVM's first {@code ProcessHandle} sets up the JDK's
 * process handles (its process reaper's executor, a lambda and the method handles behind it, about a dozen
 * classes loaded or spun: 8-10 ms here), which would otherwise come before a program's first child's exec.
 * The JDK sets them up anyway once that child is started, while it boots.
 */
public final class OwnPid {
    private static volatile long pid;

    private OwnPid() {}

    /** @return this JVM's pid, read the first time */
    public static long get() {
        long p = pid;
        if (p == 0) {
            p = read();
            pid = p;
        }
        return p;
    }

    private static long read() {
        byte[] status = new byte[4096];
        int n;
        try (InputStream in = new FileInputStream("/proc/self/status")) {
            n = in.readNBytes(status, 0, status.length);
        } catch (IOException noProc) {
            n = 0;
        }
        long p = namespacePid(status, n);
        return p > 0 ? p : ProcessHandle.current().pid();
    }

    /**
     * @param status the start of a {@code /proc/PID/status}
     * @param n how many of its bytes were read
     * @return the last pid of its {@code NSpid} line (the process's pid in its own PID namespace, as
     *     {@code getpid()} gives it, where the first is the pid in the namespace {@code /proc} was mounted
     *     for), or -1 without a whole line (an older kernel, or a status cut short)
     */
    public static long namespacePid(byte[] status, int n) {
        byte[] key = "\nNSpid:".getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i + key.length <= n; i++) {
            if (Arrays.equals(status, i, i + key.length, key, 0, key.length)) {
                int end = i + key.length;
                while (end < n && status[end] != '\n') {
                    end++;
                }
                if (end == n) {
                    return -1; // cut short: its last number may be too
                }
                int start = end;
                while (start > i + key.length && status[start - 1] >= '0' && status[start - 1] <= '9') {
                    start--;
                }
                if (start == end || end - start > 18) {
                    return -1;
                }
                long pid = 0;
                for (int d = start; d < end; d++) {
                    pid = pid * 10 + (status[d] - '0');
                }
                return pid;
            }
        }
        return -1;
    }
}
