package dev.mp4j.internal.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The names a segment may have: letters, digits, '.', '_' and '-', not starting with '.', after an optional '/'. */
@Timeout(30)
class SegmentNameTest {
    @Test
    void namesOutsideThePortableSetAreRefused() {
        for (String bad : new String[] {"", "/", ".hidden", "a b", "a/b", "\u00e4", "x".repeat(201), "semi;colon"}) {
            assertThrows(IllegalArgumentException.class, () -> Segment.create(bad, 64), bad);
        }
    }

    @Test
    void aPortableNameIsMadeAndALeadingSlashDropped() {
        String name = Segment.freshName().concat("-A_z.9");
        try (Segment s = Segment.create("/".concat(name), 64)) {
            assertEquals(name, s.name());
            assertTrue(Files.exists(Path.of("/dev/shm", name)));
            try (Segment again = Segment.attach(name)) {
                assertEquals(64, again.size());
            }
        } finally {
            Segment.unlink(name);
        }
        assertFalse(Files.exists(Path.of("/dev/shm", name)));
    }
}
