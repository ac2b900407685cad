package dev.mp4j.internal.spawn;

import dev.mp4j.internal.tracker.ResourceTracker;
import dev.mp4j.internal.wire.Codec;
import dev.mp4j.internal.wire.FrameChannel;
import dev.mp4j.internal.wire.Handshake;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectStreamClass;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The main class of every child JVM. In order:
 * <ol>
 *   <li>reads the launch header from stdin (see {@code Launch.writeHeader}) and starts watching its
 *       parent: when the parent dies the child is re-parented, which the watcher notices within
 *       {@link #WATCH_MILLIS} ms, and the child halts — no orphans. (It does not sit in a read on stdin
 *       for this: HotSpot waits up to 300 ms at exit for threads blocked in native calls, which would
 *       slow every child's exit by that much.);</li>
 *   <li>connects to the parent's rendezvous socket, answers the parent's authkey challenge and challenges
 *       the parent in turn, then says HELLO with its launch id; meanwhile another thread gives SIGTERM its
 *       default action, joins the parent's resource tracker and prepares the classes a job needs;</li>
 *   <li>waits for its {@link Job} (a spare JVM of the forkserver method waits here, warm);</li>
 *   <li>runs the job, reports its exit code to the parent and exits with it.</li>
 * </ol>
 */
public final class Bootstrap {
    static final int MAGIC = 0x6d70346a; // "mp4j"
    static final int VERSION = 3;
    /** Exit code of a child whose parent died. */
    static final int ORPHANED = 70;
    /** How often a child checks that its parent is alive. */
    static final long WATCH_MILLIS = 100;
    /** The classes of a job's serialized form, prepared by {@link #prepare} while the child connects. */
    private static final String[] PREPARED = {"dev.mp4j.multiprocessing.ProcessJob", "dev.mp4j.multiprocessing.Process",
        "java.lang.invoke.SerializedLambda", "dev.mp4j.internal.pool.WorkerJob"};

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
            boolean spare = in.readBoolean();
            String trackerFifo = in.readUTF();
            byte[] key = new byte[in.readUnsignedShort()];
            in.readFully(key);
            watchParent(parentPid);
            System.setIn(new ByteArrayInputStream(new byte[0]));
            // Two things at once, on a 2-core machine: this thread connects (the JDK's Unix-domain sockets
            // first start the JCA, the longest step), another prepares the rest.
            Thread preparing = new Thread(() -> prepare(trackerFifo), "mp4j-prepare");
            preparing.setDaemon(true);
            preparing.start();

            FrameChannel channel;
            try {
                channel = connect(socketPath, launchId, key);
            } catch (IOException e) {
                if (parentEnded(socketPath, parentPid)) {
                    Runtime.getRuntime().halt(ORPHANED); // the parent ended while this JVM booted: quietly
                }
                throw e;
            }
            if (spare) {
                Warmup.exercise(20); // a forkserver spare: warm up while no job is waiting
            }
            byte[] frame;
            try {
                frame = channel.receive(Integer.MAX_VALUE - 16L);
            } catch (java.io.EOFException parentGone) {
                Runtime.getRuntime().halt(ORPHANED); // a spare whose parent ended before it had a job: quietly
                return;
            }
            if (frame.length > 0 && frame[0] == Tags.FILTER) {
                Codec.installProcessFilter((ObjectInputFilter) Codec.decode(
                        Arrays.copyOfRange(frame, 1, frame.length), null));
                frame = channel.receive(Integer.MAX_VALUE - 16L);
            }
            preparing.join(); // SIGTERM's default action is in place before the exit hook and the job
            child = adopt(channel, parentPid);
            job = decodeJob(frame);
        } catch (Throwable t) {
            System.err.println("mp4j: the child JVM could not start its job:");
            t.printStackTrace();
            System.exit(1);
            return;
        }
        int code = runJob(job, child);
        System.out.flush();
        System.err.flush();
        child.reportExit(code);
        System.exit(code);
    }

    /**
     * What a child does besides connecting, before its job runs: SIGTERM's default action, the parent's
     * resource tracker, and the classes that decoding and running a job need, initialized (their
     * serialization descriptors computed) ahead of the job.
     */
    static void prepare(String trackerFifo) {
        Signals.defaultTerm();
        ResourceTracker.useParent(trackerFifo);
        try {
            ObjectInputFilter.Config.getSerialFilter();
            ClassLoader loader = Bootstrap.class.getClassLoader();
            for (String name : PREPARED) {
                ObjectStreamClass.lookup(Class.forName(name, true, loader));
            }
            ProcessHooks.get();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // only a head start: decoding the job does the same, and reports what fails
        }
    }

    /**
     * Connects to the parent's rendezvous socket, answers its challenge, challenges it in turn and says
     * HELLO; clears {@code key}.
     */
    static FrameChannel connect(String socketPath, String launchId, byte[] key) throws IOException {
        SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
        socket.connect(UnixDomainSocketAddress.of(socketPath));
        FrameChannel channel = new FrameChannel(socket);
        Handshake.answer(channel, key);
        Handshake.deliver(channel, key);
        Arrays.fill(key, (byte) 0);
        channel.send(Tags.frame(Tags.HELLO, launchId.getBytes(StandardCharsets.UTF_8)));
        return channel;
    }

    /** @return this JVM's child runtime, installed, with the hook that reports a System.exit */
    static Child adopt(FrameChannel channel, long parentPid) {
        Child child = new Child(channel, parentPid);
        Child.install(child);
        Runtime.getRuntime().addShutdownHook(new Thread(child::onShutdown, "mp4j-exit-report"));
        return child;
    }

    /** @return the job in a JOB frame */
    static Job decodeJob(byte[] frame) throws IOException, ClassNotFoundException {
        if (frame.length == 0 || frame[0] != Tags.JOB) {
            throw new IOException("expected a job from the parent, got tag " + (frame.length == 0 ? "none" : frame[0]));
        }
        return (Job) Codec.decode(Arrays.copyOfRange(frame, 1, frame.length), null);
    }

    /** @return the job's exit code: 1, with the trace on stderr, when it throws */
    static int runJob(Job job, Child child) {
        try {
            return job.run(child);
        } catch (Throwable t) {
            t.printStackTrace();
            return 1;
        }
    }

    /**
     * After a failed connection: whether the parent is ending — its rendezvous socket is gone, or it is
     * gone — within about a second (a parent at exit closes the socket, removes it, then ends).
     */
    private static boolean parentEnded(String socketPath, long parentPid) {
        for (int i = 0; i < 20; i++) {
            if (!isParent(parentPid) || !Files.exists(Path.of(socketPath))) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return false;
            }
        }
        return false;
    }

    /** @return whether {@code pid} is still this process's parent (a child whose parent died is re-parented) */
    private static boolean isParent(long pid) {
        return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == pid;
    }

    /** A daemon thread that halts this JVM once its parent is gone (this process was re-parented). */
    static void watchParent(long parentPid) {
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(WATCH_MILLIS);
                } catch (InterruptedException e) {
                    // nobody interrupts this thread; keep watching
                }
                if (!isParent(parentPid)) {
                    Runtime.getRuntime().halt(ORPHANED);
                }
            }
        }, "mp4j-parent-watch");
        t.setDaemon(true);
        t.start();
    }
}
