package dev.mp4j.internal.spawn;

import dev.mp4j.internal.pool.WorkerJob;
import dev.mp4j.internal.tracker.ResourceTracker;
import dev.mp4j.internal.wire.Codec;
import dev.mp4j.internal.wire.FrameChannel;
import dev.mp4j.internal.wire.Tags;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectStreamClass;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * The main class of every child JVM. In order:
 * <ol>
 *   <li>reads the launch header from stdin (see {@code Launch.writeHeader}) and starts watching its
 *       parent: when the parent dies the child is re-parented, which the watcher notices within
 *       {@link #WATCH_MILLIS} ms, and the child halts — no orphans. (It does not sit in a read on stdin
 *       for this: HotSpot waits up to 300 ms at exit for threads blocked in native calls, which would
 *       slow every child's exit by that much.);</li>
 *   <li>opens the FIFO the parent named in the header (see {@link Rendezvous}) and says HELLO through it;
 *       from then on its control channel reads stdin and writes that FIFO. Meanwhile another thread, started
 *       first of all, gives SIGTERM its default action, readies the decoder, joins the parent's resource
 *       tracker and initializes the multiprocessing package ({@link #prepare});</li>
 *   <li>waits for its {@link Job} (a spare JVM of the forkserver method waits here, warm) and decodes it;</li>
 *   <li>once the other thread is done, tells the parent that SIGTERM's default action is in place
 *       ({@link Tags#TERM_DEFAULT}), runs the job, reports its exit code to the parent and exits with
 *       it: by returning from {@code main} when that is 0 and no other thread would keep the JVM alive,
 *       otherwise through {@code System.exit}.</li>
 * </ol>
 */
public final class Bootstrap {
    static final int MAGIC = 0x6d70346a; // "mp4j"
    static final int VERSION = 6;
    /** Exit code of a child whose parent died. */
    static final int ORPHANED = 70;
    /** How often a child checks that its parent is alive. */
    static final long WATCH_MILLIS = 100;
    /**
     * The classes of the JDK-serialized job of a {@code Process} subclass, prepared by {@link #prepare} in
     * a spare (a plain process's and a pool worker's job travel in a {@link JobForm}).
     */
    private static final String[] PREPARED = {"dev.mp4j.multiprocessing.ProcessJob", "dev.mp4j.multiprocessing.Process",
        "java.lang.invoke.SerializedLambda"};

    private Bootstrap() {}

    /**
     * @param args unused
     */
    public static void main(String[] args) {
        Child child;
        Job job;
        CompletableFuture<Header> header = new CompletableFuture<>();
        Thread preparing = startPreparing(header);
        try {
            // The header unbuffered (a few reads): what follows it on stdin belongs to the control channel.
            FileInputStream stdin = new FileInputStream(FileDescriptor.in);
            DataInputStream in = new DataInputStream(stdin);
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                System.err.println("mp4j: this JVM was not started by a compatible mp4j parent");
                System.exit(2);
                return;
            }
            String fifo = in.readUTF();
            long parentPid = in.readLong();
            boolean spare = in.readBoolean();
            boolean natives = in.readBoolean();
            String trackerFifo = in.readUTF();
            watchParent(parentPid);
            System.setIn(new ByteArrayInputStream(new byte[0]));
            header.complete(new Header(trackerFifo, spare, natives));

            FrameChannel channel;
            try {
                channel = connect(fifo, stdin);
            } catch (IOException e) {
                if (parentEnded(fifo, parentPid)) {
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
            job = decodeJob(frame);
            preparing.join(); // SIGTERM's default action is in place before the exit hook and the job runs
            try {
                channel.send(new byte[] {Tags.TERM_DEFAULT}); // a SIGTERM the swap lost is sent again
            } catch (IOException parentGone) {
                if (!isParent(parentPid)) {
                    Runtime.getRuntime().halt(ORPHANED); // the parent ended after it sent the job: quietly
                }
                throw parentGone;
            }
            child = adopt(channel, parentPid);
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
        if (code == 0 && Child.nonDaemonThreadBesides(Thread.currentThread()) == null) {
            // The JVM ends as a program whose main returned (exit status 0, the shutdown hooks run). Not
            // System.exit: Runtime.exit first asks the logging framework whether to log the exit, which
            // starts it in a fresh JVM: about 8 ms more between the job's end and the parent's join().
            return;
        }
        System.exit(code);
    }

    /**
     * What {@link #prepare} needs of the header the parent writes on stdin.
     *
     * @param trackerFifo the parent's resource tracker's FIFO, or empty
     * @param spare whether this is a forkserver spare
     * @param natives whether a spare should link the semaphores' FFM handles ahead (its parent uses them)
     */
    record Header(String trackerFifo, boolean spare, boolean natives) {}

    /**
     * Starts {@link #prepare} on a daemon thread, before the header is read (the AOT training calls this
     * too, so that the lambda is in the cache).
     *
     * @param header completed once the header is read
     * @return the thread
     */
    static Thread startPreparing(CompletableFuture<Header> header) {
        Thread preparing = new Thread(() -> prepare(header), "mp4j-prepare");
        preparing.setDaemon(true);
        preparing.start();
        return preparing;
    }

    /**
     * What a child does on a second thread while the first connects and decodes its job: SIGTERM's default
     * action (first: its reflective calls take a fresh child 5–12 ms here, and the job may not run before
     * it is in place), the reader of the codec's fast form (the decoder initializes it too if it comes
     * first), the parent's resource tracker, and the multiprocessing package, which running a job needs. A
     * forkserver spare, which has time before its job comes, also initializes the classes that decoding a
     * job needs (their serialization descriptors computed) and, if its parent uses semaphores, links their
     * FFM handles ({@link Warmup#natives}); other children decode their job meanwhile. The
     * first two need nothing of the header, so they begin while the main thread reads it.
     *
     * @param header completed once the header is read (a JVM that cannot read it exits meanwhile)
     */
    static void prepare(CompletableFuture<Header> header) {
        Signals.defaultTerm();
        try {
            Codec.prepareReader();
        } catch (RuntimeException | LinkageError e) {
            // only a head start: decoding the job does the same, and reports what fails
        }
        Header h = header.join();
        boolean spare = h.spare();
        ResourceTracker.useParent(h.trackerFifo());
        try {
            ProcessHooks.get();
            if (spare) {
                ClassLoader loader = Bootstrap.class.getClassLoader();
                for (String name : PREPARED) {
                    ObjectStreamClass.lookup(Class.forName(name, true, loader));
                }
                if (h.natives()) {
                    Warmup.natives();
                }
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // only a head start: running the job does the same, and reports what fails
        }
    }

    /**
     * Opens the parent's end of the control channel, {@code fifo} (which waits until the parent has it open
     * for reading; never creates it), and says HELLO.
     *
     * @param fifo the FIFO to write to
     * @param fromParent what the parent writes to
     * @return the control channel
     */
    static FrameChannel connect(String fifo, InputStream fromParent) throws IOException {
        FrameChannel channel = new FrameChannel(fromParent,
                Channels.newOutputStream(FileChannel.open(Path.of(fifo), StandardOpenOption.WRITE)));
        channel.send(new byte[] {Tags.HELLO});
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
        byte[] body = Arrays.copyOfRange(frame, 1, frame.length);
        return switch (body.length == 0 ? 0 : body[0]) {
            case JobForm.PROCESS -> ProcessHooks.get().decodeProcessJob(body);
            case JobForm.WORKER -> WorkerJob.decode(body);
            default -> (Job) Codec.decodeFromParent(body);
        };
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
     * After a failed connection: whether the parent is ending — the FIFO is gone, or the parent is — within
     * about a second (a parent at exit removes the FIFOs of children still booting, then ends).
     */
    private static boolean parentEnded(String fifo, long parentPid) {
        for (int i = 0; i < 20; i++) {
            if (!isParent(parentPid) || !Files.exists(Path.of(fifo))) {
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
