package dev.mp4j.internal.ffm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** FIFOs made by mkfifo(1): each a FIFO, of this user only, that carries bytes; one command for several. */
@Timeout(30)
class FifoTest {
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;

    @Test
    void makesAPrivateFifoThatCarriesBytes(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("f");
        Fifo.make(fifo);
        assertPrivateFifo(fifo);
        assertCarries(fifo);
    }

    @Test
    void makesSeveralAtOnce(@TempDir Path dir) throws Exception {
        Path[] fifos = {dir.resolve("a"), dir.resolve("b"), dir.resolve("c")};
        Fifo.make(fifos);
        for (Path fifo : fifos) {
            assertPrivateFifo(fifo);
            assertCarries(fifo);
        }
        Fifo.make(); // nothing to make: no command
    }

    @Test
    void aPathThatExistsIsAnErrorNamingIt(@TempDir Path dir) throws Exception {
        Path taken = Files.createFile(dir.resolve("taken"));
        IOException e = assertThrows(IOException.class, () -> Fifo.make(taken));
        assertTrue(e.getMessage().contains(taken.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("exists"), e.getMessage());
        Path free = dir.resolve("free");
        IOException batch = assertThrows(IOException.class, () -> Fifo.make(free, taken));
        assertTrue(batch.getMessage().contains(taken.toString()) && batch.getMessage().contains("exists"),
                batch.getMessage());
        assertTrue(Files.isRegularFile(taken), "the file there was left alone");
        assertPrivateFifo(free); // the others are made
    }

    @Test
    void aMissingDirectoryIsAnErrorNamingThePath(@TempDir Path dir) {
        Path nowhere = dir.resolve("missing").resolve("f");
        IOException e = assertThrows(IOException.class, () -> Fifo.make(nowhere));
        assertTrue(e.getMessage().contains(nowhere.toString()) && e.getMessage().contains("exit code"),
                e.getMessage());
    }

    private static void assertPrivateFifo(Path fifo) throws IOException {
        int mode = (Integer) Files.getAttribute(fifo, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        assertEquals(S_IFIFO, mode & S_IFMT, "not a FIFO: mode " + Integer.toOctalString(mode));
        assertEquals(0600, mode & 0777, "permissions " + Integer.toOctalString(mode & 0777));
    }

    private static void assertCarries(Path fifo) throws Exception {
        byte[] sent = {1, 2, 3, 4, 5};
        CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = new FileInputStream(fifo.toFile())) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (OutputStream out = new FileOutputStream(fifo.toFile())) {
            out.write(sent);
        }
        assertArrayEquals(sent, got.get(10, TimeUnit.SECONDS));
    }
}
