package dev.mp4j.multiprocessing.shared;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.shared.SharedObjects;
import dev.mp4j.multiprocessing.Process;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Helpers for the shared-memory tests: children, serialization, and the names a test made. */
final class Shm {
    private final List<Object> made = new ArrayList<>();

    /** Records a shared value or array so that {@link #releaseAll()} unlinks it. */
    <T> T track(T shared) {
        made.add(shared);
        return shared;
    }

    /** Unlinks every recorded object's name and checks that nothing of them is left in /dev/shm. */
    void releaseAll() {
        for (Object o : made) {
            String name = SharedObjects.nameOf(o);
            SharedObjects.release(o);
            assertFalse(SharedObjects.owns(name), name);
            assertFalse(exists(name), "/dev/shm/" + name + " is still there");
        }
        made.clear();
    }

    static boolean exists(String name) {
        return Files.exists(Path.of("/dev/shm", name));
    }

    /** Runs {@code body} in a child process and checks that it ended normally. */
    static void inChild(SerializableRunnable body) {
        Process p = new Process(body);
        p.start();
        join(p);
    }

    static void join(Process p) {
        assertTrue(p.join(Duration.ofSeconds(60)), "the child did not end");
        assertEquals(OptionalInt.of(0), p.exitCode(), "the child's exit code");
        p.close();
    }

    /** Serializes and deserializes {@code o} in this JVM, as a receiving process would. */
    @SuppressWarnings("unchecked")
    static <T> T roundTrip(T o) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(o);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                return (T) in.readObject();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
