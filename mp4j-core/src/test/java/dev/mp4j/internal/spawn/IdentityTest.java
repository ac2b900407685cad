package dev.mp4j.internal.spawn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Names and identities of children, and an adoption that lost its race changes nothing. */
@Timeout(30)
class IdentityTest {
    @Test
    void aChildsIdentityIsItsParentsThenTheNextNumber() {
        Identity.Known parent = new Identity.Known("P", 1, new byte[] {7}, false, new int[] {4, 2});
        int[] first = Identity.childIdentity(parent);
        int[] second = Identity.childIdentity(parent);
        assertArrayEquals(new int[] {4, 2}, java.util.Arrays.copyOf(first, 2));
        assertEquals(3, first.length);
        assertEquals(first[2] + 1, second[2], "one counter numbers them");
        assertArrayEquals(new int[] {4, 2}, parent.identity(), "the parent's stays as it was");
        assertEquals("SpawnPoolWorker-4:2:9", Identity.name("SpawnPoolWorker", new int[] {4, 2, 9}));
        assertEquals("Process-1", Identity.name("Process", new int[] {1}));
        assertSame(parent, parent.known());
    }

    @Test
    void anAdoptionOfAProcessThatIsNoLongerCurrentDoesNothing() {
        Identity.Self current = Identity.self();
        Identity.Known stale = new Identity.Known("stale", 1, new byte[0], false, new int[0]);
        assertFalse(Identity.adopt(stale, stale));
        assertSame(current, Identity.self());
        Identity.Self parent = Identity.parent();
        assertFalse(Identity.adoptParent(stale, stale));
        assertSame(parent, Identity.parent());
    }

    @Test
    void theOwnPidIsTheJdksAndTheStatusLineGivesTheInnermostNamespacesPid() {
        assertEquals(ProcessHandle.current().pid(), Identity.ownPid());
        assertEquals(4321, pid("Name:\tjava\nPid:\t4321\nNSpid:\t4321\nNSpgid:\t4321\n"));
        assertEquals(7, pid("Name:\tjava\nNSpid:\t98765\t120\t7\nNSsid:\t1\n"), "a process in nested namespaces");
        assertEquals(-1, pid("Name:\tjava\nPid:\t4321\n"), "a kernel without the line");
        assertEquals(-1, pid("Name:\tjava\nNSpid:\t43"), "a status cut short within the line");
        assertEquals(-1, pid("Name:\tjava\nNSpid:\t\n"));
    }

    private static long pid(String status) {
        byte[] b = status.getBytes(StandardCharsets.ISO_8859_1);
        byte[] padded = java.util.Arrays.copyOf(b, b.length + 10); // only the first n bytes count
        return Identity.namespacePid(padded, b.length);
    }
}
