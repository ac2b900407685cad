package dev.mp4j.multiprocessing.shared;

import dev.mp4j.multiprocessing.ShareableList;
import dev.mp4j.multiprocessing.SharedMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CPython's _TestSharedMemory cases on ShareableList, and its byte layout read back field by field. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShareableListTest {
    private final List<String> names = new ArrayList<>();

    private ShareableList made(ShareableList sl) {
        names.add(sl.name());
        return sl;
    }

    private String newName(String prefix) {
        byte[] b = new byte[6];
        new SecureRandom().nextBytes(b);
        String n = "mp4j-test-" + prefix + "-" + HexFormat.of().formatHex(b);
        names.add(n);
        return n;
    }

    @AfterEach
    void unlinkAll() {
        for (String n : names) {
            if (Shm.exists(n)) {
                SharedMemory.attach(n).unlink();
            }
        }
    }

    private static List<Object> howdy() {
        return Arrays.asList("howdy", "HoWdY".getBytes(), -273.154, 100, null, true, 42);
    }

    /** test_shared_memory_ShareableList_basics */
    @Test
    void basics() {
        ShareableList sl = made(new ShareableList(howdy()));
        assertTrue(sl.toString().contains(sl.name()), sl.toString());
        assertTrue(sl.toString().contains("'howdy', byte[5], Double -273.154, Long 100, null, Boolean true, Long 42"),
                sl.toString());

        assertThrows(IndexOutOfBoundsException.class, () -> sl.get(7));
        assertThrows(IndexOutOfBoundsException.class, () -> sl.set(7, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> sl.get(-1));

        // assign a value without a format change (str -> str)
        sl.set(0, "howdy");
        assertEquals("8s8sdqxxxxxx?xxxxxxxx?q", sl.format());
        assertEquals(7, sl.size());

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> sl.index("100"));
        assertTrue(missing.getMessage().contains("'100'"), missing.getMessage());
        assertEquals(3, sl.index(100));
        assertEquals(3, sl.index(100L));

        assertEquals("howdy", sl.get(0));
        assertEquals(true, sl.get(5));
        assertEquals(List.of("howdy", -273.154, 100L, true, 42L),
                List.of(sl.get(0), sl.get(2), sl.get(3), sl.get(5), sl.get(6)));
        assertArrayEquals("HoWdY".getBytes(), (byte[]) sl.get(1));
        assertNull(sl.get(4));
        assertInstanceOf(Long.class, sl.get(6), "integers read back as Long");

        // modify items, changing a type
        sl.set(3, 42);
        assertEquals(42L, sl.get(3));
        sl.set(4, "some");
        assertEquals("some", sl.get(4));
        assertEquals("8s8sdq8sxxxxxxx?q", sl.format());
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class, () -> sl.set(4, "far too many"));
        assertTrue(tooLong.getMessage().contains("'far too many'") && tooLong.getMessage().contains("8"),
                tooLong.getMessage());
        assertEquals("some", sl.get(4), "nothing half-written");
        assertEquals("8s8sdq8sxxxxxxx?q", sl.format());
        sl.set(0, "encodés");   // exactly 8 bytes of UTF-8
        assertEquals("encodés", sl.get(0));
        assertArrayEquals("HoWdY".getBytes(), (byte[]) sl.get(1), "no spillage");
        assertThrows(IllegalArgumentException.class, () -> sl.set(0, "encodées"));   // 9 bytes
        assertEquals("encodés", sl.get(0));
        assertArrayEquals("HoWdY".getBytes(), (byte[]) sl.get(1));
        assertThrows(IllegalArgumentException.class, () -> sl.set(1, "123456789".getBytes()));
        assertArrayEquals("HoWdY".getBytes(), (byte[]) sl.get(1));

        assertEquals(2, sl.count(42));
        assertEquals(1, sl.count("HoWdY".getBytes()));
        assertEquals(0, sl.count("adios".getBytes()));

        // a duplicate under a given name
        String dup = newName("dup");
        try (ShareableList copy = new ShareableList(sl.toList(), dup)) {
            assertNotEquals(sl.name(), copy.name());
            assertEquals(dup, copy.name());
            assertEquals(sl.toString().replace(sl.name(), dup), copy.toString());
            assertEquals(sl.format(), copy.format());
            copy.set(6, 77);
            assertEquals(77L, copy.get(6));
            assertNotEquals(77L, sl.get(6));
        }

        // a second handle on the same list
        try (ShareableList tethered = ShareableList.attach(sl.name())) {
            assertEquals(sl.name(), tethered.name());
            tethered.set(6, 880);
            assertEquals(880L, sl.get(6));
        }
        sl.close();

        // an empty list
        try (ShareableList empty = made(new ShareableList(List.of()))) {
            assertEquals(0, empty.size());
            assertEquals("", empty.format());
            assertEquals(0, empty.count("any"));
            assertThrows(IllegalArgumentException.class, () -> empty.index(null));
            assertEquals(16, empty.shm().size());
            assertFalse(empty.iterator().hasNext());
        }
    }

    /** test_shared_memory_ShareableList_pickling: a serialized list travels as its name and attaches. */
    @Test
    void aSerializedListAttaches() {
        ShareableList sl = made(new ShareableList(IntStream.range(0, 10).boxed().toList()));
        ShareableList copy = Shm.roundTrip(sl);
        assertEquals(9L, copy.get(9));
        assertNotEquals(System.identityHashCode(sl), System.identityHashCode(copy));
        copy.set(4, "changed");
        assertEquals("changed", sl.get(4));
        sl.set(3, "newvalue");
        assertEquals("newvalue", copy.get(3));
        copy.close();

        // test_shared_memory_ShareableList_pickling_dead_object
        sl.close();
        sl.unlink();
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Shm.roundTrip(sl));
        assertInstanceOf(NoSuchFileException.class, e.getCause());
    }

    /** test_shared_memory_across_processes, with a list: a child changes it, the parent sees it. */
    @Test
    void aChildChangesTheList() {
        ShareableList sl = made(new ShareableList(List.of(1, "one", 2.0)));
        Shm.inChild(() -> {
            sl.set(0, (Long) sl.get(0) + 10);
            sl.set(1, "eleven");
            sl.close();
        });
        assertEquals(List.of(11L, "eleven", 2.0), sl.toList());
        sl.close();
    }

    /** The bytes are CPython's, field by field (Lib/multiprocessing/shared_memory.py, 3.9 and later). */
    @Test
    void theLayoutIsCPythons() {
        ShareableList sl = made(new ShareableList(Arrays.asList(7, "héllo wörld", null, false, 0.5, new byte[8])));
        MemorySegment m = sl.shm().segment();
        ValueLayout.OfLong q = ValueLayout.JAVA_LONG_UNALIGNED;
        int n = 6;
        assertEquals(n, m.get(q, 0));
        // slots: 8, "héllo wörld" is 13 UTF-8 bytes -> 16, 8, 8, 8, 8 bytes -> 16
        long[] offsets = {0, 8, 24, 32, 40, 48, 64};
        for (int i = 0; i <= n; i++) {
            assertEquals(offsets[i], m.get(q, 8 + 8L * i), "offset " + i);
        }
        long data = 8L * (n + 2);
        assertEquals(7, m.get(q, data));
        assertEquals("héllo wörld", new String(m.asSlice(data + 8, 13).toArray(ValueLayout.JAVA_BYTE),
                java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(0, m.get(ValueLayout.JAVA_BYTE, data + 8 + 13), "NUL-padded");
        assertEquals(0.5, m.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, data + 40));
        long formats = data + 64;
        String seven = "\0".repeat(7);
        String five = "\0".repeat(5);
        assertEquals("q" + seven + "16s" + five + "xxxxxx?x" + "xxxxxxx?" + "d" + seven + "16s" + five,
                new String(m.asSlice(formats, 8L * n).toArray(ValueLayout.JAVA_BYTE),
                        java.nio.charset.StandardCharsets.US_ASCII));
        assertArrayEquals(new byte[] {0, 1, 3, 0, 0, 2}, m.asSlice(formats + 8L * n, n).toArray(ValueLayout.JAVA_BYTE));
        assertEquals(formats + 9L * n, sl.shm().size(), "exactly struct.calcsize of the whole");
        sl.set(3, true);
        assertEquals(1, m.get(ValueLayout.JAVA_BYTE, data + 32 + 7));
        assertEquals("q16sxxxxxx?xxxxxxxx?d16s", sl.format());
        sl.close();
    }

    @Test
    void unsupportedItemsAreRefusedByNameAndMakeNothing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ShareableList(List.of(1, 2.5f), newName("bad")));
        assertTrue(e.getMessage().contains("item 1") && e.getMessage().contains("Float 2.5"), e.getMessage());
        assertFalse(Shm.exists(names.getLast()), "no block made for a bad list");
        assertThrows(IllegalArgumentException.class, () -> new ShareableList(List.of(List.of())));
        assertThrows(NullPointerException.class, () -> new ShareableList(null));

        ShareableList sl = made(new ShareableList(List.of(1)));
        IllegalArgumentException set = assertThrows(IllegalArgumentException.class, () -> sl.set(0, new Object()));
        assertTrue(set.getMessage().contains("item 0"), set.getMessage());
        assertEquals(1L, sl.get(0));
        assertEquals("q", sl.format());
        sl.close();
    }

    /**
     * Slots: CPython's (characters), or by the UTF-8 form where CPython's would truncate; values of other
     * types fit any slot; a string fits by its UTF-8 form; trailing NULs go, as in CPython.
     */
    @Test
    void slotsAndTypes() {
        try (ShareableList wide = made(new ShareableList(List.of("€€€€€", "€€€€€€€€")))) {
            assertEquals("16s32s", wide.format(), "5 characters (15 bytes); 8 characters (24 bytes)");
            assertEquals(List.of("€€€€€", "€€€€€€€€"), wide.toList());
        }
        ShareableList sl = made(new ShareableList(Arrays.asList(null, "", "12345678", Long.MIN_VALUE)));
        assertEquals("xxxxxx?x8s16sq", sl.format(), "an empty string takes 8 bytes, 8 bytes take 16");
        sl.set(0, "8 bytes!");
        sl.set(1, 3.25);
        assertEquals(3.25, sl.get(1));
        sl.set(1, "é");
        sl.set(2, "€€€€€");   // 15 UTF-8 bytes in a 16-byte slot
        assertEquals(Arrays.asList("8 bytes!", "é", "€€€€€", Long.MIN_VALUE), sl.toList());
        assertThrows(IllegalArgumentException.class, () -> sl.set(2, "€€€€€€"));
        sl.set(3, new byte[] {1, 0, 2, 0, 0});
        assertArrayEquals(new byte[] {1, 0, 2}, (byte[]) sl.get(3));
        sl.set(3, null);
        assertNull(sl.get(3));
        assertEquals(1, sl.count(null));
        assertEquals(3, sl.index(null));
        sl.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> sl.get(0));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    }

    @Test
    void namesWorkWithAndWithoutTheLeadingSlash() {
        String name = newName("slash");
        try (ShareableList sl = new ShareableList(List.of("x"), "/" + name)) {
            assertEquals(name, sl.name());
            try (ShareableList again = ShareableList.attach("/" + name)) {
                assertEquals("x", again.get(0));
            }
        }
        UncheckedIOException exists = assertThrows(UncheckedIOException.class,
                () -> new ShareableList(List.of(1), name));
        assertInstanceOf(FileAlreadyExistsException.class, exists.getCause());
        UncheckedIOException none = assertThrows(UncheckedIOException.class,
                () -> ShareableList.attach(name + "-none"));
        assertInstanceOf(NoSuchFileException.class, none.getCause());
    }

    /** A block that is not a list (or CPython 3.8's older layout) is refused with the reason. */
    @Test
    void aBlockThatIsNotAListIsRefused() {
        String name = newName("notalist");
        try (SharedMemory shm = SharedMemory.create(name, 64)) {
            shm.segment().set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 1000);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShareableList.attach(name));
            assertTrue(e.getMessage().contains(name) && e.getMessage().contains("1000"), e.getMessage());
            // CPython 3.8: count 1, then the slot's size (8) where 3.9+ has offset 0
            shm.segment().set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 1);
            shm.segment().set(ValueLayout.JAVA_LONG_UNALIGNED, 8, 8);
            e = assertThrows(IllegalArgumentException.class, () -> ShareableList.attach(name));
            assertTrue(e.getMessage().contains("3.8"), e.getMessage());
        }
        try (SharedMemory tiny = SharedMemory.create(newName("tiny"), 8)) {
            assertThrows(IllegalArgumentException.class, () -> ShareableList.attach(tiny.name()));
        }
    }
}
