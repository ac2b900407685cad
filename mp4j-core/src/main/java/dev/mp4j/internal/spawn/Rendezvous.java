package dev.mp4j.internal.spawn;

import dev.mp4j.internal.ffm.Fifo;
import dev.mp4j.internal.tracker.ResourceTracker;
import dev.mp4j.internal.util.Quietly;
import dev.mp4j.internal.util.Urandom;
import dev.mp4j.internal.wire.FrameChannel;
import dev.mp4j.internal.wire.Tags;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Where this JVM's children report back: a private (0700) temporary directory holding one FIFO per booting
 * child. The parent writes to a child through the child's stdin; the child writes to the parent through its
 * FIFO, which it opens first thing and says HELLO through. Both ends are private to this user and to the two
 * processes, so there is nothing to authenticate — and the child opens no socket: the first JDK Unix-domain
 * socket of a JVM starts the JCA (for a {@code SecureRandom}), which was the longest step of a child's start
 * (40–50 ms here).
 *
 * <p>The directory and each FIFO are named before they are made ({@link #next}): a child is started, and
 * told its FIFO, at once, and the FIFO is made while the child boots (in a JVM's first start, also the
 * directory and the resource tracker); the child waits for it to appear. FIFOs are made in batches, each by
 * one {@code mkfifo} command on a thread of its own ({@link Fifo}: a fork and exec, about 3 ms of CPU, however
 * many it makes): the first of {@link #FIRST_BATCH}, each next one, named when a child finds none left, twice
 * the size of the one before, up to {@link #MOST_BATCH}; so a program that starts a few children runs one
 * command, and one that starts many runs one per dozens. Everything is registered with the resource tracker
 * before it is made, and nothing is made once the JVM is exiting: each FIFO is removed once both ends are open,
 * those not taken and the directory when the JVM exits, all by the tracker if the JVM is killed.
 */
final class Rendezvous {
    /** How long an ended child's admission waits for its thread to leave the FIFO's making or open. */
    private static final long UNBLOCK_SECONDS = 10;
    /** How many FIFOs the first batch makes: a pool of two takes two, and its first replacement the third. */
    static final int FIRST_BATCH = 3;
    /** The most FIFOs one batch makes: what is left of the last batch is removed at exit. */
    static final int MOST_BATCH = 32;
    private static Rendezvous instance; // guarded by Rendezvous.class

    private final Path dir;
    private final AtomicLong launches = new AtomicLong();
    /** FIFOs named, and made or being made, ahead of the children that take them. */
    private final Queue<Slot> ahead = new ConcurrentLinkedQueue<>();
    /** The FIFOs registered with the resource tracker and not removed yet: those left are removed at exit. */
    private final Set<Path> registered = ConcurrentHashMap.newKeySet();
    /** Held while a batch is named, apart from the making's lock: a child's start never waits for a command. */
    private final Object naming = new Object();
    private int batch = FIRST_BATCH; // guarded by naming: the size of the next batch
    private boolean made;   // guarded by this: the directory is made
    private boolean closed; // guarded by this: the JVM is exiting, nothing more is made

    /**
     * A child's FIFO, named before it is made.
     *
     * @param path where
     * @param ahead completes once its batch is made (or failed); null when the child's admission makes it (in
     *     tests)
     */
    record Slot(Path path, CompletableFuture<Void> ahead) {}

    private Rendezvous() {
        // First the hook: once the JVM is shutting down this throws, and nothing is made that would stay.
        Runtime.getRuntime().addShutdownHook(new Cleanup(this));
        dir = Urandom.name(Urandom.tempDir(), "mp4j-");
    }

    /** Names this JVM's first batch of FIFOs, unless there is one, and makes it on the calling thread. */
    static void makeAhead() {
        MakeAhead batch = get().firstBatch();
        if (batch != null) {
            batch.run();
        }
    }

    /** @return the first batch, named and handed out next; null if FIFOs are named already */
    private MakeAhead firstBatch() {
        synchronized (naming) {
            if (!ahead.isEmpty()) {
                return null;
            }
            MakeAhead batch = batch();
            ahead.addAll(batch.slots);
            return batch;
        }
    }

    // The threads' work are classes, not lambdas: each lambda's first use spins a class, which a fresh JVM's
    // first pool pays for on its way to its workers.

    /** At exit: {@link #remove}. */
    private static final class Cleanup extends Thread {
        private final Rendezvous rendezvous;

        Cleanup(Rendezvous rendezvous) {
            super("mp4j-rendezvous-cleanup");
            this.rendezvous = rendezvous;
        }

        @Override
        public void run() {
            rendezvous.remove();
        }
    }

    /** Makes a batch of FIFOs (on a thread of its own, or the caller's), and says when they are made. */
    private static final class MakeAhead implements Runnable {
        private final Rendezvous rendezvous;
        private final Path[] paths;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        /** The batch's FIFOs, in the order they are handed out. */
        final List<Slot> slots;

        MakeAhead(Rendezvous rendezvous, Path[] paths) {
            this.rendezvous = rendezvous;
            this.paths = paths;
            List<Slot> s = new ArrayList<>(paths.length);
            for (Path p : paths) {
                s.add(new Slot(p, done));
            }
            slots = s;
        }

        void start() {
            Thread.ofPlatform().daemon().name("mp4j-fifo-batch").start(this);
        }

        @Override
        public void run() {
            try {
                rendezvous.make(paths);
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t); // each taker makes its own, and reports what fails
                if (t instanceof Error e) {
                    throw e;
                }
            }
        }
    }

    /** @return this JVM's rendezvous, named (what is in it is made when a child needs it) */
    static synchronized Rendezvous get() {
        if (instance == null) {
            instance = new Rendezvous();
        }
        return instance;
    }

    /** @return the directory (which may not be made yet) */
    Path dir() {
        return dir;
    }

    /** @return the FIFOs named ahead, not handed out yet */
    List<Path> spares() {
        List<Path> spares = new ArrayList<>();
        for (Slot s : ahead) {
            spares.add(s.path());
        }
        return spares;
    }

    /**
     * @return the FIFO for the next child to report back through, at once: one named ahead (made or being
     *     made); when none is left, the first of a new batch, which a thread of its own starts making now
     */
    Slot next() {
        Slot s = ahead.poll();
        if (s != null) {
            return s;
        }
        synchronized (naming) {
            s = ahead.poll(); // another child's start named a batch meanwhile
            if (s != null) {
                return s;
            }
            MakeAhead batch = batch();
            batch.start(); // first: should it fail, no FIFO of the batch is handed out
            ahead.addAll(batch.slots.subList(1, batch.slots.size()));
            return batch.slots.getFirst();
        }
    }

    /** @return a new batch, named, to be made */
    private MakeAhead batch() {
        assert Thread.holdsLock(naming);
        int n = batch;
        Path[] paths = new Path[n];
        for (int i = 0; i < n; i++) {
            paths[i] = name();
        }
        batch = Math.min(2 * n, MOST_BATCH);
        return new MakeAhead(this, paths);
    }

    private Path name() {
        return dir.resolve("c".concat(Long.toString(launches.incrementAndGet())));
    }

    /**
     * Makes {@code slot}'s FIFO, known to the resource tracker, unless its batch is made ahead: waits for that
     * then, and makes it alone only if the batch failed.
     *
     * @param slot from {@link #next}
     * @throws IOException if it cannot be made
     */
    void make(Slot slot) throws IOException {
        if (slot.ahead() != null) {
            try {
                slot.ahead().get();
                return;
            } catch (ExecutionException failedAhead) {
                if (Fifo.isFifo(slot.path())) {
                    return; // made before the command failed on another of its batch: the child may be opening it
                }
                // made here then, and what fails is reported; first away with a regular file that a child's
                // open made there
                if (Files.isRegularFile(slot.path(), LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(slot.path());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while " + slot.path() + " was being made", e);
            }
        }
        make(slot.path());
    }

    /**
     * Makes the directory if it is not yet, then FIFOs in it, each registered with the resource tracker
     * before it is made.
     */
    private synchronized void make(Path... paths) throws IOException {
        if (closed) {
            throw new IOException("the JVM is exiting: no child JVM starts now");
        }
        if (!made) {
            ResourceTracker.start(); // before anything is made: a JVM killed meanwhile leaves nothing
            ResourceTracker.register(ResourceTracker.Kind.DIR, dir.toString());
            try {
                Urandom.makePrivate(dir);
            } catch (IOException | RuntimeException e) {
                ResourceTracker.unregister(ResourceTracker.Kind.DIR, dir.toString());
                synchronized (Rendezvous.class) {
                    if (instance == this) {
                        instance = null; // the next child gets a rendezvous of another name
                    }
                }
                throw new IOException("cannot create the directory that child JVMs report back through, " + dir, e);
            }
            made = true;
        }
        for (Path p : paths) {
            ResourceTracker.register(ResourceTracker.Kind.FILE, p.toString());
            registered.add(p);
        }
        try {
            Fifo.make(paths);
        } catch (IOException | RuntimeException e) {
            // mkfifo goes on after a path it cannot make: those it made stay (a child may be opening one, and
            // another made in its place would not meet it), registered, removed as any other
            for (Path p : paths) {
                if (!Fifo.isFifo(p)) {
                    forget(p);
                }
            }
            throw e;
        }
    }

    /**
     * Admits the child that reports back through {@code slot}'s FIFO: on a daemon thread, makes the FIFO
     * (unless a maker ahead has), opens its reading end (which waits for the child to open its end) and reads
     * the child's HELLO. The FIFO is removed once open, or once the child has ended without opening it; a
     * child whose FIFO cannot be made is killed.
     *
     * @param slot the child's FIFO, from {@link #next}
     * @param process the child
     * @param stdin the child's stdin, where the channel writes
     * @param endedFirst the error to fail with when the child ends before it said HELLO
     * @return completes with the channel (reading the FIFO, writing {@code stdin}) once the child said HELLO
     */
    CompletableFuture<FrameChannel> admit(Slot slot, java.lang.Process process, OutputStream stdin,
                                          Supplier<IOException> endedFirst) {
        Admission a = new Admission(slot, process, stdin, endedFirst);
        String pid = Long.toString(process.pid());
        // The child's end is waited for on a thread of its own, which the admission ends once the child has
        // connected (it is needed only before): a dependent of process.onExit() would run, for every child, on
        // a thread of the common pool woken as the child ends, beside the program's join.
        a.exitWait = Thread.ofPlatform().daemon().name("mp4j-admit-exit-".concat(pid)).unstarted(a.new Exit());
        a.exitWait.start();
        Thread.ofPlatform().daemon().name("mp4j-admit-".concat(pid)).start(a);
        return a.connected;
    }

    /**
     * One child's admission: {@link #run} on its own thread, {@link Exit} on another until the child has
     * connected or ended.
     */
    private final class Admission implements Runnable {
        private final Slot slot;
        private final Path fifo;
        private final java.lang.Process process;
        private final OutputStream stdin;
        private final Supplier<IOException> endedFirst;
        final CompletableFuture<FrameChannel> connected = new CompletableFuture<>();
        private final CompletableFuture<Void> madeHere = new CompletableFuture<>();
        private final CompletableFuture<Void> opened = new CompletableFuture<>();
        /** Runs {@link Exit} once the child has ended; interrupted once the child has connected. */
        volatile Thread exitWait;

        Admission(Slot slot, java.lang.Process process, OutputStream stdin, Supplier<IOException> endedFirst) {
            this.slot = slot;
            this.fifo = slot.path();
            this.process = process;
            this.stdin = stdin;
            this.endedFirst = endedFirst;
        }

        @Override
        public void run() {
            try {
                admit();
            } finally {
                if (connected.isDone()) {
                    exitWait.interrupt(); // the child's end has nothing left to do here
                }
            }
        }

        private void admit() {
            FileChannel up = null;
            try {
                try {
                    make(slot);
                } catch (IOException e) {
                    process.destroyForcibly(); // it would wait for its FIFO until its boot timeout
                    throw new IOException("cannot make the FIFO that the child JVM (pid " + process.pid()
                            + ") reports back through: " + e.getMessage(), e);
                } finally {
                    madeHere.complete(null);
                }
                if (process.isAlive()) { // else its exit's handler may have given up on unblocking the open
                    up = FileChannel.open(fifo, StandardOpenOption.READ);
                }
            } catch (IOException e) {
                Quietly.close(stdin); // the channel that would own it is not made
                connected.completeExceptionally(e);
            } finally {
                forget(fifo); // first: the exit's handler fails the admission once the open is done
                opened.complete(null);
            }
            if (up == null) {
                Quietly.close(stdin);
                return;
            }
            FrameChannel channel = new FrameChannel(new FifoInput(up), stdin);
            try {
                byte[] hello = channel.receive(1);
                if (hello.length != 1 || hello[0] != Tags.HELLO) {
                    throw new IOException("the child JVM (pid " + process.pid() + ") did not begin with its hello");
                }
                if (!connected.complete(channel)) {
                    channel.close(); // it was given up on meanwhile
                }
            } catch (java.io.EOFException closed) {
                channel.close(); // the child is ending: its exit completes the admission
            } catch (IOException e) {
                channel.close();
                connected.completeExceptionally(e);
            }
        }

        /**
         * Waits for the child's exit, then fails the admission unless it connected, and unblocks an open still
         * waiting for it; ends early when interrupted, which the admission does once the child has connected.
         */
        final class Exit implements Runnable {
            @Override
            public void run() {
                try {
                    process.waitFor();
                } catch (InterruptedException connected) {
                    return; // by the admission, done
                }
                if (!opened.isDone()) {
                    // The child ended before it opened its end: be the writer that the open is waiting for,
                    // once the FIFO is made.
                    FileChannel writer = null;
                    try {
                        madeHere.get(UNBLOCK_SECONDS, TimeUnit.SECONDS);
                        writer = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    } catch (Exception ignored) {
                        // not made, or the open returned meanwhile (and removed the FIFO): nothing to unblock
                    }
                    try {
                        opened.get(UNBLOCK_SECONDS, TimeUnit.SECONDS); // a failure to make it is reported first
                    } catch (Exception ignored) {
                        // it never returns: nothing more to do
                    } finally {
                        Quietly.close(writer);
                    }
                }
                if (!connected.isDone()) { // the error (a message, a stack trace) only when it is one
                    connected.completeExceptionally(endedFirst.get());
                }
            }
        }
    }

    /** @param fifo a FIFO from {@link #next}, removed (and dropped from the resource tracker) */
    void forget(Path fifo) {
        try {
            Files.deleteIfExists(fifo);
            if (registered.remove(fifo)) {
                ResourceTracker.unregister(ResourceTracker.Kind.FILE, fifo.toString());
            }
        } catch (IOException ignored) {
            // the directory is removed at exit, or by the tracker
        }
    }

    /**
     * At exit: removes the FIFOs left (those not taken, and those of children that were booting as this JVM
     * exited: known without listing the directory, which would load a score of JDK classes at exit) and the
     * directory; once it has run, nothing more is made.
     */
    private synchronized void remove() {
        closed = true;
        if (!made) {
            return;
        }
        for (Path fifo : registered.toArray(new Path[0])) {
            forget(fifo);
        }
        try {
            Files.deleteIfExists(dir);
            ResourceTracker.unregister(ResourceTracker.Kind.DIR, dir.toString());
        } catch (IOException ignored) {
            // best effort at exit
        }
    }

    /**
     * The reading end of a child's FIFO as a stream: each read is one {@link FileChannel#read} into a direct
     * buffer of its own, copied out. A FileChannel, so that {@link #close} wakes a reader blocked in a read
     * (with an {@link java.nio.channels.AsynchronousCloseException}), which a FileInputStream's close does not.
     * Where {@code Channels.newInputStream} wrapped each read's array in a new heap buffer, which the channel
     * copied through a temporary direct buffer taken from, and given back to, the thread's cache: a dozen calls
     * more per read, and the parent reads a frame of results of every chunk a pool's worker runs, in the
     * interpreter for a fresh JVM's first several hundred.
     */
    private static final class FifoInput extends InputStream {
        /** The direct buffer's first size: most frames are short; it grows as reads fill it. */
        private static final int FIRST = 1 << 13;
        /** Its largest: a pipe holds 64 KiB. */
        private static final int MOST = 1 << 16;

        private final FileChannel channel;
        /** The receiving thread's; made at the first read. */
        private ByteBuffer direct;

        /** @param channel the FIFO's reading end; owned by this stream from now on */
        FifoInput(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            ByteBuffer buf = direct;
            if (buf == null) {
                buf = direct = ByteBuffer.allocateDirect(FIRST);
            }
            buf.clear().limit(Math.min(len, buf.capacity()));
            int got = channel.read(buf);
            if (got > 0) {
                buf.flip().get(b, off, got);
                if (got == buf.capacity() && got < MOST && len > got) {
                    direct = ByteBuffer.allocateDirect(Math.min(MOST, 2 * got)); // a long frame: fewer reads of it
                }
            }
            return got;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
