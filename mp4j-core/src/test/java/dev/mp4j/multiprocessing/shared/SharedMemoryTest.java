package dev.mp4j.multiprocessing.shared;

import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.SharedMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CPython's _TestSharedMemory, the parts that apply. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedMemoryTest {
    /** Every block a test creates; each must be gone from /dev/shm after the test. */
    private final List<String> names = new ArrayList<>();

    private String newName(String prefix) {
        byte[] b = new byte[6];
        new SecureRandom().nextBytes(b);
        String n = "mp4j-test-" + prefix + "-" + HexFormat.of().formatHex(b);
        names.add(n);
        return n;
    }

    private SharedMemory created(SharedMemory sms) {
        names.add(sms.name());
        return sms;
    }

    @AfterEach
    void nothingIsLeft() {
        for (String n : names) {
            assertFalse(Shm.exists(n), "/dev/shm/" + n + " is still there");
        }
    }

    private static void put(MemorySegment s, String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, 0, b.length);
    }

    private static String take(MemorySegment s, int n) {
        return new String(s.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
    }

    /** test_shared_memory_basics */
    @Test
    void basics() {
        String name = newName("basics");
        SharedMemory sms = SharedMemory.create(name, 512);
        try {
            assertEquals(name, sms.name());
            assertTrue(sms.size() >= 512);
            assertEquals(sms.size(), sms.segment().byteSize());
            assertTrue(Shm.exists(name));
            assertTrue(sms.toString().contains(name), sms.toString());

            // new memory is zero-filled; writes are seen through another attachment
            assertArrayEquals(new byte[512], sms.segment().asSlice(0, 512).toArray(ValueLayout.JAVA_BYTE));
            sms.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 42);
            try (SharedMemory also = SharedMemory.attach(name)) {
                assertEquals(name, also.name());
                assertEquals(sms.size(), also.size());
                assertEquals(42, also.segment().get(ValueLayout.JAVA_BYTE, 0));
                also.segment().set(ValueLayout.JAVA_BYTE, 1, (byte) 7);
            }
            assertEquals(7, sms.segment().get(ValueLayout.JAVA_BYTE, 1));

            // a second create of the name: FileExistsError
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> SharedMemory.create(name, 512));
            assertInstanceOf(FileAlreadyExistsException.class, e.getCause());
            assertTrue(e.getMessage().contains(name), e.getMessage());
        } finally {
            sms.close();
            sms.unlink();
        }
        assertFalse(Shm.exists(name));
    }

    /** test_shared_memory_basics: sizes must be positive, names must exist and be well formed. */
    @Test
    void badSizesAndNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SharedMemory.create(null, -1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.create(null, 0));
        assertThrows(IllegalArgumentException.class, () -> Multiprocessing.sharedMemory(0));
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.create("a\0b", 10));
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.create("../etc", 10));
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.attach("with/slash"));

        String missing = newName("notthere");
        UncheckedIOException u = assertThrows(UncheckedIOException.class, () -> SharedMemory.attach(missing));
        assertInstanceOf(NoSuchFileException.class, u.getCause());
        assertTrue(u.getMessage().contains(missing), u.getMessage());
    }

    /** test_shared_memory_basics: POSIX shared memory can be unlinked only once. */
    @Test
    void unlinkingTwiceFails() {
        String name = newName("dblunlink");
        SharedMemory uno = SharedMemory.create(name, 5000);
        assertTrue(uno.size() >= 5000);
        SharedMemory duo = SharedMemory.attach(name);
        duo.unlink();
        assertFalse(Shm.exists(name));
        duo.close();
        UncheckedIOException e = assertThrows(UncheckedIOException.class, uno::unlink);
        assertInstanceOf(NoSuchFileException.class, e.getCause());
        assertTrue(e.getMessage().contains(name), e.getMessage());
        // the first handle's mapping is still valid after the unlink
        uno.segment().set(ValueLayout.JAVA_INT, 0, 12);
        assertEquals(12, uno.segment().get(ValueLayout.JAVA_INT, 0));
        uno.close();
        assertThrows(UncheckedIOException.class, () -> SharedMemory.attach(name));
    }

    @Test
    void closeIsIdempotentAndEndsTheView() {
        SharedMemory sms = created(SharedMemory.create(null, 64));
        MemorySegment view = sms.segment();
        view.set(ValueLayout.JAVA_LONG, 8, 5L);
        sms.close();
        sms.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, sms::segment);
        assertTrue(e.getMessage().contains(sms.name()), e.getMessage());
        assertThrows(IllegalStateException.class, () -> view.get(ValueLayout.JAVA_LONG, 8));
        assertEquals(64, sms.size());
        assertTrue(sms.toString().contains("closed"), sms.toString());
        // the block itself lives on until unlinked
        try (SharedMemory again = SharedMemory.attach(sms.name())) {
            assertEquals(5L, again.segment().get(ValueLayout.JAVA_LONG, 8));
        }
        sms.unlink();
    }

    /** Fresh names are unique (test_shared_memory_recreate's concern) and valid for attach. */
    @Test
    void freshNamesAreUnique() {
        Set<String> seen = new HashSet<>();
        List<SharedMemory> all = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                SharedMemory sms = created(i % 2 == 0 ? SharedMemory.create(null, 1) : Multiprocessing.sharedMemory(1));
                all.add(sms);
                assertTrue(seen.add(sms.name()), "name given twice: " + sms.name());
                assertTrue(sms.name().startsWith("mp4j-"), sms.name());
            }
        } finally {
            for (SharedMemory sms : all) {
                sms.close();
                sms.unlink();
            }
        }
        assertEquals(50, seen.size());
    }

    /** A handle sent elsewhere carries the name and attaches; the bytes are not copied. */
    @Test
    void aSerializedHandleAttaches() {
        SharedMemory sms = created(SharedMemory.create(null, 16));
        try {
            put(sms.segment(), "before");
            SharedMemory copy = Shm.roundTrip(sms);
            try (copy) {
                assertEquals(sms.name(), copy.name());
                assertEquals(16, copy.size());
                assertNotEquals(sms.segment().address(), copy.segment().address(), "a mapping of its own");
                assertEquals("before", take(copy.segment(), 6));
                put(copy.segment(), "after!");
                assertEquals("after!", take(sms.segment(), 6));
            }
            assertTrue(Shm.exists(sms.name()), "closing a copy leaves the block");
        } finally {
            sms.close();
            sms.unlink();
        }
        // test_shared_memory_pickle_unpickle_dead_object: an unlinked block cannot be received
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Shm.roundTrip(sms));
        assertInstanceOf(NoSuchFileException.class, e.getCause());
    }

    /** test_shared_memory_across_processes: by name and by handle, a child writes what the parent reads. */
    @Test
    void acrossProcesses() {
        SharedMemory sms = created(SharedMemory.create(null, 512));
        try {
            String name = sms.name();
            Shm.inChild(() -> {
                try (SharedMemory byName = SharedMemory.attach(name)) {
                    put(byName.segment(), "howdy");
                }
                try (sms) {
                    if (!take(sms.segment(), 5).equals("howdy")) {
                        throw new AssertionError("the handle sees " + take(sms.segment(), 5));
                    }
                    put(sms.segment().asSlice(5), "HELLO");
                }
            });
            assertEquals("howdyHELLO", take(sms.segment(), 10));
            assertTrue(Shm.exists(name), "a child's close leaves the block");
        } finally {
            sms.close();
            sms.unlink();
        }
    }

    /** Any process may unlink, as in Python. */
    @Test
    void aChildMayUnlink() {
        SharedMemory sms = created(SharedMemory.create(null, 8));
        try {
            Shm.inChild(() -> {
                try (sms) {
                    sms.segment().set(ValueLayout.JAVA_LONG, 0, 77L);
                    sms.unlink();
                }
            });
            assertFalse(Shm.exists(sms.name()));
            assertEquals(77L, sms.segment().get(ValueLayout.JAVA_LONG, 0));
            assertThrows(UncheckedIOException.class, sms::unlink);
        } finally {
            sms.close();
        }
    }
}
