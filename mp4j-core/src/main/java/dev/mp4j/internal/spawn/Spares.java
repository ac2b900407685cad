package dev.mp4j.internal.spawn;

import dev.mp4j.internal.wire.FrameChannel;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The forkserver start method on a JVM, which cannot fork: per launch spec, one spare child JVM is kept
 * booted and connected, waiting for a job (it warms up meanwhile, {@code Warmup}). {@link #take} hands over
 * the spare, ready or still booting: a spare that boots was started before a child booted now would be, with
 * the same command, and says hello as soon as it is booted (its warm-up stops when its job comes), so it is
 * ready first — a start never waits longer than a spawn would, back to back included — and no second JVM
 * boots beside it, which on a machine of few CPUs would slow both. A start that finds no spare boots a child
 * at once on its own thread, as spawn does; either way the start waits for its child's hello itself (not
 * through the thread that booted the spare: one thread woken less per start). The next spare boots
 * {@link #AFTER_EXIT_MILLIS} ms after the child just handed over has ended, or once it has had
 * {@link #REPLACE_AFTER_MILLIS} ms to start its job, and only if no later start came meanwhile (that start
 * replaces its own): at most one spare boots at a time. Spares die with this JVM like every child (they watch
 * its pid).
 */
public final class Spares {
    private static final Map<Launch.Spec, Spares> BY_SPEC = new ConcurrentHashMap<>();
    private static final int ATTEMPTS = 3;
    /** How long a child just handed over has the machine to itself before the next spare boots. */
    static final long REPLACE_AFTER_MILLIS = 150;
    /**
     * How long after the child just handed over has ended the next spare boots: a program that starts its
     * next process at once (back to back) claims no spare and boots its child itself, as spawn does, instead
     * of a spare booting beside its join and its next start.
     */
    static final long AFTER_EXIT_MILLIS = 10;

    private final Launch.Spec spec;
    private CompletableFuture<Launch.Booting> next; // guarded by this: the spare, once its process is started
    private long takes; // guarded by this: the starts so far, each numbered
    /** Guarded by this: set by {@link #discard}, after which no spare of this spec boots. */
    private boolean discarded;
    /** Guarded by this: the spare {@link #thread} is to boot next, or null. */
    private CompletableFuture<Launch.Booting> toBoot;
    /** Guarded by this: the start whose replacement is due at {@link #replaceAt}, or 0 for none. */
    private long replaceTake;
    /** Guarded by this: when ({@link System#nanoTime}) the replacement of start {@link #replaceTake} is due. */
    private long replaceAt;
    /** Guarded by this: the thread that boots this spec's spares and times their replacements, once started. */
    private Thread thread;
    /** The classes the last job named ({@link #noteJob}), which the next spare loads while it waits. */
    private volatile List<String> load = List.of();

    private Spares(Launch.Spec spec) {
        this.spec = spec;
    }

    /**
     * Starts booting a spare for {@code spec} if none is there yet.
     *
     * @param spec how spares are started
     */
    public static void prime(Launch.Spec spec) {
        of(spec).ensureBooting();
    }

    /**
     * @param spec how the child is started
     * @return a booted, connected child waiting for its job
     * @throws IOException if no spare could be booted
     */
    public static ChildJvm take(Launch.Spec spec) throws IOException {
        return of(spec).take();
    }

    /**
     * @return the spares of {@code spec}, made at the first call: through a lock, not {@code computeIfAbsent}'s
     *     method reference, whose class a fresh JVM would spin on its way to its first forkserver child
     */
    private static Spares of(Launch.Spec spec) {
        Spares spares = BY_SPEC.get(spec);
        if (spares != null) {
            return spares;
        }
        synchronized (BY_SPEC) {
            spares = BY_SPEC.get(spec);
            if (spares == null) {
                spares = new Spares(spec);
                BY_SPEC.put(spec, spares);
            }
            return spares;
        }
    }

    /**
     * Notes the application classes a job sent to a child of {@code spec} names, which the next spare loads and
     * links (not initializes) while it waits: a program's next job likely names them too, and decoding the job
     * would otherwise load and verify them, a millisecond or more for a class read from a directory, which the
     * children's AOT cache cannot hold, and 3-13 ms measured for the bench's class from its jar while the cache
     * lacked it (a cache trained before the class was noted, one another program's caches pushed out, or one
     * still training). A class the cache holds the spare finds at once. Loading without initializing runs none
     * of the class's code.
     *
     * @param spec how the child is started
     * @param process the class of the process sent whole (a subclass of {@code Process}), or null
     * @param target the class of its target, or null: a lambda's is the class that made it
     */
    public static void noteJob(Launch.Spec spec, Class<?> process, Class<?> target) {
        String p = loadable(process);
        String t = loadable(target);
        List<String> names = p == null ? (t == null ? List.of() : List.of(t))
                : t == null || t.equals(p) ? List.of(p) : List.of(p, t);
        Spares spares = BY_SPEC.get(spec); // made as the context was (prime): no method reference spun here
        if (spares != null) {
            spares.load = names;
        }
    }

    /**
     * @return the name a spare finds {@code c} by: the class that made it, for a lambda's; null for none,
     *     and for the JDK's classes (in the JDK's archive or the AOT cache, or loaded as the JDK's are)
     */
    static String loadable(Class<?> c) {
        if (c == null) {
            return null;
        }
        Class<?> named = c.isHidden() ? c.getNestHost() : c;
        ClassLoader loader = named.getClassLoader();
        if (named.isHidden() || loader == null || loader == ClassLoader.getPlatformClassLoader()) {
            return null;
        }
        return named.getName();
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
            CompletableFuture<Launch.Booting> spare;
            synchronized (spares) {
                spare = spares.next;
                spares.next = null;
                if (spare != null && spare == spares.toBoot) { // not booting yet, and no start has claimed it
                    spares.toBoot = null;
                    spare = null;
                }
                spares.discarded = true; // a start under way, or one just handed over, replaces it no more
                spares.notifyAll(); // its thread ends, once it has booted a spare claimed meanwhile
            }
            if (spare != null) {
                spare.thenAccept(booting -> {
                    booting.process().destroyForcibly();
                    booting.connected().thenAccept(FrameChannel::close); // the channel owns its stdin
                });
            }
        }
    }

    private synchronized void ensureBooting() {
        if (next == null && !discarded) {
            next = new CompletableFuture<>();
            toBoot = next;
            wake();
        }
    }

    /**
     * Has {@link #thread} look at its work: starts it if it is not there. A platform thread: a JVM's first
     * virtual thread starts the virtual threads' scheduler on the caller (30-60 ms cold on 2 CPUs, 110 ms
     * measured under load), which the first spare's boot waited for.
     */
    private void wake() {
        if (thread != null) {
            notifyAll();
            return;
        }
        try {
            thread = Thread.ofPlatform().daemon().name("mp4j-forkserver-spares").start(new Booter(this));
        } catch (Throwable noThread) { // none to be had (the system's limit of threads, say): no spare then
            CompletableFuture<Launch.Booting> boot = toBoot;
            toBoot = null;
            replaceTake = 0;
            if (boot != null) {
                if (next == boot) {
                    next = null; // the next start boots its own child, as spawn does
                }
                boot.completeExceptionally(noThread); // a start that claimed it boots its own
            }
            throw noThread;
        }
    }

    /**
     * @return the spare, its process started or starting, or null when there is none; and the number of this
     *     start, for {@link #replaceLater}
     */
    private synchronized Claim claim() {
        CompletableFuture<Launch.Booting> spare = next;
        next = null;
        return new Claim(spare, ++takes);
    }

    private record Claim(CompletableFuture<Launch.Booting> spare, long take) { }

    /**
     * Takes the spare, or boots a child on this thread when there is none (as spawn does), and waits for it
     * on this thread: the child's hello wakes the caller directly, as a spawned child's does, not through
     * the thread that booted the spare.
     */
    private ChildJvm take() throws IOException {
        IOException last = null;
        for (int i = 0; i < ATTEMPTS; i++) {
            Claim claim = claim();
            try {
                Launch.Booting booting = claim.spare() != null ? claim.spare().join() : Launch.begin(spec, false, true);
                ChildJvm child = booting.await();
                if (child.process().isAlive()) {
                    long take = claim.take();
                    // scheduled once the job is written (or the child released without one): the timer's
                    // scheduling, which wakes its thread, is not between this start and its job's write
                    child.afterJob(new AfterJob(this, child, take));
                    return child;
                }
                child.release();
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    ensureBooting(); // the claimed spare was ended: the next start finds another
                    throw e; // a retry would start a JVM only to kill it at once
                }
                last = e;
            } catch (CompletionException e) {
                last = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
        }
        ensureBooting();
        throw last != null ? last : new IOException("spare child JVMs keep dying before they get a job");
    }

    /**
     * Boots the next spare {@link #AFTER_EXIT_MILLIS} ms after the child just handed over has ended, or once
     * it has had {@link #REPLACE_AFTER_MILLIS} ms to start its job, whichever comes first: booting a JVM takes
     * a core for a while, which the new child needs more during its first moments, and the program more while
     * it returns from a join. A {@link #take} before then boots a child at once. The child's end is seen by
     * the thread that reads its channel ({@link ChildJvm#readUntilExit}); a child whose channel nobody reads
     * is replaced after {@link #REPLACE_AFTER_MILLIS} ms. Called once the child's job is sent (or the child
     * released without one: {@link ChildJvm#afterJob}), so the times count from then.
     *
     * <p>Timed by this spec's own thread ({@link Booter}), which boots the spares: not by
     * {@code CompletableFuture.delayedExecutor}, whose first use loads seven of the JDK's classes outside its
     * archive and starts the JDK's delay scheduler thread, on the program's thread while its first child
     * starts, and later runs the replacement on a thread of the common pool that it starts then.
     */
    private void replaceLater(ChildJvm taken, long take) {
        synchronized (this) {
            if (take != takes || discarded) {
                return; // a later start came, which replaces its own: this one's replacement would do nothing
            }
            replaceTake = take;
            replaceAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REPLACE_AFTER_MILLIS);
            try {
                wake();
            } catch (OutOfMemoryError noThread) {
                return; // no replacement: the next start boots its own child (the child has its job)
            }
        }
        // Told by the thread that reads the child's channel to its end, not through onExit(): a thread of the
        // common pool woken as the child ends would compete with the program's join for the CPUs.
        taken.whenEnded(new AfterEnd(this, take));
    }

    /** Brings the replacement of start {@code take}, if still due, to {@link #AFTER_EXIT_MILLIS} ms from now. */
    private synchronized void ended(long take) {
        if (replaceTake == take) {
            long at = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AFTER_EXIT_MILLIS);
            if (at - replaceAt < 0) {
                replaceAt = at;
                notifyAll();
            }
        }
    }

    // The steps of a replacement are classes, not lambdas: a fresh JVM's first forkserver start would spin a
    // class for each, one before its job's write and one after it, beside its child.

    /** {@link #replaceLater}, once the job is sent. */
    private static final class AfterJob implements Runnable {
        private final Spares spares;
        private final ChildJvm taken;
        private final long take;

        AfterJob(Spares spares, ChildJvm taken, long take) {
            this.spares = spares;
            this.taken = taken;
            this.take = take;
        }

        @Override
        public void run() {
            spares.replaceLater(taken, take);
        }
    }

    /** {@link #ended}, once the child handed over has ended. */
    private static final class AfterEnd implements Runnable {
        private final Spares spares;
        private final long take;

        AfterEnd(Spares spares, long take) {
            this.spares = spares;
            this.take = take;
        }

        @Override
        public void run() {
            spares.ended(take);
        }
    }

    /**
     * Waits on {@link #thread} for its next step: the spare to boot, which it returns; a replacement that has
     * come due boots the next spare unless start number {@link #replaceTake} has been followed by another,
     * which boots its own child, then its own replacement (a spare booted now would boot beside that child).
     *
     * @return the spare to boot, or null once this spec's spares are discarded and none is left to boot
     */
    private synchronized CompletableFuture<Launch.Booting> nextBoot() {
        while (true) {
            if (toBoot != null) { // even when discarded: a start may have claimed it
                CompletableFuture<Launch.Booting> boot = toBoot;
                toBoot = null;
                return boot;
            }
            if (discarded) {
                return null;
            }
            try {
                if (replaceTake == 0) {
                    wait();
                    continue;
                }
                long left = replaceAt - System.nanoTime();
                if (left > 0) {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                    continue;
                }
            } catch (InterruptedException e) {
                continue; // nobody interrupts this thread; it keeps to its work
            }
            long take = replaceTake;
            replaceTake = 0;
            if (take == takes && next == null) {
                next = new CompletableFuture<>();
                return next;
            }
        }
    }

    /** {@link #thread}'s end: one for an error fails the spare it was to boot, and the next step starts another. */
    private synchronized void booterEnded(Throwable error) {
        thread = null;
        if (toBoot != null) {
            toBoot.completeExceptionally(error != null ? error : new IOException("the spares' thread ended"));
            toBoot = null;
        }
    }

    /**
     * The thread of a spec's spares: starts each spare's process (it warms up once it has said hello, until
     * its job comes, and loads the spec's preload classes before its job runs), then waits for the next one
     * ({@link #nextBoot}), timing the replacements meanwhile. A daemon thread, waiting while there is nothing
     * to do; it ends once the spec's spares are discarded (a class, not a lambda: see {@link AfterJob}).
     */
    private static final class Booter implements Runnable {
        private final Spares spares;

        Booter(Spares spares) {
            this.spares = spares;
        }

        @Override
        public void run() {
            Throwable error = null;
            try {
                CompletableFuture<Launch.Booting> booted;
                while ((booted = spares.nextBoot()) != null) {
                    try {
                        booted.complete(Launch.begin(spares.spec, true, true, spares.load));
                    } catch (Throwable t) {
                        booted.completeExceptionally(t);
                    }
                }
            } catch (Throwable t) {
                error = t;
                throw t;
            } finally {
                spares.booterEnded(error);
            }
        }
    }
}
