package dev.mp4j.examples;

import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.BrokenBarrierError;
import dev.mp4j.threading.Threading;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Barrier} with an action: three workers go through two phases; no worker starts a phase before
 * all have finished the one before, and the action runs once per phase, before they are released.
 * Then a barrier whose second party never comes: the timeout breaks it.
 */
public final class BarrierPhases {
    static final int PARTIES = 3;

    private BarrierPhases() {}

    public static void main(String[] args) throws InterruptedException {
        int[] phase = {1};                                  // written by the action only, between phases
        Barrier barrier = Threading.barrier(PARTIES,
                () -> System.out.println("  barrier action: all " + PARTIES + " finished phase " + phase[0]++),
                Duration.ofSeconds(2));

        List<Thread> workers = new ArrayList<>();
        for (int w = 1; w <= PARTIES; w++) {
            int id = w;
            workers.add(Thread.ofPlatform().name("worker-" + id).start(() -> {
                for (int p = 1; p <= 2; p++) {
                    ProducerConsumer.pause(20L * id);       // the workers take different times
                    System.out.println("worker-" + id + " finished phase " + p);
                    barrier.await();
                }
            }));
        }
        for (Thread t : workers) {
            t.join(Duration.ofSeconds(5));
        }

        Barrier pair = Threading.barrier(2);
        try {
            pair.await(Duration.ofMillis(100));
        } catch (BrokenBarrierError e) {
            System.out.println("alone at a barrier of 2 for 100 ms: BrokenBarrierError, broken() = " + pair.broken());
        }
    }
}
