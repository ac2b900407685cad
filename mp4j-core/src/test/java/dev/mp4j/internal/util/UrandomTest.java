package dev.mp4j.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void makesPrivateDirectoriesOfRandomNames(@TempDir Path base) throws IOException {
        Path a = Urandom.privateDirectory(base, "mp4j-x-");
        Path b = Urandom.privateDirectory(base, "mp4j-x-");
        assertNotEquals(a, b);
        for (Path d : new Path[] {a, b}) {
            assertTrue(Files.isDirectory(d));
            assertEquals(base, d.getParent());
            assertTrue(d.getFileName().toString().matches("mp4j-x-[0-9a-f]{16}"), d.toString());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)));
        }
        assertThrows(IOException.class, () -> Urandom.privateDirectory(base.resolve("missing"), "p-"));
    }
}
