package dev.mp4j.hazelcast;

import com.hazelcast.map.IMap;
import dev.mp4j.InterruptedError;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.threading.Event;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.RLock;
import dev.mp4j.threading.Semaphore;

import java.io.Serial;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The synchronization objects of {@code cluster.context()}. Without Hazelcast's CP subsystem (Enterprise only),
 * they live in cluster maps: a lock, semaphore or event is a counter changed by compare-and-set, and a re-entrant
 * lock is a map-entry lock. They are exact while the cluster is whole; on a split brain each side may grant them,
 * and a map's backups decide what survives a lost member.
 */
final class ClusterSync {
    /** The map whose entry locks are the re-entrant locks. */
    static final String RLOCKS = "mp4j.rlocks";

    private ClusterSync() {}

    /** A semaphore; bounded, it may not be released past its initial value. */
    static final class ClusterSemaphore extends Handle implements Semaphore {
        @Serial
        private static final long serialVersionUID = 1L;
        private final long bound;

        ClusterSemaphore(Cluster cluster, String name, int value, boolean bounded) {
            super(cluster.name(), name, null);
            if (value < 0) {
                throw new IllegalArgumentException("the semaphore's initial value must be at least 0, not " + value);
            }
            this.bound = bounded ? value : Long.MAX_VALUE;
            counters().set(name, (long) value);
        }

        @Override
        public boolean acquire(Duration timeout) {
            return poll(() -> add(-1, 0, bound), timeout);
        }

        @Override
        public void release(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("n must be at least 1, not " + n);
            }
            if (!add(n, 0, bound)) {
                throw new IllegalStateException("the bounded semaphore " + name() + " was released too many times");
            }
        }

        @Override
        public int value() {
            return (int) counter(0);
        }
    }

    /** A lock any thread of the cluster may release, as Python's; its holder's death does not release it. */
    static final class ClusterLock extends Handle implements Lock {
        @Serial
        private static final long serialVersionUID = 1L;

        ClusterLock(Cluster cluster, String name) {
            super(cluster.name(), name, null);
            counters().set(name, 0L);
        }

        @Override
        public boolean acquire(Duration timeout) {
            return poll(() -> add(1, 0, 1), timeout);
        }

        @Override
        public void release() {
            if (!add(-1, 0, 1)) {
                throw new IllegalStateException("release of the unlocked lock " + name());
            }
        }

        @Override
        public boolean locked() {
            return counter(0) == 1;
        }
    }

    /**
     * A re-entrant lock: a Hazelcast map-entry lock, owned by a thread of a member or client; Hazelcast releases
     * it when its owner leaves the cluster.
     */
    static final class ClusterRLock extends Handle implements RLock {
        @Serial
        private static final long serialVersionUID = 1L;

        ClusterRLock(Cluster cluster, String name) {
            super(cluster.name(), name, null);
        }

        private IMap<String, Long> locks() {
            return hz().getMap(RLOCKS);
        }

        @Override
        public boolean acquire(Duration timeout) {
            long nanos = Timeouts.toNanos(timeout);
            if (nanos == Timeouts.FOREVER) {
                locks().lock(name());
                return true;
            }
            try {
                return locks().tryLock(name(), nanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                throw InterruptedError.restore(e);
            }
        }

        @Override
        public void release() {
            try {
                locks().unlock(name());
            } catch (IllegalMonitorStateException e) {
                throw new IllegalStateException("cannot release the re-entrant lock " + name()
                        + ": this thread does not hold it", e);
            }
        }

        @Override
        public boolean locked() {
            return locks().isLocked(name());
        }
    }

    /** An event: a counter that is 1 when set. */
    static final class ClusterEvent extends Handle implements Event {
        @Serial
        private static final long serialVersionUID = 1L;

        ClusterEvent(Cluster cluster, String name) {
            super(cluster.name(), name, null);
            counters().set(name, 0L);
        }

        @Override
        public boolean isSet() {
            return counter(0) == 1;
        }

        @Override
        public void set() {
            counters().set(name(), 1L);
        }

        @Override
        public void clear() {
            counters().set(name(), 0L);
        }

        @Override
        public boolean await(Duration timeout) {
            return poll(this::isSet, timeout);
        }
    }
}
