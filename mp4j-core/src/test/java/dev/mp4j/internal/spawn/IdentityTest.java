package dev.mp4j.internal.spawn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

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
}
