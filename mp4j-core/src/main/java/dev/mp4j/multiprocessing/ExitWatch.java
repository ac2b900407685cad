package dev.mp4j.multiprocessing;

import dev.mp4j.internal.spawn.ChildJvm;
import dev.mp4j.internal.util.ProcessTrees;

import java.util.concurrent.CompletableFuture;
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
     */
    static void watch(ChildJvm jvm, CompletableFuture<Integer> exit, BooleanSupplier signalled, IntConsumer after) {
        Thread.ofPlatform().daemon().name("mp4j-exit-watch-".concat(Long.toString(jvm.pid())))
                .start(new Watch(jvm, exit, signalled, after));
    }

    /**
     * The watch's body: a class, not a lambda, as is {@link Ignore}, since a fresh JVM's first start runs this
     * while its first child boots, where each lambda spins a class in the interpreter.
     */
    private record Watch(ChildJvm jvm, CompletableFuture<Integer> exit, BooleanSupplier signalled,
                         IntConsumer after) implements Runnable {
        @Override
        public void run() {
            String tree = ProcessTrees.token(jvm.process().toHandle());
            int code = jvm.readUntilExit(Ignore.FRAMES);
            jvm.release();
            if (code < 0 && !signalled.getAsBoolean()) {
                ProcessTrees.killMarked(tree);
            }
            after.accept(code);
            exit.complete(code);
        }
    }

    /** Drops the frames of a process job's channel that are not the launch protocol's (it sends none). */
    private static final class Ignore implements Consumer<byte[]> {
        static final Ignore FRAMES = new Ignore();

        @Override
        public void accept(byte[] frame) {}
    }
}
