package dev.mp4j.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class UrandomTest {
    @Test
    void givesTheBytesAskedForAndNeverTheSameTwice() {
        byte[] a = Urandom.bytes(32);
        byte[] b = Urandom.bytes(32);
        assertEquals(32, a.length);
        assertEquals(0, Urandom.bytes(0).length);
        assertFalse(Arrays.equals(a, b), "two keys of 32 random bytes were equal");
        assertFalse(Arrays.equals(a, new byte[32]), "32 zero bytes");
    }
}
