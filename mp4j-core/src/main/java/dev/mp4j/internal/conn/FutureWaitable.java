package dev.mp4j.internal.conn;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link Waitable} that is ready when a future has completed (a process's end).
 *
 * <p>A wait that times out must not leave anything behind on the future, or a loop of short waits on a
 * long-lived process would pile up completion actions. So each future gets at most one completion action,
 * made by the first wait on it; waits add and withdraw their wake-ups in {@link #WAKERS}, and the action
 * removes the future's entry when it fires. A wake-up added after the action fired is caught by the
 * {@code isDone} check that follows every addition.
 */
public final class FutureWaitable implements Waitable {
    private static final Map<CompletableFuture<?>, Set<Runnable>> WAKERS = new ConcurrentHashMap<>();

    private final CompletableFuture<?> future;

    /** @param future ready when this completes, normally or not */
    public FutureWaitable(CompletableFuture<?> future) {
        this.future = future;
    }

    @Override
    public boolean ready() {
        return future.isDone();
    }

    @Override
    public Runnable onReady(Runnable wake) {
        Set<Runnable> fresh = ConcurrentHashMap.newKeySet();
        Set<Runnable> set = WAKERS.putIfAbsent(future, fresh);
        if (set == null) {
            set = fresh;
            set.add(wake);
            future.whenComplete((r, e) -> fire(future));
        } else {
            set.add(wake);
        }
        if (future.isDone()) {
            wake.run();
        }
        Set<Runnable> registered = set;
        return () -> registered.remove(wake);
    }

    private static void fire(CompletableFuture<?> future) {
        Set<Runnable> set = WAKERS.remove(future);
        if (set != null) {
            set.forEach(Runnable::run);
        }
    }

    /** @return how many futures have wake-ups registered (for tests: none once every future is done) */
    public static int pending() {
        return WAKERS.size();
    }
}
