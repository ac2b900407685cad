package dev.mp4j.multiprocessing;

import java.util.concurrent.CompletableFuture;

/** A process's sentinel: ready when the process has ended. */
record ProcessSentinel(Process process, CompletableFuture<Integer> exit) implements Sentinel {
    boolean ready() {
        return exit.isDone();
    }
}
