package dev.mp4j.multiprocessing;

import dev.mp4j.internal.spawn.ChildJvm;
import dev.mp4j.internal.util.ProcessTrees;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Watches a started {@link Process}'s child JVM on a daemon thread until it ends; the thread then waits a while
 * for the next process's watch ({@link Runner}). A platform thread: a
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
        Runner idle = IDLE.getAndSet(null);
        if (idle == null || !idle.hand(watch)) {
            Thread.ofPlatform().daemon().name(watch.threadName()).start(new Runner(watch));
        }
        return watch;
    }

    /**
     * How long a watch's thread waits for the next watch once its child has ended: a program that starts
     * process after process, paced, hands each to the thread the last one left, rather than starting a thread
     * (a tenth of a millisecond or two of the parent's CPU, and its start handshake) while its child starts.
     */
    static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** The thread of an ended watch, waiting for the next; at most one. */
    private static final AtomicReference<Runner> IDLE = new AtomicReference<>();

    /**
     * A watch's thread: runs its watch, then waits up to {@link #IDLE_NANOS} for another, renamed for each. A
     * watch that throws ends its thread, which is then never handed another. Its {@link #next}, by CAS:
     * <pre>
     *   watch (handed) --taken by the thread--&gt; null (running it, then waiting, listed in IDLE)
     *   null --hand(watch)--&gt; watch          null --the wait runs out--&gt; LEFT (final: hand fails)
     * </pre>
     */
    static final class Runner implements Runnable {
        /** What {@link #next} holds once the thread has stopped waiting: nothing more is taken. */
        private static final Object LEFT = new Object();
        /** The watch handed to this thread and not yet taken; null while it waits; {@link #LEFT} once it left. */
        private final AtomicReference<Object> next;
        private volatile Thread thread;

        Runner(Watch first) {
            next = new AtomicReference<>(first);
        }

        /** @return whether this idle thread took {@code watch}: false once it has left */
        boolean hand(Watch watch) {
            if (!next.compareAndSet(null, watch)) {
                return false;
            }
            LockSupport.unpark(thread);
            return true;
        }

        @Override
        public void run() {
            Thread self = Thread.currentThread();
            thread = self;
            Object task = next.getAndSet(null);
            while (task != null) {
                run(self, (Watch) task);
                task = null; // the ended watch is not held while the thread waits: its process may be collected
                task = idle();
            }
        }

        private static void run(Thread self, Watch watch) {
            String name = watch.threadName();
            if (!self.getName().equals(name)) {
                self.setName(name);
            }
            Thread.interrupted(); // an interrupt meant for the watch before (an onExit dependent's, say) is not this one's
            watch.run();
        }

        /** @return the next watch, or null: the thread leaves, having waited {@link #IDLE_NANOS} for none */
        private Object idle() {
            if (!IDLE.compareAndSet(null, this)) {
                return null; // another thread waits already
            }
            long deadline = System.nanoTime() + IDLE_NANOS;
            while (true) {
                Object task = next.getAndSet(null);
                if (task != null) {
                    return task;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    if (next.compareAndSet(null, LEFT)) {
                        IDLE.compareAndSet(this, null);
                        return null;
                    }
                    // handed one as it was leaving: loop to take it
                } else {
                    Thread.interrupted(); // else park returns at once: an interrupt has nothing to stop here
                    LockSupport.parkNanos(this, left);
                }
            }
        }
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

        /** @return the name of the thread that runs it */
        String threadName() {
            return "mp4j-exit-watch-".concat(Long.toString(jvm.pid()));
        }

        @Override
        public void run() {
            String tree = jvm.treeToken();
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
