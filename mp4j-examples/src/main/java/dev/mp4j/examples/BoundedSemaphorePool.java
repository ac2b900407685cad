package dev.mp4j.examples;

import dev.mp4j.threading.Lock;
import dev.mp4j.threading.Semaphore;
import dev.mp4j.threading.Threading;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The semaphore example of Python's threading documentation: a bounded semaphore guards a resource of
 * fixed size (here two "connections"), and a release too many is an error rather than a silent bug.
 * A lock guards the counters, with {@code try (var _ = lock.enter())} as Python's {@code with lock:}.
 */
public final class BoundedSemaphorePool {
    static final int MAX_CONNECTIONS = 2;
    static final int WORKERS = 6;

    private BoundedSemaphorePool() {}

    public static void main(String[] args) throws InterruptedException {
        Semaphore poolSema = Threading.boundedSemaphore(MAX_CONNECTIONS);
        Lock statsLock = Threading.lock();
        int[] inUse = {0};                                  // guarded by statsLock
        int[] mostInUse = {0};                              // guarded by statsLock

        List<Thread> workers = new ArrayList<>();
        for (int w = 1; w <= WORKERS; w++) {
            workers.add(Thread.ofPlatform().name("worker-" + w).start(() -> {
                try (var _ = poolSema.enter()) {               // holding one of the connections
                    try (var _ = statsLock.enter()) {
                        inUse[0]++;
                        mostInUse[0] = Math.max(mostInUse[0], inUse[0]);
                    }
                    ProducerConsumer.pause(30);             // ... use the connection ...
                    try (var _ = statsLock.enter()) {
                        inUse[0]--;
                    }
                }
            }));
        }
        for (Thread t : workers) {
            t.join(Duration.ofSeconds(5));
        }
        try (var _ = statsLock.enter()) {
            System.out.printf("%d workers shared %d connections; at most %d in use at once%n",
                    WORKERS, MAX_CONNECTIONS, mostInUse[0]);
        }

        try {
            poolSema.release();                             // a programming error: one release too many
        } catch (IllegalStateException e) {
            System.out.println("a release past the initial value raised IllegalStateException: " + e.getMessage());
        }
        System.out.println("value() = " + poolSema.value());
    }
}
