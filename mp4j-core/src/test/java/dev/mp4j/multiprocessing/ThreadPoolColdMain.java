package dev.mp4j.multiprocessing;

import java.util.List;
import java.util.stream.IntStream;

/**
 * A whole program for {@link ThreadPoolColdTest}: a ThreadPool's map and close, then a first use of
 * {@code System.Logger}. The JDK's logging, once started, makes an instance of {@link Marker} (the class
 * named by {@code java.util.logging.config.class}), which prints that it started.
 */
public final class ThreadPoolColdMain {
    private ThreadPoolColdMain() {}

    /** Made by {@code java.util.logging.LogManager} when the logging framework starts. */
    public static final class Marker {
        /** Prints that the logging framework started. */
        public Marker() {
            System.out.println("logging started");
        }
    }

    static int inc(int x) {
        return x + 1;
    }

    /** @param args none; or "map": a ThreadPool's map and close, nothing after */
    public static void main(String[] args) {
        System.setProperty("java.util.logging.config.class", Marker.class.getName());
        List<Integer> items = IntStream.range(0, 1000).boxed().toList();
        long sum = 0;
        try (Pool pool = new ThreadPool(2)) {
            for (int r : pool.map(ThreadPoolColdMain::inc, items)) {
                sum += r;
            }
        }
        System.out.println("sum " + sum);
        if (args.length > 0 && args[0].equals("map")) {
            return; // a map and a close only
        }
        try (Pool pool = new ThreadPool(2)) {
            pool.map(ThreadPoolColdMain::inc, items);
            pool.terminate();
        }
        System.out.println("closed");
        System.getLogger("dev.mp4j.test").isLoggable(System.Logger.Level.INFO); // starts it: the marker shows
    }
}
