package dev.mp4j.internal.spawn;

import dev.mp4j.function.SerializableRunnable;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
}
