package dev.mp4j.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.ObjectInputFilter;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Codec#DEFAULT_FILTER} decides as the JDK's pattern filter of the same limits does, and
 * {@link Codec#decodeFromParent} reads both forms.
 */
class DefaultFilterTest {
    private static final ObjectInputFilter JDK =
            ObjectInputFilter.Config.createFilter("maxdepth=10000;maxrefs=50000000;maxarray=2147483639");

    private record Info(Class<?> serialClass, long arrayLength, long depth, long references, long streamBytes)
            implements ObjectInputFilter.FilterInfo {
    }

    @Test
    void theDefaultLimitsDecideAsTheJdksPatternFilterDoes() {
        Class<?>[] classes = {null, String.class, int[].class, Object[][].class, ArrayList.class};
        long[] lengths = {-1, 0, 2147483639L, 2147483640L, Long.MAX_VALUE};
        long[] depths = {-1, 0, 1, 10_000, 10_001};
        long[] refs = {-1, 0, 50_000_000, 50_000_001};
        long[] bytes = {-1, 0, 1L << 40};
        int cases = 0;
        for (Class<?> c : classes) {
            for (long n : lengths) {
                for (long d : depths) {
                    for (long r : refs) {
                        for (long b : bytes) {
                            Info info = new Info(c, n, d, r, b);
                            assertEquals(JDK.checkInput(info), Codec.DEFAULT_FILTER.checkInput(info), info.toString());
                            cases++;
                        }
                    }
                }
            }
        }
        assertEquals(5 * 5 * 5 * 4 * 3, cases);
        assertEquals(JDK.toString(), Codec.DEFAULT_FILTER.toString());
    }

    @Test
    void whatTheParentSentIsReadInBothForms() throws Exception {
        Object fast = List.of(1, "two", Map.of("k", 3L));
        Object jdk = new LinkedList<>(List.of("a", "b")); // not in the fast form: JDK serialization
        assertEquals(FastFormat.MAGIC, Codec.encode(fast)[0]);
        assertEquals((byte) 0xAC, Codec.encode(jdk)[0]);
        assertEquals(fast, Codec.decodeFromParent(Codec.encode(fast)));
        assertEquals(jdk, Codec.decodeFromParent(Codec.encode(jdk)));
    }

    @Test
    void aCorruptFormIsAnIoException() throws Exception {
        byte[] bytes = Codec.encode(List.of("some", "strings", "here"));
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 3);
        assertInstanceOf(IOException.class, assertThrows(Exception.class, () -> Codec.decodeFromParent(cut)));
        byte[] bad = bytes.clone();
        bad[1] = (byte) 0x7f; // no such tag
        assertInstanceOf(IOException.class, assertThrows(Exception.class, () -> Codec.decodeFromParent(bad)));
    }
}
