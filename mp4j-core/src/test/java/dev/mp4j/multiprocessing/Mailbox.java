package dev.mp4j.multiprocessing;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Lets a running child tell the test something while it is still alive (until mp4j's queues exist): a
 * Unix-domain socket in the test's temporary directory. A child {@link #send sends} one message per
 * connection (key/value pairs); the test {@link #take takes} them in arrival order, with a timeout.
 *
 * <p>One platform thread accepts and reads the connections; {@link #close()} stops and joins it.
 */
final class Mailbox implements AutoCloseable {
    private final Path path;
    private final ServerSocketChannel server;
    private final BlockingQueue<Map<String, String>> messages = new LinkedBlockingQueue<>();
    private final Thread reader;

    Mailbox(Path dir) throws IOException {
        path = dir.resolve("mailbox.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        reader = Thread.ofPlatform().daemon().name("test-mailbox").start(this::readLoop);
    }

    /** @return the address a child sends to (a String, so that a target can capture it) */
    String address() {
        return path.toString();
    }

    /**
     * @return the next message
     * @throws AssertionError if none arrives within {@code timeout}
     */
    Map<String, String> take(Duration timeout) {
        try {
            Map<String, String> m = messages.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            assertNotNull(m, "no message from a child within " + timeout);
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** In a child: sends one message of {@code keyValues} (key, value, key, value ...). */
    static void send(String address, String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        java.io.StringWriter w = new java.io.StringWriter();
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(address))) {
            p.store(w, null);
            ByteBuffer buf = ByteBuffer.wrap(w.toString().getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void readLoop() {
        while (true) {
            try (SocketChannel ch = server.accept()) {
                byte[] all = readAll(ch);
                Properties p = new Properties();
                p.load(new StringReader(new String(all, StandardCharsets.UTF_8)));
                Map<String, String> m = new HashMap<>();
                p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
                messages.add(m);
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return;
                }
            }
        }
    }

    private static byte[] readAll(SocketChannel ch) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (ch.read(buf) >= 0) {
            buf.flip();
            out.write(buf.array(), 0, buf.limit());
            buf.clear();
        }
        return out.toByteArray();
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            reader.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while joining the mailbox thread", e);
        }
    }
}
