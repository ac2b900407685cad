package dev.mp4j.internal.spawn;

import dev.mp4j.internal.wire.Codec;
import dev.mp4j.internal.wire.FrameChannel;
import dev.mp4j.internal.wire.Handshake;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The main class of every child JVM. In order:
 * <ol>
 *   <li>reads the launch header from stdin (see {@link Launch#writeHeader}); stdin stays open: when it
 *       reaches end-of-file the parent is gone and the child halts at once — no orphans;</li>
 *   <li>connects to the parent's rendezvous socket, answers the parent's authkey challenge and challenges
 *       the parent in turn, then says HELLO with its launch id;</li>
 *   <li>waits for its {@link Job} (a spare JVM of the forkserver method waits here, warm);</li>
 *   <li>runs the job, reports its exit code to the parent and exits with it.</li>
 * </ol>
 */
public final class Bootstrap {
    static final int MAGIC = 0x6d70346a; // "mp4j"
    static final int VERSION = 1;
    /** Exit code of a child whose parent died (its stdin reached end-of-file). */
    static final int ORPHANED = 70;

    private Bootstrap() {}

    /**
     * @param args unused
     */
    public static void main(String[] args) {
        Child child;
        Job job;
        try {
            DataInputStream in = new DataInputStream(new FileInputStream(FileDescriptor.in));
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                System.err.println("mp4j: this JVM was not started by a compatible mp4j parent");
                System.exit(2);
                return;
            }
            String socketPath = in.readUTF();
            String launchId = in.readUTF();
            long parentPid = in.readLong();
            byte[] key = new byte[in.readUnsignedShort()];
            in.readFully(key);
            watchParent(in);
            System.setIn(new ByteArrayInputStream(new byte[0]));
            Signals.defaultTerm();

            SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
            socket.connect(UnixDomainSocketAddress.of(socketPath));
            FrameChannel channel = new FrameChannel(socket);
            Handshake.answer(channel, key);
            Handshake.deliver(channel, key);
            Arrays.fill(key, (byte) 0);
            channel.send(Tags.frame(Tags.HELLO, launchId.getBytes(StandardCharsets.UTF_8)));

            byte[] frame = channel.receive(Integer.MAX_VALUE - 16L);
            if (frame.length == 0 || frame[0] != Tags.JOB) {
                throw new IOException("expected a job from the parent, got tag " + (frame.length == 0 ? "none" : frame[0]));
            }
            child = new Child(channel, parentPid);
            Child.install(child);
            Runtime.getRuntime().addShutdownHook(new Thread(child::onShutdown, "mp4j-exit-report"));
            job = (Job) Codec.decode(Arrays.copyOfRange(frame, 1, frame.length), null);
        } catch (Throwable t) {
            System.err.println("mp4j: the child JVM could not start its job:");
            t.printStackTrace();
            System.exit(1);
            return;
        }
        int code;
        try {
            code = job.run(child);
        } catch (Throwable t) {
            t.printStackTrace();
            code = 1;
        }
        System.out.flush();
        System.err.flush();
        child.reportExit(code);
        System.exit(code);
    }

    /** A daemon thread that halts this JVM when the parent's end of stdin closes. */
    private static void watchParent(InputStream in) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64];
            try {
                while (in.read(buf) >= 0) {
                    // the parent never writes after the header; anything else is ignored
                }
            } catch (IOException ignored) {
                // a broken pipe means the same as end-of-file
            }
            Runtime.getRuntime().halt(ORPHANED);
        }, "mp4j-parent-watch");
        t.setDaemon(true);
        t.start();
    }
}
