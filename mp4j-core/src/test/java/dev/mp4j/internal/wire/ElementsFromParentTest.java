package dev.mp4j.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mp4j.function.SerializableFunction;
import java.io.StreamCorruptedException;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A worker's chunk of arguments, read from its parent's stream into an array: {@link Codec#decodeElementsFromParent}. */
@Timeout(30)
class ElementsFromParentTest {
    @Test
    void theElementsComeInAnArrayAsDecodeFromParentReadsTheList() throws Exception {
        List<Object> ints = new ArrayList<>();
        List<Object> strings = new ArrayList<>();
        for (int i = -200; i < 200; i++) {
            ints.add(i * 1_001);
            strings.add("s" + i);
        }
        List<Object> mixed = new ArrayList<>(List.of(1, "two", 3L, new ArrayList<>(List.of(4.0))));
        for (List<Object> list : List.of(ints, strings, mixed, new ArrayList<>())) {
            byte[] b = Codec.encodeList(list.toArray(), 0, list.size(), 5);
            Object[] a = Codec.decodeElementsFromParent(b, 5, b.length - 5);
            assertArrayEquals(list.toArray(), a);
            assertEquals(list, Codec.decodeFromParent(b, 5, b.length - 5));
        }
        byte[] jdk = Codec.encode(new LinkedList<>(List.of(1, new StringBuilder("b"))));
        Object[] a = Codec.decodeElementsFromParent(jdk, 0, jdk.length);
        assertEquals(2, a.length);
        assertEquals("b", a[1].toString());
    }

    @Test
    void aFunctionAmongTheElementsIsReadAsTheParentWroteIt() throws Exception {
        SerializableFunction<Integer, Integer> twice = x -> x * 2;
        byte[] b = Codec.encodeList(new Object[] {twice, 7}, 0, 2, 0);
        Object[] a = Codec.decodeElementsFromParent(b, 0, b.length);
        @SuppressWarnings("unchecked")
        SerializableFunction<Integer, Integer> read = (SerializableFunction<Integer, Integer>) a[0];
        assertEquals(14, read.apply((Integer) a[1]));
    }

    @Test
    void aStreamThatHoldsNoListIsACorruptOne() throws Exception {
        byte[] notAList = Codec.encode("x");
        assertThrows(StreamCorruptedException.class,
                () -> Codec.decodeElementsFromParent(notAList, 0, notAList.length));
        assertThrows(IndexOutOfBoundsException.class, () -> Codec.decodeElementsFromParent(notAList, 1, notAList.length));
    }
}
