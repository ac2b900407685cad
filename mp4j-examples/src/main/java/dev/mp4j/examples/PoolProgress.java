package dev.mp4j.examples;

import dev.mp4j.futures.ResultIterator;
import dev.mp4j.multiprocessing.Pool;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.List;
import java.util.stream.IntStream;

/**
 * A progress bar over {@link Pool#imap}: 200 small tasks (a few milliseconds each) on a pool of 2 worker
 * JVMs, drawn by a progress-bar library ({@code me.tongfei:progressbar}) from what the iterator counts, then
 * a summary line.
 *
 * <p>{@code imap} hands out tasks as workers free up and yields results in order as soon as they are ready,
 * so the bar moves while the pool is still working. The iterator counts items, not chunks: {@code done()} is
 * the number of results delivered so far, {@code total()} the number of items once {@code imap} has read its
 * input to the end (it reads lazily, so the bar starts without a maximum and gets one then). The items go to
 * the workers 4 at a time (the chunksize): for tasks this small, one round trip per item would cost more than
 * the work. Closing the iterator (the try-with-resources) cancels what has not started, had the loop ended
 * early.
 */
public final class PoolProgress {
    static final int TASKS = 200;
    static final int CHUNKSIZE = 4;

    private PoolProgress() {}

    /** A small task: about 3 ms of work, then the sum of the squares below {@code n}. */
    static long work(int n) throws InterruptedException {
        Thread.sleep(3);
        long sum = 0;
        for (long i = 0; i < n; i++) {
            sum += i * i;
        }
        return sum;
    }

    /** @return a bar on stdout, redrawn in place ({@code \r}) every 100 ms and once more when closed */
    static ProgressBar bar() {
        return new ProgressBarBuilder()
                .setTaskName("imap")
                .setInitialMax(-1)                 // unknown until imap has read all its items
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(100)
                .setConsumer(new ConsoleProgressBarConsumer(System.out, 100))
                .build();
    }

    public static void main(String[] args) {
        List<Integer> items = IntStream.range(0, TASKS).boxed().toList();
        long start = System.nanoTime();
        long sum = 0;
        int done;
        try (Pool pool = new Pool(2);
             ResultIterator<Long> results = pool.imap(PoolProgress::work, items, CHUNKSIZE);
             ProgressBar bar = bar()) {
            for (long r : results) {
                sum += r;
                bar.stepTo(results.done());
                results.total().ifPresent(total -> {
                    if (bar.getMax() != total) {
                        bar.maxHint(total);
                    }
                });
            }
            done = results.done();
        }
        System.out.println();
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("%d tasks done on 2 workers in %d ms; sum of results: %d%n", done, ms, sum);
    }
}
