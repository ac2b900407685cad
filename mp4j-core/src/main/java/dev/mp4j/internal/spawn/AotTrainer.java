package dev.mp4j.internal.spawn;

import dev.mp4j.internal.conn.PeerCredentials;
import dev.mp4j.internal.pool.PoolWire;
import dev.mp4j.internal.pool.WorkerJob;
import dev.mp4j.internal.wire.Codec;
import dev.mp4j.internal.wire.FrameChannel;
import dev.mp4j.internal.wire.Handshake;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

import dev.mp4j.function.SerializableCallable;

/**
 * The main class of the JVM that trains a child AOT cache ({@link AotCache}). It plays both sides within
 * itself, on a Unix-domain socket of its own: on a daemon thread the parent (accept, handshake, the job,
 * the frames of a pool's task), and on the main thread a child as {@link Bootstrap} runs one — the same
 * calls from the handshake through decoding and running a {@code Process} job (whose target does nothing)
 * and a pool worker's job with one task, to the exit report — then the {@link Warmup}. So the classes,
 * lambdas and method handles a real child needs before and after the user's code are in the cache.
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
        Arrays.fill(key, (byte) 7);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            ProcessHandle.current().parent().ifPresent(p -> Bootstrap.watchParent(p.pid()));
            Bootstrap.prepare("");

            byte[] processJob = Tags.frame(Tags.JOB, Codec.encode(ProcessHooks.sampleJob()));
            runChild(server, socket, key, "process", processJob, parent -> { });

            SerializableCallable<Integer> task = () -> 42;
            byte[] workerJob = Tags.frame(Tags.JOB, Codec.encode(new WorkerJob("SpawnPoolWorker-0", null)));
            runChild(server, socket, key, "worker", workerJob, parent -> {
                parent.send(PoolWire.task(1, Codec.encode(task)));
                parent.receive(1 << 20);
                parent.send(PoolWire.quit());
            });
            Warmup.exercise(100);
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }

    /** @return the accepted peer, if it is a process of this socket's owner */
    private static SocketChannel admitted(SocketChannel accepted, Path socket) throws IOException {
        if (!PeerCredentials.admit(accepted, PeerCredentials.owner(socket), "the AOT trainer")) {
            accepted.close();
            throw new IllegalStateException("a process of another user connected first");
        }
        return accepted;
    }

    /** What the parent side does after it sent the job. */
    private interface ParentPart {
        void run(FrameChannel parent) throws IOException;
    }

    /** One child's life: the parent side on a daemon thread, the child side on this thread. */
    private static void runChild(ServerSocketChannel server, Path socket, byte[] key, String id, byte[] jobFrame,
                                 ParentPart afterJob) throws Exception {
        CompletableFuture<Integer> parentSide = new CompletableFuture<>();
        Thread parent = new Thread(() -> {
            try (FrameChannel channel = new FrameChannel(admitted(server.accept(), socket))) {
                Handshake.deliver(channel, key);
                Handshake.answer(channel, key);
                byte[] hello = channel.receive(Handshake.MAX_FRAME);
                if (!id.equals(new String(hello, 1, hello.length - 1, StandardCharsets.UTF_8))) {
                    throw new IOException("unexpected hello");
                }
                channel.send(jobFrame);
                afterJob.run(channel);
                while (true) {
                    byte[] frame = channel.receive(1 << 20);
                    if (frame.length > 0 && frame[0] == Tags.EXIT) {
                        parentSide.complete(Tags.intOf(frame));
                        return;
                    }
                }
            } catch (Throwable t) {
                parentSide.completeExceptionally(t);
            }
        }, "mp4j-aot-parent");
        parent.setDaemon(true);
        parent.start();

        FrameChannel channel = Bootstrap.connect(socket.toString(), id, key.clone());
        Child child = Bootstrap.adopt(channel, ProcessHandle.current().pid());
        int code = Bootstrap.runJob(Bootstrap.decodeJob(channel.receive(Integer.MAX_VALUE - 16L)), child);
        child.reportExit(code);
        if (parentSide.get() != 0 || code != 0) {
            throw new IllegalStateException("the training child ended with " + code);
        }
        channel.close();
    }
}
