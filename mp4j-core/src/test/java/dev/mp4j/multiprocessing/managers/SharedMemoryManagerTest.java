package dev.mp4j.multiprocessing.managers;

import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.ShareableList;
import dev.mp4j.multiprocessing.SharedMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CPython's test_shared_memory_SharedMemoryManager_basics and what surrounds it. */
@Timeout(120)
class SharedMemoryManagerTest {
    private static boolean exists(String name) {
        return Files.exists(Path.of("/dev/shm", name));
    }

    private static void assertGone(String name) {
        assertFalse(exists(name), "/dev/shm/" + name + " is still there");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> SharedMemory.attach(name));
        assertInstanceOf(NoSuchFileException.class, e.getCause());
    }

    /** test_shared_memory_SharedMemoryManager_basics */
    @Test
    void basics() {
        SharedMemoryManager smm1 = new SharedMemoryManager();
        IllegalStateException early = assertThrows(IllegalStateException.class, () -> smm1.sharedMemory(9));
        assertTrue(early.getMessage().contains("not been started"), early.getMessage());
        assertThrows(IllegalStateException.class, () -> smm1.shareableList(List.of()));
        smm1.start();
        List<ShareableList> lol = new ArrayList<>();
        for (int i = 5; i < 10; i++) {
            lol.add(smm1.shareableList(IntStream.range(0, i).boxed().toList()));
        }
        List<SharedMemory> lom = new ArrayList<>();
        for (int j = 32; j < 128; j += 16) {
            lom.add(smm1.sharedMemory(j));
        }
        try (ShareableList doppelganger = ShareableList.attach(lol.get(0).name());
             SharedMemory doppelgangerShm = SharedMemory.attach(lom.get(0).name())) {
            assertEquals(5, doppelganger.size());
            assertTrue(doppelgangerShm.size() >= 32);
        }
        List<String> held = new ArrayList<>();
        lol.forEach(sl -> held.add(sl.name()));
        lom.forEach(shm -> held.add(shm.name()));
        smm1.shutdown();
        for (String name : held) {
            assertGone(name);
        }
        assertEquals(4L, lol.get(0).get(4), "a mapping stays valid after the unlink");
        lol.forEach(ShareableList::close);
        lom.forEach(SharedMemory::close);
        IllegalStateException late = assertThrows(IllegalStateException.class, () -> smm1.sharedMemory(9));
        assertTrue(late.getMessage().contains("shut down"), late.getMessage());
        smm1.shutdown();   // idempotent

        String heldList;
        String heldShm;
        try (SharedMemoryManager smm2 = new SharedMemoryManager()) {
            smm2.start();
            ShareableList sl = smm2.shareableList(List.of("h", "o", "w", "d", "y"));
            SharedMemory shm = smm2.sharedMemory(128);
            heldList = sl.name();
            heldShm = shm.name();
            assertEquals("h", sl.get(0));
            sl.close();
            shm.close();
        }
        assertGone(heldList);
        assertGone(heldShm);
    }

    /** What the manager makes is shared: a child attaches to both, writes, and the parent reads. */
    @Test
    void childrenShareWhatTheManagerMade() {
        try (SharedMemoryManager smm = new SharedMemoryManager()) {
            smm.start();
            ShareableList sl = smm.shareableList(Arrays.asList(0, "", null));
            SharedMemory shm = smm.sharedMemory(8);
            Process p = new Process(() -> {
                sl.set(0, 42);
                sl.set(1, "child");
                shm.segment().set(ValueLayout.JAVA_LONG, 0, -7L);
                sl.close();
                shm.close();
            });
            p.start();
            assertTrue(p.join(Duration.ofSeconds(60)));
            assertEquals(OptionalInt.of(0), p.exitCode());
            assertEquals(Arrays.asList(42L, "child", null), sl.toList());
            assertEquals(-7L, shm.segment().get(ValueLayout.JAVA_LONG, 0));
            sl.close();
            shm.close();
        }
    }

    /** Bad input: named in the exception, and nothing is made. */
    @Test
    void badInputMakesNothing() {
        try (SharedMemoryManager smm = new SharedMemoryManager()) {
            smm.start();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> smm.shareableList(List.of(1, new StringBuilder("sb"))));
            assertTrue(e.getMessage().contains("item 1") && e.getMessage().contains("StringBuilder"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> smm.sharedMemory(0));
            assertTrue(e.getMessage().contains("0"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> smm.sharedMemory(-1));
            assertThrows(NullPointerException.class, () -> smm.shareableList(null));
            assertEquals(List.of(), trackedNames(smm), "nothing was made");
        }
    }

    /** A manager connected to the server makes blocks there; they are the server's to unlink. */
    @Test
    void aConnectedManagerMakesBlocksInTheServer() {
        SharedMemoryManager owner = new SharedMemoryManager();
        owner.start();
        String name;
        try {
            SharedMemoryManager client = new SharedMemoryManager(owner.address(), null);
            client.connect();
            try (SharedMemory shm = client.sharedMemory(64)) {
                name = shm.name();
            }
            assertThrows(IllegalStateException.class, client::shutdown, "a connected manager stops no server");
            client.close();
            assertTrue(exists(name), "closing a connected manager leaves the blocks to the server");
            assertThrows(IllegalStateException.class, () -> client.sharedMemory(8));
            assertEquals(List.of(name), trackedNames(owner));
        } finally {
            owner.shutdown();
        }
        assertGone(name);
    }

    /** Served in this process (getServer): shutdown unlinks what the server made. */
    @Test
    void servedHere() throws InterruptedException {
        SharedMemoryManager smm = new SharedMemoryManager();
        Server server = smm.getServer();
        Thread serving = Thread.ofPlatform().daemon().start(server::serveForever);
        ShareableList sl = smm.shareableList(List.of(true, 2.5));
        assertEquals(List.of(true, 2.5), sl.toList());
        sl.close();
        smm.shutdown();
        assertTrue(serving.join(Duration.ofSeconds(30)));
        assertGone(sl.name());
    }

    /** A block a client unlinked itself is skipped at shutdown (Python's release_segment path). */
    @Test
    void aBlockUnlinkedByAClientIsSkipped() {
        SharedMemoryManager smm = new SharedMemoryManager();
        smm.start();
        SharedMemory a = smm.sharedMemory(16);
        SharedMemory b = smm.sharedMemory(16);
        a.unlink();
        a.close();
        smm.shutdown();
        assertGone(b.name());
        b.close();
    }

    private static List<?> trackedNames(SharedMemoryManager smm) {
        return (List<?>) smm.createProxy("SharedMemoryTracker").callMethod("names");
    }
}
