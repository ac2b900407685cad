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

/** FIFOs made through FFM and through mkfifo(1): a FIFO, of this user only, that carries bytes. */
@Timeout(30)
class FifoTest {
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;

    @Test
    void makesAPrivateFifoThatCarriesBytesFirstByTheCommandThenThroughFfm(@TempDir Path dir) throws Exception {
        // the command (or FFM if linked already); linking begins with the second command
        assertMakesAWorkingFifo(Fifo::make, dir.resolve("first"));
        assertMakesAWorkingFifo(Fifo::make, dir.resolve("second"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Fifo.linked()) {
            assertTrue(System.nanoTime() < deadline, "mkfifo(3) was not linked within 20 s");
            Thread.sleep(10);
        }
        assertMakesAWorkingFifo(Fifo::make, dir.resolve("f"));
    }

    @Test
    void theCommandMakesTheSame(@TempDir Path dir) throws Exception {
        assertMakesAWorkingFifo(Fifo::makeWithCommand, dir.resolve("f"));
    }

    /** Fifo.make or Fifo.makeWithCommand. */
    private interface Maker {
        void make(Path path) throws IOException;
    }

    private static void assertMakesAWorkingFifo(Maker maker, Path fifo) throws Exception {
        maker.make(fifo);
        assertPrivateFifo(fifo);
        assertCarries(fifo);
    }

    @Test
    void aPathThatExistsIsAnErrorNamingIt(@TempDir Path dir) throws Exception {
        Path taken = Files.createFile(dir.resolve("taken"));
        IOException e = assertThrows(IOException.class, () -> Fifo.make(taken));
        assertTrue(e.getMessage().contains(taken.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("exists"), e.getMessage());
        IOException c = assertThrows(IOException.class, () -> Fifo.makeWithCommand(taken));
        assertTrue(c.getMessage().contains(taken.toString()), c.getMessage());
        assertTrue(Files.isRegularFile(taken), "the file there was left alone");
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
