package dev.mp4j.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** This JVM's pid as {@code /proc/self/status} gives it: the innermost PID namespace's. */
class OwnPidTest {
    @Test
    void theOwnPidIsTheJdksAndTheStatusLineGivesTheInnermostNamespacesPid() {
        assertEquals(ProcessHandle.current().pid(), OwnPid.get());
        assertEquals(4321, pid("Name:\tjava\nPid:\t4321\nNSpid:\t4321\nNSpgid:\t4321\n"));
        assertEquals(7, pid("Name:\tjava\nNSpid:\t98765\t120\t7\nNSsid:\t1\n"), "a process in nested namespaces");
        assertEquals(-1, pid("Name:\tjava\nPid:\t4321\n"), "a kernel without the line");
        assertEquals(-1, pid("Name:\tjava\nNSpid:\t43"), "a status cut short within the line");
        assertEquals(-1, pid("Name:\tjava\nNSpid:\t\n"));
    }

    private static long pid(String status) {
        byte[] b = status.getBytes(StandardCharsets.ISO_8859_1);
        byte[] padded = java.util.Arrays.copyOf(b, b.length + 10); // only the first n bytes count
        return OwnPid.namespacePid(padded, b.length);
    }
}
