package dev.mp4j.internal.child;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What keeps a child alive once its main returns: its live non-daemon threads, found without stopping the JVM;
 * and the job a process's frame decodes to.
 */
@Timeout(60)
class JobsTest {
    @Test
    void aProcessJobIsAClassOfItsOwnNotALambdaSpunAsTheJobArrives() throws Exception {
        dev.mp4j.internal.spawn.Job job = Jobs.decode(dev.mp4j.internal.wire.Tags.frame(dev.mp4j.internal.wire.Tags.JOB,
                Warmup.sampleProcessJob().encode()));
        assertFalse(job.getClass().isHidden(), job.getClass().getName());
    }

    @Test
    void aLiveNonDaemonThreadIsFoundAndADaemonIsNot() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread daemon = Thread.ofPlatform().daemon().start(() -> await(release));
        Thread user = Thread.ofPlatform().daemon(false).start(() -> await(release));
        try {
            Thread found = dev.mp4j.internal.spawn.Child.nonDaemonThreadBesides(Thread.currentThread());
            assertTrue(found != null && found.isAlive() && !found.isDaemon(), String.valueOf(found));
            assertNotSame(Thread.currentThread(), found);
            assertNotSame(daemon, found);
        } finally {
            release.countDown();
            daemon.join(TimeUnit.SECONDS.toMillis(30));
            user.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertFalse(user.isAlive());
        Thread after = dev.mp4j.internal.spawn.Child.nonDaemonThreadBesides(Thread.currentThread());
        assertTrue(after != user && after != daemon && after != Thread.currentThread(), String.valueOf(after));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
