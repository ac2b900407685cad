package dev.mp4j.internal.pool;

import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The one timer thread of the pool machinery in a JVM (a daemon): per-task time limits in the parent,
 * soft time limits in a worker. Timer actions must be short and must not block.
 */
final class Timers {
    private Timers() {}

    /** Created on first use; cancelled actions leave its queue at once. */
    static ScheduledThreadPoolExecutor get() {
        return Holder.TIMER;
    }

    private static final class Holder {
        static final ScheduledThreadPoolExecutor TIMER = make();

        private static ScheduledThreadPoolExecutor make() {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1,
                    r -> Thread.ofPlatform().daemon(true).name("mp4j-pool-timer").unstarted(r));
            t.setRemoveOnCancelPolicy(true);
            return t;
        }
    }
}
