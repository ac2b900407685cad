package dev.mp4j.internal.spawn;

import dev.mp4j.internal.conn.PeerCredentials;
import dev.mp4j.internal.tracker.ResourceTracker;
import dev.mp4j.internal.wire.FrameChannel;
import dev.mp4j.internal.wire.Handshake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Where this JVM's children call back: one Unix-domain socket per JVM, in a private (0700) temporary
 * directory, made on first use. An acceptor thread admits each connection on a short-lived daemon thread of
 * its own: the parent challenges the child with this JVM's control key, answers the child's challenge, then
 * reads the child's HELLO and hands the channel to whoever {@link #expect expects} that launch id. A peer that
 * does not finish this within {@link #ADMIT_TIMEOUT_SECONDS} is dropped; nothing it sends is deserialized.
 * The socket and its directory are removed when the JVM exits, and by the resource tracker if it is killed.
 */
final class Rendezvous {
    static final int ADMIT_TIMEOUT_SECONDS = 60;
    private static Rendezvous instance; // guarded by Rendezvous.class

    final Path socketPath;
    final byte[] key = new byte[32];
    private final Path dir;
    private final ServerSocketChannel server;
    private final UserPrincipal owner;
    private final Map<String, CompletableFuture<FrameChannel>> expected = new ConcurrentHashMap<>();

    private Rendezvous() throws IOException {
        // First the hook: once the JVM is shutting down this throws, and nothing is made that would stay.
        Runtime.getRuntime().addShutdownHook(new Thread(this::remove, "mp4j-rendezvous-cleanup"));
        new SecureRandom().nextBytes(key);
        Path base = Path.of(System.getProperty("java.io.tmpdir"));
        if (base.toString().length() > 60) {
            base = Path.of("/tmp"); // socket paths are limited to about 108 bytes
        }
        dir = Files.createTempDirectory(base, "mp4j-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        socketPath = dir.resolve("r.sock");
        ResourceTracker.register(ResourceTracker.Kind.DIR, dir.toString());
        ResourceTracker.register(ResourceTracker.Kind.FILE, socketPath.toString());
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socketPath));
        owner = PeerCredentials.owner(socketPath);
        Thread acceptor = new Thread(this::acceptLoop, "mp4j-rendezvous");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static synchronized Rendezvous get() {
        if (instance == null) {
            try {
                instance = new Rendezvous();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the socket that child JVMs connect back to", e);
            }
        }
        return instance;
    }

    CompletableFuture<FrameChannel> expect(String launchId) {
        CompletableFuture<FrameChannel> cf = new CompletableFuture<>();
        expected.put(launchId, cf);
        return cf;
    }

    void forget(String launchId) {
        expected.remove(launchId);
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            SocketChannel socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return; // closed at exit
            }
            if (!PeerCredentials.admit(socket, owner, "the rendezvous " + socketPath)) {
                continue; // a process of another user: closed unread
            }
            Thread.ofPlatform().daemon().name("mp4j-admit").start(() -> admit(socket));
        }
    }

    private void admit(SocketChannel socket) {
        FrameChannel channel = new FrameChannel(socket);
        CompletableFuture<Void> admitted = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(ADMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS).execute(() -> {
            if (!admitted.isDone()) {
                channel.close();
            }
        });
        try {
            Handshake.deliver(channel, key);
            Handshake.answer(channel, key);
            byte[] hello = channel.receive(Handshake.MAX_FRAME);
            admitted.complete(null);
            if (hello.length == 0 || hello[0] != Tags.HELLO) {
                channel.close();
                return;
            }
            String id = new String(Arrays.copyOfRange(hello, 1, hello.length), StandardCharsets.UTF_8);
            CompletableFuture<FrameChannel> cf = expected.remove(id);
            if (cf == null || !cf.complete(channel)) {
                channel.close();
            }
        } catch (IOException e) {
            admitted.complete(null);
            channel.close();
        }
    }

    private void remove() {
        if (server == null || dir == null || socketPath == null) {
            return; // the JVM exited while this was being made
        }
        try {
            server.close();
            Files.deleteIfExists(socketPath);
            Files.deleteIfExists(dir);
            ResourceTracker.unregister(ResourceTracker.Kind.FILE, socketPath.toString());
            ResourceTracker.unregister(ResourceTracker.Kind.DIR, dir.toString());
        } catch (IOException ignored) {
            // best effort at exit
        }
    }
}
