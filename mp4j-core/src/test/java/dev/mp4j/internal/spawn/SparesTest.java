package dev.mp4j.internal.spawn;

import dev.mp4j.function.SerializableRunnable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class SparesTest {
    /** A target that is a class of its own. */
    static final class Target implements SerializableRunnable {
        @java.io.Serial
        private static final long serialVersionUID = 1L;

        @Override
        public void run() {}
    }

    @Test
    void aSpareFindsALambdaByTheClassThatMadeItAndAClassByItsName() {
        // the tests' classes are read from a directory (target/test-classes)
        SerializableRunnable lambda = () -> { };
        Runnable reference = SparesTest::new;
        assertEquals(SparesTest.class.getName(), Spares.loadable(lambda.getClass()));
        assertEquals(SparesTest.class.getName(), Spares.loadable(reference.getClass()));
        assertEquals(Target.class.getName(), Spares.loadable(Target.class));
    }

    @Test
    void nothingAndTheJdksClassesAreNotLoadedAheadAndAJarsAre() {
        assertNull(Spares.loadable(null));
        assertNull(Spares.loadable(String.class));
        assertEquals(Test.class.getName(), Spares.loadable(Test.class), "a jar's class: the AOT cache may lack it");
        Runnable jdkLambda = Thread::yield;
        assertEquals(SparesTest.class.getName(), Spares.loadable(jdkLambda.getClass()), "made here");
    }

    @Test
    void aSpecsSparesHaveOneDaemonThreadThatFailsTheStartsItCannotBootAndEndsOnceDiscarded() throws Exception {
        Launch.Spec spec = Launch.Spec.defaults(SparesTest.class).withJava(Path.of("/nonexistent/mp4j-test/java"));
        Set<Thread> before = sparesThreads();
        Spares.prime(spec);
        Thread thread = null;
        for (int i = 0; i < 500 && thread == null; i++) { // the thread is started by prime: there at once
            Set<Thread> now = sparesThreads();
            now.removeAll(before);
            thread = now.isEmpty() ? null : now.iterator().next();
        }
        assertNotNull(thread, "prime starts the spares' thread");
        assertTrue(thread.isDaemon(), "it does not keep the JVM alive");
        assertThrows(IOException.class, () -> Spares.take(spec), "a spare that cannot boot fails the start");
        assertTrue(thread.isAlive(), "the thread outlives a failed boot, for the next one");
        Spares.discard(spec);
        thread.join(30_000);
        assertFalse(thread.isAlive(), "discarding the spec ends its thread");
    }

    private static Set<Thread> sparesThreads() {
        Set<Thread> threads = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("mp4j-forkserver-spares")) {
                threads.add(t);
            }
        }
        return threads;
    }
}
