package dev.mp4j.multiprocessing;

import dev.mp4j.internal.spawn.ChildJvm;
import dev.mp4j.internal.spawn.ExitCodes;

import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;

/** Watches a started {@link Process}'s child JVM on a virtual thread until it ends. */
final class ExitWatch {
    private ExitWatch() {}

    static void watch(ChildJvm jvm, CompletableFuture<Integer> exit, IntConsumer after) {
        Thread.ofVirtual().name("mp4j-exit-watch-" + jvm.pid()).start(() -> {
            int code = ExitCodes.readUntilExit(jvm, frame -> { });
            jvm.release();
            after.accept(code);
            exit.complete(code);
        });
    }
}
