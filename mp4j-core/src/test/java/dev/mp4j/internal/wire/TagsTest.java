package dev.mp4j.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One registry of control-channel tags: no two frames start with the same byte. */
@Timeout(30)
class TagsTest {
    @Test
    void everyTagIsUnique() throws Exception {
        Map<Byte, String> seen = new HashMap<>();
        for (Field f : Tags.class.getDeclaredFields()) {
            int m = f.getModifiers();
            if (f.getType() != byte.class || !Modifier.isStatic(m) || !Modifier.isFinal(m)) {
                continue;
            }
            byte tag = f.getByte(null);
            String before = seen.putIfAbsent(tag, f.getName());
            assertEquals(null, before, f.getName() + " and " + before + " share the tag '" + (char) tag + "'");
        }
        // the launcher's six and the pool's eight
        assertEquals(14, seen.size(), "tags found: " + seen);
    }

    @Test
    void anIntFrameCarriesItsIntBigEndian() {
        byte[] frame = Tags.frame(Tags.EXIT, 0x01020304);
        assertArrayEquals(new byte[] {Tags.EXIT, 1, 2, 3, 4}, frame);
        assertEquals(0x01020304, Tags.intOf(frame));
        assertEquals(-7, Tags.intOf(Tags.frame(Tags.EXIT, -7)));
        assertArrayEquals(new byte[] {Tags.JOB, 9, 8}, Tags.frame(Tags.JOB, new byte[] {9, 8}));
        assertTrue(Tags.frame(Tags.JOB, new byte[0]).length == 1);
    }
}
