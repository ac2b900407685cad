package dev.mp4j.internal.spawn;

import dev.mp4j.internal.conn.PeerCredentials;
import dev.mp4j.internal.wire.FrameChannel;
import dev.mp4j.internal.wire.Handshake;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;

/**
 * The main class of the JVM that trains a child AOT cache ({@link AotCache}): it walks, within itself, the
 * paths a child JVM takes — a Unix-domain socket, the handshake, frames, and the {@link Warmup} of a job
 * and a worker's task and result — so that the classes they need are in the cache.
 */
public final class AotTrainer {
    private AotTrainer() {}

    /**
     * @param args unused
     * @throws Exception on any failure: then no cache is installed
     */
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("mp4j-aot-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path socket = dir.resolve("t.sock");
        byte[] key = new byte[32];
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX);
            client.connect(UnixDomainSocketAddress.of(socket));
            SocketChannel accepted = server.accept();
            if (!PeerCredentials.admit(accepted, PeerCredentials.owner(socket), "the AOT trainer")) {
                throw new IllegalStateException("a process of another user connected first");
            }
            FrameChannel parent = new FrameChannel(accepted);
            FrameChannel child = new FrameChannel(client);
            CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
                try {
                    Handshake.answer(child, key);
                    Handshake.deliver(child, key);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Handshake.deliver(parent, key);
            Handshake.answer(parent, key);
            other.join();
            for (int i = 0; i < 20; i++) {
                parent.send(Tags.frame(Tags.JOB, new byte[64]));
                child.receive(1 << 20);
            }
            Warmup.exercise(100);
            parent.close();
            child.close();
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }
}
