package dev.mp4j.internal.conn;

import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Sentinel;

import java.util.concurrent.CompletableFuture;

/**
 * A process's sentinel (a JVM's or a dummy process's thread): ready when the process has ended, which
 * {@code Connections.wait} waits on as on its exit future.
 *
 * @param process the process it belongs to
 * @param exit completes with the exit code when the process has ended
 */
public record ExitSentinel(Process process, CompletableFuture<Integer> exit) implements Sentinel, Waitable {
    @Override
    public boolean ready() {
        return exit.isDone();
    }

    @Override
    public Runnable onReady(Runnable wake) {
        return new FutureWaitable(exit).onReady(wake);
    }
}
