package dev.mp4j.internal.queue;

import dev.mp4j.internal.ffm.Posix;
import dev.mp4j.internal.ring.Ring;
import dev.mp4j.internal.tracker.ResourceTracker;

import java.lang.ref.Cleaner;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * When the named objects of queues and pipes go away. The JVM that made them unlinks their names when all
 * its own handles on them have become unreachable ({@link Group#release()}, from a {@link Cleaner}) or
 * when it exits (a shutdown hook), whichever comes first; the resource tracker removes what a killed JVM
 * left. Other JVMs only close their mappings. At exit, the hook first lets every queue's feeder thread
 * flush what it holds (unless {@code cancelJoinThread} was called), then unlinks.
 */
final class Lifecycle {
    static final Cleaner CLEANER = Cleaner.create();
    private static final Set<Group> GROUPS = ConcurrentHashMap.newKeySet();
    private static final Set<QueueState> FEEDERS = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new AtExit());
    }

    /** The shutdown hook: a named class, not a method reference, which a fresh JVM would spin on its first queue. */
    private static final class AtExit extends Thread {
        AtExit() {
            super("mp4j-queues-exit");
        }

        @Override
        public void run() {
            atExit();
        }
    }

    private Lifecycle() {}

    /** The names one JVM made for one object, unlinked once its last local handle lets go. */
    static final class Group {
        private final List<String> rings;
        private final List<String> sems;
        private final AtomicInteger refs;

        Group(List<String> rings, List<String> sems, int refs) {
            this.rings = List.copyOf(rings);
            this.sems = List.copyOf(sems);
            this.refs = new AtomicInteger(refs);
            GROUPS.add(this);
        }

        void release() {
            if (refs.decrementAndGet() == 0) {
                unlink();
            }
        }

        void unlink() {
            if (!GROUPS.remove(this)) {
                return;
            }
            for (String r : rings) {
                try {
                    Ring.unlink(r);
                } catch (RuntimeException e) {
                    // removed already; the tracker has the rest
                }
            }
            for (String s : sems) {
                if (Posix.semUnlink(s)) {
                    ResourceTracker.unregister(ResourceTracker.Kind.SEM, s);
                }
            }
        }
    }

    static void feederStarted(QueueState s) {
        FEEDERS.add(s);
    }

    static void feederDone(QueueState s) {
        FEEDERS.remove(s);
    }

    private static void atExit() {
        for (QueueState s : List.copyOf(FEEDERS)) {
            s.flushAtExit();
        }
        for (Group g : List.copyOf(GROUPS)) {
            g.unlink();
        }
    }
}
