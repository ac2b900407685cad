package dev.mp4j.multiprocessing.stress;

import dev.mp4j.multiprocessing.JoinableQueue;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.SharedIntArray;
import dev.mp4j.multiprocessing.SharedLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Four child processes consume a joinable queue, marking each item done; the parent's {@code join}
 * returns only once every item has been processed, which the shared counts show at that moment.
 */
class JoinableQueueStressTest {
    static final int ROUNDS = 3;
    static final int ITEMS = 2_000;

    static void work(JoinableQueue<Integer> q, SharedIntArray seen, SharedLong processed) {
        while (true) {
            Integer item = q.get();
            if (item == null) { // null is an item too: here, the signal to stop
                q.taskDone();
                return;
            }
            Children.getAndAdd(seen.segment(), item, 1);
            processed.getAndAdd(1);
            q.taskDone();
        }
    }

    @Test
    @Timeout(60)
    void joinWaitsForEveryTaskDone() {
        JoinableQueue<Integer> q = Multiprocessing.joinableQueue(100);
        SharedIntArray seen = Multiprocessing.sharedIntArray(ITEMS);
        SharedLong processed = Multiprocessing.sharedLong(0);
        List<Process> children = Children.start(i -> () -> work(q, seen, processed));
        for (int round = 1; round <= ROUNDS; round++) {
            for (int item = 0; item < ITEMS; item++) {
                q.put(item);
            }
            q.join();
            // every item put so far was taken and marked done after it was counted
            assertEquals((long) round * ITEMS, processed.get(), "processed after join in round " + round);
            for (int item = 0; item < ITEMS; item++) {
                assertEquals(round, seen.get(item), "times item " + item + " was processed by round " + round);
            }
        }
        for (int i = 0; i < Children.COUNT; i++) {
            q.put(null);
        }
        q.join();
        Children.joinAll(children);
        assertTrue(q.empty());
        q.close();
    }
}
