package dev.mp4j.internal.spawn;

import dev.mp4j.internal.ffm.Fifo;
import dev.mp4j.internal.tracker.ResourceTracker;
import dev.mp4j.internal.util.Quietly;
import dev.mp4j.internal.util.Urandom;
import dev.mp4j.internal.wire.FrameChannel;
import dev.mp4j.internal.wire.Tags;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Where this JVM's children report back: a private (0700) temporary directory, made on first use, holding
 * one FIFO per booting child (in a JVM's first starts, also a couple made ahead: see {@link #newFifo}).
 * The parent writes to a child through the child's stdin; the child writes to the parent through its
 * FIFO, which it opens first thing and says HELLO through. Both ends are private to
 * this user and to the two processes, so there is nothing to authenticate — and the child opens no socket:
 * the first JDK Unix-domain socket of a JVM starts the JCA (for a {@code SecureRandom}), which was the
 * longest step of a child's start (40–50 ms here).
 *
 * <p>Each FIFO is removed once both ends are open; the directory when the JVM exits. The resource tracker
 * removes both if the JVM is killed.
 */
final class Rendezvous {
    /** How long an ended child's admission waits for its thread to leave the FIFO's open. */
    private static final long UNBLOCK_SECONDS = 10;
    private static Rendezvous instance; // guarded by Rendezvous.class
    private static final AtomicBoolean READ_AHEAD = new AtomicBoolean();

    /** FIFOs made ahead with another: while {@code mkfifo(3)} is not linked yet, each command makes this many more. */
    static final int SPARES = 2;

    private final Path dir;
    private final AtomicLong launches = new AtomicLong();
    private final java.util.Queue<Path> spares = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private Rendezvous() throws IOException {
        // First the hook: once the JVM is shutting down this throws, and nothing is made that would stay.
        Runtime.getRuntime().addShutdownHook(new Thread(this::remove, "mp4j-rendezvous-cleanup"));
        ResourceTracker.start(); // a JVM killed while its tracker starts would leave the directory
        dir = Urandom.privateDirectory(Urandom.tempDir(), "mp4j-");
        ResourceTracker.register(ResourceTracker.Kind.DIR, dir.toString());
    }

    /** Makes the rendezvous and FIFOs ahead ({@link #SPARES} and one), once per JVM, on a background thread. */
    static void readAhead() {
        if (READ_AHEAD.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("mp4j-rendezvous-ahead").start(() -> {
                try {
                    Rendezvous r = get();
                    r.spares.add(r.newFifo());
                } catch (IOException | RuntimeException e) {
                    // the first start makes them, and reports what fails
                }
            });
        }
    }

    static synchronized Rendezvous get() {
        if (instance == null) {
            try {
                instance = new Rendezvous();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the directory that child JVMs report back through", e);
            }
        }
        return instance;
    }

    /** @return the directory */
    Path dir() {
        return dir;
    }

    /** @return the FIFOs made ahead, not handed out yet */
    java.util.List<Path> spares() {
        return java.util.List.copyOf(spares);
    }

    /**
     * @return a new FIFO for one child to report back through, known to the resource tracker
     * @throws IOException if it cannot be made
     */
    Path newFifo() throws IOException {
        return newFifo(Fifo.linked());
    }

    /**
     * @param linked whether {@code mkfifo(3)} is linked: if not, each FIFO costs a command (a fresh JVM's
     *     first starts), and this makes {@link #SPARES} more with it, for the next starts
     */
    Path newFifo(boolean linked) throws IOException {
        Path spare = spares.poll();
        if (spare != null) {
            return spare;
        }
        Path[] made = new Path[linked ? 1 : 1 + SPARES];
        for (int i = 0; i < made.length; i++) {
            made[i] = dir.resolve("c" + launches.incrementAndGet());
            ResourceTracker.register(ResourceTracker.Kind.FILE, made[i].toString());
        }
        try {
            Fifo.make(made);
        } catch (IOException | RuntimeException e) {
            for (Path p : made) {
                forget(p);
            }
            throw e;
        }
        spares.addAll(java.util.Arrays.asList(made).subList(1, made.length));
        return made[0];
    }

    /**
     * Admits the child that reports back through {@code fifo}: on a daemon thread, opens the FIFO's reading
     * end (which waits for the child to open its end) and reads the child's HELLO. The FIFO is removed once
     * open, or once the child has ended without opening it.
     *
     * @param fifo the child's FIFO, from {@link #newFifo}
     * @param process the child
     * @param stdin the child's stdin, where the channel writes
     * @param endedFirst the error to fail with when the child ends before it said HELLO
     * @return completes with the channel (reading the FIFO, writing {@code stdin}) once the child said HELLO
     */
    CompletableFuture<FrameChannel> admit(Path fifo, java.lang.Process process, OutputStream stdin,
                                          Supplier<IOException> endedFirst) {
        CompletableFuture<FrameChannel> connected = new CompletableFuture<>();
        CompletableFuture<Void> opened = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("mp4j-admit-" + process.pid()).start(() -> {
            FileChannel up;
            try {
                up = FileChannel.open(fifo, StandardOpenOption.READ);
            } catch (IOException e) {
                Quietly.close(stdin); // the channel that would own it is not made
                connected.completeExceptionally(e);
                return;
            } finally {
                forget(fifo); // first: the exit's handler fails the admission once the open is done
                opened.complete(null);
            }
            FrameChannel channel = new FrameChannel(Channels.newInputStream(up), stdin);
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
        });
        process.onExit().thenRun(() -> {
            if (!opened.isDone()) {
                // The child ended before it opened its end: be the writer that the open is waiting for.
                FileChannel writer = null;
                try {
                    writer = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    opened.get(UNBLOCK_SECONDS, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // the open returned meanwhile (and removed the FIFO), or never will: nothing more to do
                } finally {
                    Quietly.close(writer);
                }
            }
            connected.completeExceptionally(endedFirst.get());
        });
        return connected;
    }

    /** @param fifo a FIFO from {@link #newFifo}, removed (and dropped from the resource tracker) */
    static void forget(Path fifo) {
        try {
            Files.deleteIfExists(fifo);
            ResourceTracker.unregister(ResourceTracker.Kind.FILE, fifo.toString());
        } catch (IOException ignored) {
            // the directory is removed at exit, or by the tracker
        }
    }

    private void remove() {
        if (dir == null) {
            return; // the JVM exited while this was being made
        }
        try (DirectoryStream<Path> left = Files.newDirectoryStream(dir)) {
            for (Path fifo : left) {
                forget(fifo); // of children that were booting as this JVM exited
            }
        } catch (IOException ignored) {
            // best effort at exit
        }
        try {
            Files.deleteIfExists(dir);
            ResourceTracker.unregister(ResourceTracker.Kind.DIR, dir.toString());
        } catch (IOException ignored) {
            // best effort at exit
        }
    }
}
