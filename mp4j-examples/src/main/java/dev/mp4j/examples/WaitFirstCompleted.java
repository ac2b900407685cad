package dev.mp4j.examples;

import dev.mp4j.futures.DoneAndNotDone;
import dev.mp4j.futures.Future;
import dev.mp4j.futures.Futures;
import dev.mp4j.futures.ReturnWhen;
import dev.mp4j.futures.ThreadPoolExecutor;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code concurrent.futures.wait}: return when the first future completes, when a timeout passes, when
 * all are done, or when the first one fails.
 */
public final class WaitFirstCompleted {
    private WaitFirstCompleted() {}

    /** A task that works for {@code millis} and returns its name. */
    static String work(String name, long millis) throws InterruptedException {
        Thread.sleep(millis);
        return name;
    }

    public static void main(String[] args) {
        try (var executor = new ThreadPoolExecutor(4)) {
            Map<Future<String>, String> names = new LinkedHashMap<>();
            Future<String> quick = executor.submit(() -> work("quick", 50));
            Future<String> slow = executor.submit(() -> work("slow", 300));
            names.put(quick, "quick");
            names.put(slow, "slow");

            DoneAndNotDone<Future<String>> r = Futures.wait(names.keySet(), ReturnWhen.FIRST_COMPLETED);
            System.out.println("FIRST_COMPLETED: " + show(r, names));

            r = Futures.wait(r.notDone(), Duration.ofMillis(50));
            System.out.println("50 ms timeout:   " + show(r, names));

            r = Futures.wait(r.notDone());
            System.out.println("ALL_COMPLETED:   " + show(r, names));

            Future<String> failing = executor.submit(() -> {
                work("failing", 50);
                throw new IllegalStateException("no luck");
            });
            Future<String> later = executor.submit(() -> work("later", 200));
            names.put(failing, "failing");
            names.put(later, "later");
            r = Futures.wait(List.of(failing, later), ReturnWhen.FIRST_EXCEPTION);
            System.out.println("FIRST_EXCEPTION: " + show(r, names) + "; failing raised " + failing.exception());
        }
    }

    /** "done [a, b], not done [c]", by the futures' names. */
    private static String show(DoneAndNotDone<Future<String>> r, Map<Future<String>, String> names) {
        return "done " + namesOf(r.done(), names) + ", not done " + namesOf(r.notDone(), names);
    }

    private static String namesOf(Collection<Future<String>> futures, Map<Future<String>, String> names) {
        return futures.stream().map(names::get).sorted().collect(Collectors.joining(", ", "[", "]"));
    }
}
