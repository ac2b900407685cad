package dev.mp4j.internal.child;

import dev.mp4j.internal.spawn.AotCache;
import dev.mp4j.internal.spawn.Child;
import dev.mp4j.internal.spawn.Job;
import dev.mp4j.internal.spawn.LaunchHeader;
import dev.mp4j.internal.util.LifecycleLog;
import dev.mp4j.internal.wire.Tags;
import dev.mp4j.internal.tracker.ResourceTracker;
import dev.mp4j.internal.wire.Codec;
import dev.mp4j.internal.wire.FrameChannel;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.ObjectInputFilter;
import java.io.OutputStream;
import java.io.StreamCorruptedException;
import java.lang.invoke.MethodHandles;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The main class of every child JVM, and the one place that knows every part of a child: the launch
 * protocol below it ({@code internal.spawn}), the jobs above it ({@link Jobs}), the warm-up of a spare and
 * the AOT training ({@link AotTrainer}). In order:
 * <ol>
 *   <li>reads the {@link LaunchHeader} from stdin and starts watching its
 *       parent: when the parent dies the child is re-parented, which the watcher notices within
 *       {@link #WATCH_MILLIS} ms, and the child halts — no orphans. (It does not sit in a read on stdin
 *       for this: HotSpot waits up to 300 ms at exit for threads blocked in native calls, which would
 *       slow every child's exit by that much.);</li>
 *   <li>opens the FIFO the parent named in the header and says HELLO through it;
 *       from then on its control channel reads stdin and writes that FIFO. Meanwhile another thread, started
 *       first of all, gives SIGTERM its default action, readies the decoder, joins the parent's resource
 *       tracker and initializes the multiprocessing package ({@link #prepare});</li>
 *   <li>waits for its {@link Job} (a spare JVM of the forkserver method warms up meanwhile on a thread of
 *       its own, until the job comes: {@link Warmup#untilJob}) and decodes it ({@link Jobs#decode});</li>
 *   <li>once the other thread has done that much, tells the parent that SIGTERM's default action is in place
 *       ({@link Tags#TERM_DEFAULT}), runs the job, reports its exit code to the parent and exits with
 *       it: by returning from {@code main} when that is 0 and no other thread would keep the JVM alive,
 *       otherwise through {@code System.exit}.</li>
 * </ol>
 */
public final class Bootstrap {
    /** Exit code of a child whose parent died. */
    static final int ORPHANED = 70;
    /** How often a child checks that its parent is alive. */
    static final long WATCH_MILLIS = 100;
    /**
     * How long a child waits for its FIFO to be made: as long as its parent waits for it to connect back
     * (then the parent kills it), unless the parent ends first.
     */
    static final long FIFO_WAIT_SECONDS = 120;
    /** The classes that running any job needs, initialized ahead by {@link #prepare}. */
    private static final Class<?>[] RUNNING = {Multiprocessing.class, Process.class};

    private Bootstrap() {}

    /**
     * @param args none; or {@link AotCache#TRAINING} and the application classes to load: then this JVM
     *     trains the child AOT cache ({@link AotTrainer})
     * @throws Exception only when training: then no cache is installed
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals(AotCache.TRAINING)) {
            AotTrainer.train(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        // Its job gives a child the level of the lifecycle messages it logs; until then it logs none, and so
        // never asks its logger: a spare's warm-up makes a sample worker's job, whose constructor would ask,
        // starting the JDK's logging in every spare (and its shutdown hook, which every exit then runs).
        LifecycleLog.inChild(null);
        Child child;
        Job job;
        CompletableFuture<LaunchHeader> header = new CompletableFuture<>();
        CompletableFuture<Void> connected = new CompletableFuture<>();
        CompletableFuture<Void> prepared = new CompletableFuture<>();
        startPreparing(header, connected, prepared);
        try {
            FileInputStream stdin = new FileInputStream(FileDescriptor.in);
            LaunchHeader h;
            try {
                h = LaunchHeader.read(new DataInputStream(stdin));
            } catch (StreamCorruptedException e) {
                LifecycleLog.LOG.log(System.Logger.Level.ERROR, "this JVM was not started by a compatible mp4j parent");
                System.exit(2);
                return;
            } catch (java.io.EOFException e) {
                // stdin closed before the whole header: the parent ended while this JVM booted (a forkserver
                // spare booting as the program exits), or gave up on it; nobody waits for it: quietly
                Runtime.getRuntime().halt(ORPHANED);
                return;
            }
            String fifo = h.fifo();
            long parentPid = h.parentPid();
            boolean spare = h.spare();
            watchParent(parentPid);
            System.setIn(new ByteArrayInputStream(new byte[0]));
            header.complete(h);

            FrameChannel channel;
            try {
                channel = connect(fifo, stdin, parentPid);
            } catch (IOException e) {
                if (parentEnded(fifo, parentPid)) {
                    Runtime.getRuntime().halt(ORPHANED); // the parent ended while this JVM booted: quietly
                }
                throw e;
            }
            connected.complete(null);
            // this JVM's side of the channel, with its exit hook, before the job: a spare makes it while it
            // waits, not between its job's arrival and its run (a SIGTERM meanwhile, taken by the JVM's handler
            // before SIGTERM's default action is in place, runs the hook on that handler's thread, which the
            // hook tells from a System.exit)
            child = adopt(channel, parentPid);
            AtomicBoolean jobCame = spare ? Warmup.whileWaiting(h.natives(), h.load()) : null;
            byte[] frame;
            try {
                frame = channel.receive(Integer.MAX_VALUE - 16L);
            } catch (java.io.EOFException parentGone) {
                Runtime.getRuntime().halt(ORPHANED); // a spare whose parent ended before it had a job: quietly
                return;
            }
            if (jobCame != null) {
                jobCame.set(true);
            }
            if (frame.length > 0 && frame[0] == Tags.FILTER) {
                Codec.installProcessFilter((ObjectInputFilter) Codec.decode(
                        Arrays.copyOfRange(frame, 1, frame.length), null));
                frame = channel.receive(Integer.MAX_VALUE - 16L);
            }
            job = Jobs.decode(frame);
            prepared.join(); // SIGTERM's default action is in place before the job runs
            try {
                channel.send(new byte[] {Tags.TERM_DEFAULT}); // a SIGTERM the swap lost is sent again
            } catch (IOException parentGone) {
                if (!isParent(parentPid)) {
                    Runtime.getRuntime().halt(ORPHANED); // the parent ended after it sent the job: quietly
                }
                throw parentGone;
            }
        } catch (Throwable t) {
            LifecycleLog.LOG.log(System.Logger.Level.ERROR, "the child JVM could not start its job:", t);
            System.exit(1);
            return;
        }
        int code = Jobs.run(job, child);
        System.out.flush();
        System.err.flush();
        child.reportExit(code);
        // a process's job has just found no other non-daemon thread (as Python's child, which exits then): not
        // looked for again, a walk of the JVM's threads between the EXIT frame and the exit
        if (code == 0 && (Jobs.ranAlone(job) || Child.nonDaemonThreadBesides(Thread.currentThread()) == null)) {
            // The JVM ends as a program whose main returned (exit status 0, the shutdown hooks run). Not
            // System.exit: Runtime.exit first asks the logging framework whether to log the exit, which
            // starts it in a fresh JVM: about 8 ms more between the job's end and the parent's join().
            return;
        }
        System.exit(code);
    }

    /**
     * Starts {@link #prepare} on a daemon thread, before the header is read (the AOT training calls this
     * too, so that the classes it loads are in the cache).
     *
     * @param header completed once the header is read
     * @return the thread
     */
    static Thread startPreparing(CompletableFuture<LaunchHeader> header) {
        return startPreparing(header, CompletableFuture.completedFuture(null), new CompletableFuture<>());
    }

    /**
     * @param header completed once the header is read
     * @param connected completed once this JVM has connected back to its parent
     * @param prepared completed once {@link #prepare} has returned (or thrown): the job may run; the thread
     *     then initializes the classes running a process's job initializes ({@link Warmup#initializeRunning}),
     *     which the job does not wait for (a class it needs meanwhile it waits for as it would initialize it)
     * @return the thread
     */
    private static Thread startPreparing(CompletableFuture<LaunchHeader> header, CompletableFuture<Void> connected,
                                         CompletableFuture<Void> prepared) {
        Thread preparing = new Thread(new Preparing(header, connected, prepared), "mp4j-prepare");
        preparing.setDaemon(true);
        preparing.start();
        return preparing;
    }

    /**
     * The body of the preparing thread ({@link #startPreparing}). This class and the others here that a
     * child's threads run are classes, not lambdas: a lambda the children's AOT cache does not hold (no cache
     * yet, one still training, one made for other jars) the JVM spins a class for the first time it runs, a
     * few tenths of a millisecond each in a child and milliseconds for the first, while a class is loaded from
     * the cache or the jar.
     */
    private static final class Preparing implements Runnable {
        private final CompletableFuture<LaunchHeader> header;
        private final CompletableFuture<Void> connected;
        private final CompletableFuture<Void> prepared;

        Preparing(CompletableFuture<LaunchHeader> header, CompletableFuture<Void> connected,
                  CompletableFuture<Void> prepared) {
            this.header = header;
            this.connected = connected;
            this.prepared = prepared;
        }

        @Override
        public void run() {
            try {
                prepare(header, connected);
            } finally {
                prepared.complete(null);
            }
            Warmup.initializeRunning();
        }
    }

    /**
     * What a child does on a second thread while the first connects and decodes its job: SIGTERM's default
     * action (first: its reflective calls take a fresh child 5–12 ms here, and the job may not run before
     * it is in place), the reader of the codec's fast form (the decoder initializes it too if it comes
     * first), the parent's resource tracker, and the multiprocessing package, which running a job needs
     * (the job waits for this: a forkserver spare's further head start is its warm-up, which it does not).
     * The first two need nothing of the header, so they begin while the main thread reads it. The parent's
     * tracker is joined once this JVM has connected back: the header names it before it is there, and the
     * parent makes a child's FIFO only after its tracker has started.
     *
     * @param header completed once the header is read (a JVM that cannot read it exits meanwhile)
     * @param connected completed once this JVM has connected back (a JVM that cannot connect exits meanwhile)
     */
    static void prepare(CompletableFuture<LaunchHeader> header, CompletableFuture<Void> connected) {
        Signals.defaultTerm();
        try {
            Codec.prepareReader();
        } catch (RuntimeException | LinkageError e) {
            // only a head start: decoding the job does the same, and reports what fails
        }
        LaunchHeader h = header.join();
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            for (Class<?> c : RUNNING) {
                lookup.ensureInitialized(c);
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // only a head start: running the job does the same, and reports what fails
        }
        connected.join();
        ResourceTracker.useParent(h.trackerFifo()); // before the preloaded classes, which may make semaphores
        try {
            preload(h.preload()); // a forkserver child's, spare or not; empty for others
        } catch (RuntimeException | LinkageError e) {
            // only a head start: running the job does the same, and reports what fails
        }
    }

    /**
     * Loads and initializes the classes the application named ({@code Multiprocessing.setForkserverPreload}),
     * through the class loader that decodes the job; one that cannot be loaded is skipped, with a WARNING.
     */
    static void preload(java.util.List<String> classNames) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        for (String name : classNames) {
            try {
                Class.forName(name, true, loader != null ? loader : ClassLoader.getSystemClassLoader());
            } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
                LifecycleLog.LOG.log(System.Logger.Level.WARNING, "a forkserver spare could not preload " + name, e);
            }
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
        return hello(openFifo(fifo), fromParent);
    }

    /**
     * As {@link #connect(String, InputStream)}, once the FIFO is there: the parent names it in the header
     * before it has made it (it makes it while this JVM boots). Waits for it at most {@link #FIFO_WAIT_SECONDS},
     * and while the parent lives.
     *
     * @param fifo the FIFO to write to
     * @param fromParent what the parent writes to
     * @param parentPid the parent, from the header
     * @return the control channel
     * @throws IOException if the FIFO is not made in time, or the parent ends first
     */
    static FrameChannel connect(String fifo, InputStream fromParent, long parentPid) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(FIFO_WAIT_SECONDS);
        long pause = 1;
        while (true) {
            try {
                return hello(openFifo(fifo), fromParent);
            } catch (NoSuchFileException notYet) {
                if (!isParent(parentPid) || System.nanoTime() - deadline > 0) {
                    throw notYet;
                }
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                throw new InterruptedIOException("interrupted while waiting for the FIFO " + fifo);
            }
            pause = Math.min(2 * pause, 16);
        }
    }

    /**
     * Opens {@code fifo} for writing (which waits until the parent has it open for reading) through
     * {@code java.io}, not a {@code FileChannel}: a child's main thread then does not initialize NIO's channel
     * classes, their native libraries and direct buffers (1-2 ms of a fresh child before its hello), which
     * joining the parent's resource tracker initializes meanwhile on the other thread. A
     * {@code FileOutputStream} makes a file that is not there: so the FIFO must be there first, and a regular
     * file the open made all the same (the parent removed its FIFO in between, as it does at exit) is removed
     * again and the FIFO reported missing.
     *
     * @param fifo the FIFO's path
     * @return the stream writing to it
     * @throws NoSuchFileException if it is not there, or a regular file is there instead
     */
    static OutputStream openFifo(String fifo) throws IOException {
        File file = new File(fifo);
        if (!file.exists() || file.isFile()) {
            throw new NoSuchFileException(fifo, null, "no FIFO");
        }
        FileOutputStream out = new FileOutputStream(file);
        if (file.isFile()) { // made by this open: a FIFO is no regular file
            out.close();
            file.delete();
            throw new NoSuchFileException(fifo, null, "no FIFO");
        }
        return out;
    }

    private static FrameChannel hello(OutputStream up, InputStream fromParent) throws IOException {
        FrameChannel channel = new FrameChannel(fromParent, up);
        channel.send(new byte[] {Tags.HELLO});
        return channel;
    }

    /**
     * @return this JVM's side of the control channel, with the hook that reports a System.exit; its jobs
     *     send multiprocessing's log to stderr as their parent's goes
     */
    static Child adopt(FrameChannel channel, long parentPid) {
        Child child = new Child(channel, parentPid, new LogToStderr());
        child.reportExitsAtShutdown();
        return child;
    }

    /** {@code Multiprocessing.logToStderr}, a class rather than a method reference (see {@link Preparing}). */
    private static final class LogToStderr implements java.util.function.Consumer<System.Logger.Level> {
        @Override
        public void accept(System.Logger.Level level) {
            Multiprocessing.logToStderr(level);
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
        java.util.Optional<ProcessHandle> parent = ProcessHandle.current().parent(); // no method reference to spin
        return parent.isPresent() && parent.get().pid() == pid;
    }

    /** A daemon thread that halts this JVM once its parent is gone (this process was re-parented). */
    static void watchParent(long parentPid) {
        Thread t = new Thread(new ParentWatch(parentPid), "mp4j-parent-watch");
        t.setDaemon(true);
        t.start();
    }

    /** The body of the thread {@link #watchParent} starts (a class: see {@link Preparing}). */
    private static final class ParentWatch implements Runnable {
        private final long parentPid;

        ParentWatch(long parentPid) {
            this.parentPid = parentPid;
        }

        @Override
        public void run() {
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
        }
    }
}
