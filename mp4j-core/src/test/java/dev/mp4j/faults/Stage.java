package dev.mp4j.faults;

import dev.mp4j.multiprocessing.Multiprocessing;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The stages of a task in a worker JVM where the fault tests kill it, and the means to catch a worker at
 * one without a hook in mp4j: objects whose deserialization or serialization in a worker (or a task body)
 * records the worker's pid in a file of a test directory and then blocks until the worker is killed.
 * Receiving and sending are caught from outside instead (the worker's read and write counters, see
 * {@link WorkerKillMatrixTest}).
 *
 * <p>A record is a file {@code <dir>/<stage>} holding the pid, made at most once per directory (an
 * exclusive create), so that a task that a pool sends again to another worker after the kill runs normally
 * there.
 */
enum Stage {
    /** The task's bytes are on their way to the worker (a large payload; the kill interrupts the transfer). */
    RECEIVING,
    /** The worker deserializes the task. */
    DESERIALIZING,
    /** The task runs. */
    RUNNING,
    /** The worker serializes the task's result. */
    SERIALIZING,
    /** The result's bytes are on their way back (a large result; the kill interrupts the transfer). */
    SENDING;

    /** How long a caught worker blocks at most: the test kills it long before. */
    static final Duration BLOCK = Duration.ofSeconds(90);

    /** Whether this runs in a child JVM (a pool worker) rather than in the test JVM. */
    static boolean inWorker() {
        return Multiprocessing.parentProcess() != null;
    }

    /**
     * Records that this process reached {@code stage}, then blocks, if no process recorded it in
     * {@code dir} before; returns at once otherwise.
     */
    static void reachAndBlock(String dir, Stage stage) {
        if (record(dir, stage.name(), Long.toString(ProcessHandle.current().pid()))) {
            try {
                Thread.sleep(BLOCK);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("the test did not kill this worker at " + stage);
        }
    }

    /** Writes {@code content} to {@code dir/name} atomically, unless that file exists; true if written. */
    static boolean record(String dir, String name, String content) {
        Path target = Path.of(dir, name);
        Path tmp = Path.of(dir, name + ".tmp" + ProcessHandle.current().pid());
        try {
            Files.writeString(tmp, content, StandardCharsets.US_ASCII);
            try {
                Files.createLink(target, tmp); // fails if the target exists: at most one process records
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits for the record of {@code name} in {@code dir} (a WatchService: the file appears by a link, one
     * event) and returns its content.
     *
     * @throws AssertionError if none came within {@code timeout}
     */
    static String await(Path dir, String name, Duration timeout) {
        Path target = dir.resolve(name);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (WatchService ws = dir.getFileSystem().newWatchService()) {
            dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE);
            while (true) {
                if (Files.exists(target)) {
                    return Files.readString(target, StandardCharsets.US_ASCII).strip();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no process reached " + name + " within " + timeout);
                }
                var key = ws.poll(left, TimeUnit.NANOSECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * A value that catches the worker that deserializes it ({@code onRead}) or serializes it: the worker
     * records its pid and blocks. Harmless in the test JVM, and in the second worker a re-sent task reaches.
     */
    static final class Trap implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        private final String dir;
        private final Stage stage;
        private final boolean onRead;

        Trap(Path dir, Stage stage, boolean onRead) {
            this.dir = dir.toString();
            this.stage = stage;
            this.onRead = onRead;
        }

        @Serial
        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject();
            if (!onRead && inWorker()) {
                reachAndBlock(dir, stage);
            }
        }

        @Serial
        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            if (onRead && inWorker()) {
                reachAndBlock(dir, stage);
            }
        }

        @Override
        public String toString() {
            return "Trap[" + stage + "]";
        }
    }
}
