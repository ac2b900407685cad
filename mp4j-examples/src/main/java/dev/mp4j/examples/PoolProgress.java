package dev.mp4j.examples;

import dev.mp4j.futures.ResultIterator;
import dev.mp4j.multiprocessing.Pool;

import java.util.List;
import java.util.stream.IntStream;

/**
 * A progress bar over {@link Pool#imap}: 200 small tasks (a few milliseconds each) on a pool of 2 worker
 * JVMs, the bar redrawn with {@code \r} as results stream in, then a summary line.
 *
 * <p>{@code imap} hands out tasks as workers free up and yields results in order as soon as they are ready,
 * so the bar moves while the pool is still working. The items go to the workers 4 at a time (the chunksize):
 * for tasks this small, one round trip per item would cost more than the work.
 */
public final class PoolProgress {
    static final int TASKS = 200;
    static final int CHUNKSIZE = 4;
    static final int WIDTH = 20;

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

    /** @return the bar for {@code done} of {@code total}, like {@code [##########..........]  50%} */
    static String bar(int done, int total) {
        int filled = done * WIDTH / total;
        return "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] "
                + String.format("%3d%%", done * 100 / total);
    }

    public static void main(String[] args) {
        List<Integer> items = IntStream.range(0, TASKS).boxed().toList();
        long start = System.nanoTime();
        long total = 0;
        int done = 0;
        try (Pool pool = new Pool(2)) {
            ResultIterator<Long> results = pool.imap(PoolProgress::work, items, CHUNKSIZE);
            String shown = bar(0, TASKS);
            System.out.print(shown);
            System.out.flush();
            for (long r : results) {
                total += r;
                done++;
                String now = bar(done, TASKS);
                if (!now.equals(shown)) {   // redraw only when the bar changes
                    shown = now;
                    System.out.print("\r" + shown);
                    System.out.flush();
                }
            }
        }
        System.out.println();
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("%d tasks done on 2 workers in %d ms; sum of results: %d%n", done, ms, total);
    }
}
