package dev.mp4j.internal.spawn;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The forkserver start method on a JVM, which cannot fork: per launch spec, one spare child JVM is kept
 * booted, connected and authenticated, waiting for a job. {@link #take} hands over the ready spare (or
 * waits for the one booting) and starts booting its replacement in the background. Spares die with this
 * JVM like every child (their stdin closes).
 */
public final class Spares {
    private static final Map<Launch.Spec, Spares> BY_SPEC = new ConcurrentHashMap<>();
    private static final int ATTEMPTS = 3;

    private final Launch.Spec spec;
    private CompletableFuture<ChildJvm> next; // guarded by this

    private Spares(Launch.Spec spec) {
        this.spec = spec;
    }

    /**
     * Starts booting a spare for {@code spec} if none is there yet.
     *
     * @param spec how spares are started
     */
    public static void prime(Launch.Spec spec) {
        BY_SPEC.computeIfAbsent(spec, Spares::new).ensureBooting();
    }

    /**
     * @param spec how the child is started
     * @return a booted, connected child waiting for its job
     * @throws IOException if no spare could be booted
     */
    public static ChildJvm take(Launch.Spec spec) throws IOException {
        return BY_SPEC.computeIfAbsent(spec, Spares::new).take();
    }

    private synchronized void ensureBooting() {
        if (next == null) {
            next = boot();
        }
    }

    private synchronized CompletableFuture<ChildJvm> swap() {
        CompletableFuture<ChildJvm> ready = next != null ? next : boot();
        next = boot();
        return ready;
    }

    private ChildJvm take() throws IOException {
        IOException last = null;
        for (int i = 0; i < ATTEMPTS; i++) {
            try {
                ChildJvm child = swap().join();
                if (child.process().isAlive()) {
                    return child;
                }
                child.release();
            } catch (CompletionException e) {
                last = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
        }
        throw last != null ? last : new IOException("spare child JVMs keep dying before they get a job");
    }

    private CompletableFuture<ChildJvm> boot() {
        CompletableFuture<ChildJvm> cf = new CompletableFuture<>();
        Thread.ofVirtual().name("mp4j-forkserver-boot").start(() -> {
            try {
                cf.complete(Launch.start(spec));
            } catch (Throwable t) {
                cf.completeExceptionally(t);
            }
        });
        return cf;
    }
}
