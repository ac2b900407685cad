package dev.mp4j.internal.conn;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.util.Timeouts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Python's {@code multiprocessing.connection.wait} over {@link Waitable}s: one fresh {@link Selector} per
 * call watches every item's channel for reading; items that can call back wake that selector (a connection
 * does when it is closed meanwhile); if any item can do neither, the selector sleeps in slices of 1 ms
 * doubling to 10 ms between checks of those items' {@link Waitable#ready()}. The selector is closed (and
 * every call-back withdrawn) before the call returns.
 */
public final class Waiter {
    private static final long FIRST_SLICE = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long LAST_SLICE = TimeUnit.MILLISECONDS.toNanos(10);

    private Waiter() {}

    /**
     * Waits until at least one item is ready, or the timeout passes.
     *
     * @param items what to wait on (no nulls; an item given twice counts once)
     * @param timeoutNanos from {@link Timeouts#toNanos}
     * @return the positions in {@code items} of those ready, ascending; empty on timeout. An item given twice
     *     appears at its first position only.
     * @throws IllegalStateException if a connection among the items is closed
     * @throws InterruptedError if the thread is interrupted
     */
    public static List<Integer> await(List<? extends Waitable> items, long timeoutNanos) {
        long deadline = Timeouts.deadline(timeoutNanos);
        Map<Waitable, Integer> first = new IdentityHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            first.putIfAbsent(java.util.Objects.requireNonNull(items.get(i), "items contains null"), i);
        }
        List<Runnable> withdraw = new ArrayList<>();
        Selector selector;
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        try {
            boolean polled = false;
            for (Waitable w : first.keySet()) {
                SelectableChannel ch = w.channel();
                if (ch != null) {
                    try {
                        ch.register(selector, SelectionKey.OP_READ, w);
                    } catch (ClosedChannelException e) {
                        throw new IllegalStateException("handle is closed");
                    }
                }
                Runnable undo = w.onReady(selector::wakeup);
                if (undo != null) {
                    withdraw.add(undo);
                } else if (ch == null) {
                    polled = true;
                }
            }
            long slice = FIRST_SLICE;
            selector.selectNow();
            while (true) {
                List<Integer> ready = new ArrayList<>();
                for (SelectionKey k : selector.selectedKeys()) {
                    ready.add(first.get((Waitable) k.attachment()));
                }
                selector.selectedKeys().clear();
                for (Map.Entry<Waitable, Integer> e : first.entrySet()) {
                    if (!ready.contains(e.getValue()) && e.getKey().ready()) {
                        ready.add(e.getValue());
                    }
                }
                if (!ready.isEmpty()) {
                    ready.sort(null);
                    return ready;
                }
                long left = Timeouts.remaining(deadline);
                if (left == 0) {
                    return List.of();
                }
                long nanos = polled ? Math.min(left, slice) : left;
                slice = Math.min(slice * 2, LAST_SLICE);
                if (nanos == Timeouts.FOREVER) {
                    selector.select();
                } else {
                    selector.select(nanos / 1_000_000 + (nanos % 1_000_000 == 0 ? 0 : 1));
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw InterruptedError.restore(null);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("wait failed", e);
        } finally {
            withdraw.forEach(Runnable::run);
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }
}
