package dev.mp4j.multiprocessing;

import dev.mp4j.internal.spawn.ChildJvm;
import dev.mp4j.internal.util.ProcessTrees;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Watches a started {@link Process}'s child JVM on a daemon thread until it ends. A platform thread: a
 * virtual one blocked in a read is woken through the JDK's poller and a carrier, hand-offs that would sit
 * between a child's exit and {@code join()} returning. A child that a signal from outside ended takes the
 * processes it started with it ({@link ProcessTrees#killMarked}) before {@code join()} returns.
 */
final class ExitWatch {
    private ExitWatch() {}

    /**
     * @param jvm the child
     * @param exit completed with its exit code, last
     * @param signalled whether this JVM signalled the child (and its descendants) itself
     * @param after run with the exit code first
     * @return the watch, which a joining thread may end itself ({@link Watch#awaitEnd})
     */
    static Watch watch(ChildJvm jvm, CompletableFuture<Integer> exit, BooleanSupplier signalled, IntConsumer after) {
        Watch watch = new Watch(jvm, exit, signalled, after);
        Thread.ofPlatform().daemon().name("mp4j-exit-watch-".concat(Long.toString(jvm.pid()))).start(watch);
        return watch;
    }

    /**
     * The watch's body: a class, not a lambda, as is {@link Ignore}, since a fresh JVM's first start runs this
     * while its first child boots, where each lambda spins a class in the interpreter.
     *
     * <p>Its end (the exit code passed on, {@code exit} completed) comes once, from this thread or from a
     * thread joining the process ({@link #awaitEnd}): when the child ends, the JDK's reaper wakes the threads
     * waiting for the process, and a joining thread that waits there itself ends the watch without waiting
     * for this thread to be woken in turn.
     */
    static final class Watch implements Runnable {
        private final ChildJvm jvm;
        private final CompletableFuture<Integer> exit;
        private final BooleanSupplier signalled;
        private final IntConsumer after;
        private final AtomicBoolean ended = new AtomicBoolean();

        Watch(ChildJvm jvm, CompletableFuture<Integer> exit, BooleanSupplier signalled, IntConsumer after) {
            this.jvm = jvm;
            this.exit = exit;
            this.signalled = signalled;
            this.after = after;
        }

        @Override
        public void run() {
            String tree = ProcessTrees.token(jvm.process().toHandle());
            int code = jvm.readUntilExit(Ignore.FRAMES);
            jvm.release();
            if (exit.isDone()) {
                return; // a joining thread ended it
            }
            if (code < 0 && !signalled.getAsBoolean()) {
                ProcessTrees.killMarked(tree);
            }
            end(code);
        }

        /**
         * Waits on the caller's thread for the process to end (reaped: the JDK reports it ended), and ends the
         * watch there if the child reported its exit code before it ended and the code is not negative (a
         * negative one may ask for its descendants to be killed first, which this thread leaves to the watch);
         * otherwise the caller waits for {@code exit} as before.
         *
         * @param nanos the longest wait, or {@link dev.mp4j.internal.util.Timeouts#FOREVER}
         * @return false if the wait timed out
         * @throws InterruptedException if interrupted
         */
        boolean awaitEnd(long nanos) throws InterruptedException {
            java.lang.Process process = jvm.process();
            if (nanos == dev.mp4j.internal.util.Timeouts.FOREVER) {
                process.waitFor();
            } else if (!process.waitFor(nanos, TimeUnit.NANOSECONDS)) {
                return false;
            }
            Integer code = jvm.reportedExit();
            if (code != null && code >= 0) {
                end(code);
            }
            return true;
        }

        private void end(int code) {
            if (ended.compareAndSet(false, true)) {
                after.accept(code);
                exit.complete(code);
            }
        }
    }

    /** Drops the frames of a process job's channel that are not the launch protocol's (it sends none). */
    private static final class Ignore implements Consumer<byte[]> {
        static final Ignore FRAMES = new Ignore();

        @Override
        public void accept(byte[] frame) {}
    }
}
