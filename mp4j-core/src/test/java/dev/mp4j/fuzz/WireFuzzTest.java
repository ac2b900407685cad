package dev.mp4j.fuzz;

import static dev.mp4j.fuzz.FuzzSupport.allocated;
import static dev.mp4j.fuzz.FuzzSupport.assertAllocatedAtMost;
import static dev.mp4j.fuzz.FuzzSupport.assertOneOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mp4j.internal.conn.SocketConnection;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.internal.wire.FrameChannel;
import dev.mp4j.internal.wire.Handshake;
import dev.mp4j.multiprocessing.EOFError;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the frame decoders with the bytes a hostile peer could send: {@link FrameChannel} on an in-memory
 * stream read whole and a few bytes at a time (its buffering: headers and payloads split across reads), and
 * on a Unix-domain socket; {@link SocketConnection} on a socket. The first byte of an input picks the
 * receiver's limit, the rest is the stream. Properties (see {@link FuzzSupport}): every frame returned fits the
 * limit; only the declared exceptions;
 * memory bounded by the input, whatever length the headers announce.
 */
class WireFuzzTest {
    private static Path dir;
    private static ServerSocketChannel server;

    @BeforeAll
    static void listen() throws IOException {
        dir = Files.createTempDirectory("mp4j-fuzz-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("s")));
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
        Files.deleteIfExists(dir.resolve("s"));
        Files.deleteIfExists(dir);
    }

    private static long limit(byte selector) {
        return switch (selector & 3) {
            case 0 -> Handshake.MAX_FRAME;
            case 1 -> 1 << 20;
            case 2 -> Integer.MAX_VALUE - 16L;
            default -> Long.MAX_VALUE;
        };
    }

    /** The reads {@link #frames} gives each input through: whole, and a byte, three and 4097 bytes at a time. */
    private static final int[] STEPS = {Integer.MAX_VALUE, 1, 3, 4097};

    @FuzzTest(maxDuration = "5m")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void frames(byte[] data) {
        if (data.length == 0) {
            return;
        }
        long max = limit(data[0]);
        for (int step : STEPS) {
            ByteArrayInputStream bytes = trickle(data, step);
            FrameChannel ch = new FrameChannel(bytes, OutputStream.nullOutputStream());
            long before = allocated();
            try {
                while (true) {
                    byte[] frame = ch.receive(max);
                    assertTrue(frame.length <= max, "a frame over the limit was returned");
                }
            } catch (EOFException e) {
                // the clean end, between frames: nothing may be left
                assertEquals(0, bytes.available(), "bytes left over after the last frame");
            } catch (IOException e) {
                assertOneOf(e, java.io.StreamCorruptedException.class);
            }
            assertAllocatedAtMost(before, allocated(), data.length);
            ch.close();
        }
    }

    /** The stream part of {@code data}, which gives at most {@code step} bytes per read, as a pipe may. */
    private static ByteArrayInputStream trickle(byte[] data, int step) {
        return new ByteArrayInputStream(data, 1, data.length - 1) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, step));
            }
        };
    }

    @FuzzTest(maxDuration = "5m")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void frameChannel(byte[] data) throws Exception {
        if (data.length == 0) {
            return;
        }
        long max = limit(data[0]);
        try (SocketChannel writer = SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve("s")))) {
            FrameChannel ch = new FrameChannel(server.accept());
            try {
                Thread feeder = feed(writer, data);
                long before = allocated();
                try {
                    while (true) {
                        assertTrue(ch.receive(max).length <= max, "a frame over the limit was returned");
                    }
                } catch (IOException e) {
                    assertOneOf(e, EOFException.class, java.io.StreamCorruptedException.class);
                }
                assertAllocatedAtMost(before, allocated(), data.length);
                feeder.join();
            } finally {
                ch.close();
            }
        }
    }

    @FuzzTest(maxDuration = "5m")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void socketConnection(byte[] data) throws Exception {
        if (data.length == 0) {
            return;
        }
        long max = limit(data[0]);
        try (SocketChannel writer = SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve("s")))) {
            SocketConnection c = new SocketConnection(server.accept(), null);
            try {
                Thread feeder = feed(writer, data);
                long before = allocated();
                long deadline = Timeouts.deadline(TimeUnit.SECONDS.toNanos(5));
                try {
                    while (true) {
                        byte[] frame = c.receive(max, deadline);
                        assertTrue(frame != null, "no frame and no end within 5 s of a closed stream");
                        assertTrue(frame.length <= max, "a frame over the limit was returned");
                    }
                } catch (RuntimeException e) {
                    assertOneOf(e, EOFError.class, UncheckedIOException.class);
                }
                assertAllocatedAtMost(before, allocated(), data.length);
                feeder.join();
            } finally {
                c.close();
            }
        }
    }

    /** Writes the stream part of {@code data} on another thread (it may exceed the socket's buffer), then ends it. */
    private static Thread feed(SocketChannel writer, byte[] data) {
        return Thread.ofVirtual().start(() -> {
            try {
                ByteBuffer b = ByteBuffer.wrap(data, 1, data.length - 1);
                while (b.hasRemaining()) {
                    writer.write(b);
                }
                writer.shutdownOutput();
            } catch (IOException readerGone) {
                // the reader stopped at a bad frame and closed its end
            }
        });
    }
}
