package dev.mp4j.internal.child;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.internal.ffm.Fifo;
import dev.mp4j.internal.wire.Tags;

import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** How a child opens its parent's FIFO: only a FIFO, never a file of its own making. */
@Timeout(60)
class BootstrapFifoTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFifoIsReportedAndNotMade() {
        Path fifo = dir.resolve("up");
        assertThrows(NoSuchFileException.class, () -> Bootstrap.openFifo(fifo.toString()));
        assertFalse(Files.exists(fifo));
    }

    @Test
    void aRegularFileIsNoFifoAndIsLeftAlone() throws Exception {
        Path file = Files.writeString(dir.resolve("up"), "x");
        assertThrows(NoSuchFileException.class, () -> Bootstrap.openFifo(file.toString()));
        assertEquals("x", Files.readString(file));
    }

    @Test
    void theHelloGoesThroughTheFifo() throws Exception {
        Path fifo = dir.resolve("up");
        Fifo.make(fifo);
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = new FileInputStream(fifo.toFile())) {
                return in.readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Bootstrap.connect(fifo.toString(), new ByteArrayInputStream(new byte[0])).close();
        byte[] bytes = read.get(30, TimeUnit.SECONDS);
        assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo));
        assertArrayEquals(new byte[] {0, 0, 0, 1, Tags.HELLO}, bytes);
    }
}
