package dev.mp4j.multiprocessing.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.function.SerializableCallable;
import dev.mp4j.multiprocessing.AsyncResult;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pool;
import dev.mp4j.multiprocessing.WorkerLostError;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Pool worker killed at each stage of a task — while it reads the task, while it runs it, while it
 * writes the result — fails exactly that task with WorkerLostError (where CPython's Pool hangs), and the
 * pool replaces the worker and serves the next tasks.
 */
@Timeout(120)
class PoolWorkerDeathStagesTest {
    private static final int HALT = 9;
    private static Pool pool;

    @BeforeAll
    static void makePool() {
        pool = new Pool(1);
        assertEquals(1, pool.apply(() -> 1));
    }

    @AfterAll
    static void closePool() {
        pool.terminate();
        pool.join();
    }

    /** Halts the worker JVM while it is (de)serialized there; harmless in the test JVM. */
    static final class HaltInWorker implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        private final boolean onRead;

        HaltInWorker(boolean onRead) {
            this.onRead = onRead;
        }

        private static boolean inWorker() {
            return Multiprocessing.parentProcess() != null;
        }

        @Serial
        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject();
            if (!onRead && inWorker()) {
                Runtime.getRuntime().halt(HALT);
            }
        }

        @Serial
        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            if (onRead && inWorker()) {
                Runtime.getRuntime().halt(HALT);
            }
        }
    }

    private static void assertLostThenServed(SerializableCallable<Object> deadly) {
        AsyncResult<Object> r = pool.applyAsync(deadly);
        WorkerLostError e = assertThrows(WorkerLostError.class, () -> r.get(Duration.ofSeconds(60)));
        assertTrue(e.getMessage().contains("exit code"), e.getMessage());
        assertEquals(42, pool.apply(() -> 6 * 7), "the pool goes on with a new worker");
    }

    @Test
    void killedWhileReadingTheTask() {
        HaltInWorker trap = new HaltInWorker(true);
        assertLostThenServed(() -> trap);
    }

    @Test
    void killedWhileRunningTheTask() {
        assertLostThenServed(() -> {
            Runtime.getRuntime().halt(HALT);
            return null;
        });
    }

    @Test
    void killedWhileWritingTheResult() {
        assertLostThenServed(() -> new HaltInWorker(false));
    }
}
