package dev.mp4j.multiprocessing.stress;

import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.SharedInt;
import dev.mp4j.multiprocessing.SharedIntArray;
import dev.mp4j.threading.Barrier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Four processes pass one barrier round after round: nobody leaves a round before all have reached it,
 * each round has exactly one party with index 0, and the action runs once per round, before anyone leaves.
 */
class BarrierStressTest {
    static final int ROUNDS = 100;

    /**
     * Child {@code me}: per round, records that it reached the round, passes the barrier, and checks that
     * every other party reached it too (and is at most one round ahead).
     */
    static void party(Barrier b, int me, SharedIntArray reached, SharedIntArray zeros, SharedInt actions,
                      SharedIntArray errors) {
        for (int round = 1; round <= ROUNDS; round++) {
            reached.set(me, round);
            int index = b.await(Duration.ofSeconds(30));
            if (index == 0) {
                Children.getAndAdd(zeros.segment(), round - 1, 1);
            }
            if (actions.get() < round) {
                Children.getAndAdd(errors.segment(), 0, 1); // left before the round's action ran
            }
            for (int other = 0; other < Children.COUNT; other++) {
                int r = reached.get(other);
                if (r != round && r != round + 1) {
                    Children.getAndAdd(errors.segment(), 1, 1); // left before the other arrived
                }
            }
        }
    }

    @Test
    @Timeout(60)
    void manyRoundsOfFourProcesses() {
        SharedIntArray reached = Multiprocessing.sharedIntArray(Children.COUNT);
        SharedIntArray zeros = Multiprocessing.sharedIntArray(ROUNDS);
        SharedIntArray errors = Multiprocessing.sharedIntArray(2);
        SharedInt actions = Multiprocessing.sharedInt(0);
        Barrier b = Multiprocessing.barrier(Children.COUNT, () -> actions.getAndAdd(1), null);
        List<Process> children = Children.start(me -> () -> party(b, me, reached, zeros, actions, errors));
        Children.joinAll(children);
        assertEquals(0, errors.get(0), "parties that left a round before its action ran");
        assertEquals(0, errors.get(1), "parties that left a round before all had reached it");
        assertEquals(ROUNDS, actions.get(), "actions run");
        for (int r = 0; r < ROUNDS; r++) {
            assertEquals(1, zeros.get(r), "parties with index 0 in round " + (r + 1));
        }
        assertEquals(0, b.nWaiting());
        assertEquals(false, b.broken());
    }
}
