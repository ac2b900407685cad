package dev.mp4j.internal.spawn;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The forkserver start method on a JVM, which cannot fork: per launch spec, one spare child JVM is kept
 * booted, warmed up and connected (it says hello once warm), waiting for a job. {@link #take} hands over the
 * ready spare; when the spare is still booting it also boots a child at once, as spawn would (with the preload
 * classes, without the spare's warm-up), and hands over whichever of the two is ready first, the other becoming the next
 * spare — so a start is never slower than a spawn, back to back included. A replacement boots in the background once the child handed over has ended or has had a moment to
 * start its job. Spares die with this JVM like every child (they watch its pid).
 */
public final class Spares {
    private static final Map<Launch.Spec, Spares> BY_SPEC = new ConcurrentHashMap<>();
    private static final int ATTEMPTS = 3;
    /** How long a child just handed over has the machine to itself before the next spare boots. */
    static final long REPLACE_AFTER_MILLIS = 150;

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

    /**
     * Forgets the spares of {@code spec} and ends the one booted or booting, if any: the defaults changed, and
     * children of the old spec are no longer wanted ahead. A later {@link #take} of the spec boots afresh.
     *
     * @param spec how the spares were started
     */
    public static void discard(Launch.Spec spec) {
        Spares spares = BY_SPEC.remove(spec);
        if (spares != null) {
            CompletableFuture<ChildJvm> spare;
            synchronized (spares) {
                spare = spares.next;
                spares.next = null;
            }
            if (spare != null) {
                spare.thenAccept(child -> {
                    child.process().destroyForcibly();
                    child.release();
                });
            }
        }
    }

    private synchronized void ensureBooting() {
        if (next == null) {
            next = boot(true);
        }
    }

    /**
     * @return the spare when it is ready; else the first ready of it and a child booting now, the other
     *     becoming the next spare
     */
    private CompletableFuture<ChildJvm> claim() {
        CompletableFuture<ChildJvm> spare;
        synchronized (this) {
            spare = next;
            next = null;
        }
        if (spare != null && spare.isDone()) {
            return spare;
        }
        CompletableFuture<ChildJvm> fresh = boot(false);
        if (spare == null) {
            return fresh;
        }
        Race<ChildJvm> race = new Race<>();
        spare.whenComplete(race::arrived);
        fresh.whenComplete(race::arrived);
        synchronized (this) {
            if (next == null) {
                next = race.second;
                return race.first;
            }
        }
        race.second.thenAccept(ChildJvm::release);
        return race.first;
    }

    /**
     * Two things under way (children booting): {@link #first} completes with the one ready first, {@link #second}
     * with the other; a failure completes either only once the other's outcome is known, so {@link #first}
     * fails only when both have failed.
     */
    static final class Race<T> {
        final CompletableFuture<T> first = new CompletableFuture<>();
        final CompletableFuture<T> second = new CompletableFuture<>();
        private int arrivals; // guarded by this
        private Throwable failure; // guarded by this

        /** A boot ended: a child goes to the first place still open; a failure waits for the other's outcome. */
        synchronized void arrived(T child, Throwable error) {
            arrivals++;
            if (error != null) {
                failure = error;
                if (arrivals == 2) {
                    first.completeExceptionally(error); // no effect when the other came first
                    second.completeExceptionally(error);
                }
            } else if (first.complete(child)) {
                if (arrivals == 2) {
                    second.completeExceptionally(failure);
                }
            } else {
                second.complete(child);
            }
        }
    }

    private ChildJvm take() throws IOException {
        IOException last = null;
        for (int i = 0; i < ATTEMPTS; i++) {
            try {
                ChildJvm child = claim().join();
                if (child.process().isAlive()) {
                    replaceLater(child.process());
                    return child;
                }
                child.release();
            } catch (CompletionException e) {
                last = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
        }
        ensureBooting();
        throw last != null ? last : new IOException("spare child JVMs keep dying before they get a job");
    }

    /**
     * Boots the next spare once the child just handed over has ended or has had {@link #REPLACE_AFTER_MILLIS}
     * ms to start its job, whichever comes first: booting a JVM takes a core for a while, which the new
     * child needs more during its first moments. A {@link #take} before then boots a child at once.
     */
    private void replaceLater(java.lang.Process taken) {
        taken.onExit().thenRun(this::ensureBooting);
        CompletableFuture.delayedExecutor(REPLACE_AFTER_MILLIS, TimeUnit.MILLISECONDS).execute(this::ensureBooting);
    }

    /**
     * @param spare whether the child warms up before it says hello (a spare), or is connected as soon as
     *     booted (the one a start boots at once when no spare is ready); either loads the spec's preload
     *     classes before its job runs
     */
    private CompletableFuture<ChildJvm> boot(boolean spare) {
        CompletableFuture<ChildJvm> cf = new CompletableFuture<>();
        Thread.ofVirtual().name("mp4j-forkserver-boot").start(() -> {
            try {
                cf.complete(Launch.begin(spec, spare, true).await());
            } catch (Throwable t) {
                cf.completeExceptionally(t);
            }
        });
        return cf;
    }
}
