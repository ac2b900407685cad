package dev.mp4j.examples;

import dev.mp4j.InterruptedError;
import dev.mp4j.threading.Condition;
import dev.mp4j.threading.Threading;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The producer/consumer pattern of Python's threading documentation, with a {@link Condition}: the
 * consumer waits under the condition's lock until an item is available, the producer adds one and
 * signals. Each wait has a timeout, so a missing producer ends in a message rather than a hang.
 */
public final class ProducerConsumer {
    static final int ITEMS = 5;

    private ProducerConsumer() {}

    public static void main(String[] args) throws InterruptedException {
        Condition cv = Threading.condition();
        Deque<String> items = new ArrayDeque<>();           // guarded by cv

        Thread consumer = Thread.ofPlatform().name("consumer").start(() -> {
            for (int i = 0; i < ITEMS; i++) {
                String item;
                try (var _ = cv.enter()) {
                    // Consume one item
                    if (!cv.awaitFor(() -> !items.isEmpty(), Duration.ofSeconds(2))) {
                        System.out.println("consumer: no item within 2 s, giving up");
                        return;
                    }
                    item = items.removeFirst();
                }
                System.out.println("consumer: got " + item);
            }
        });

        Thread producer = Thread.ofPlatform().name("producer").start(() -> {
            for (int i = 1; i <= ITEMS; i++) {
                pause(20);                                  // making the item takes a while
                try (var _ = cv.enter()) {
                    // Produce one item
                    items.addLast("item-" + i);
                    cv.signal();                            // one item interests one consumer
                }
            }
        });

        producer.join(Duration.ofSeconds(5));
        consumer.join(Duration.ofSeconds(5));

        // Nobody produces a sixth item: awaitFor returns false when its timeout passes.
        try (var _ = cv.enter()) {
            boolean arrived = cv.awaitFor(() -> !items.isEmpty(), Duration.ofMillis(100));
            System.out.println("a sixth item within 100 ms? " + arrived);
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw InterruptedError.restore(e);
        }
    }
}
