package dev.mp4j.multiprocessing;

import dev.mp4j.internal.spawn.ChildJvm;

import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;

/**
 * Watches a started {@link Process}'s child JVM on a daemon thread until it ends. A platform thread: a
 * virtual one blocked in a read is woken through the JDK's poller and a carrier, hand-offs that would sit
 * between a child's exit and {@code join()} returning.
 */
final class ExitWatch {
    private ExitWatch() {}

    static void watch(ChildJvm jvm, CompletableFuture<Integer> exit, IntConsumer after) {
        Thread.ofPlatform().daemon().name("mp4j-exit-watch-" + jvm.pid()).start(() -> {
            int code = jvm.readUntilExit(frame -> { });
            jvm.release();
            after.accept(code);
            exit.complete(code);
        });
    }
}
