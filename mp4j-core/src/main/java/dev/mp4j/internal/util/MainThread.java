package dev.mp4j.internal.util;

/**
 * Finds the JVM's main thread: the platform thread named {@code main} in the {@code main} thread group, or
 * else the oldest platform thread of that group (thread ids are not a guide: the main thread's id varies
 * between JDK releases). Found once, when first asked, and remembered, so it is known even after it ends.
 */
public final class MainThread {
    private static volatile Thread main;
    private static volatile boolean searched;

    private MainThread() {}

    /** @return the main thread, or null if it had already ended when first looked for */
    public static Thread find() {
        if (!searched) {
            synchronized (MainThread.class) {
                if (!searched) {
                    main = search();
                    searched = true;
                }
            }
        }
        return main;
    }

    private static Thread search() {
        Thread best = null;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            ThreadGroup g = t.getThreadGroup();
            if (t.isVirtual() || g == null || !"main".equals(g.getName())) {
                continue;
            }
            boolean named = "main".equals(t.getName());
            boolean bestNamed = best != null && "main".equals(best.getName());
            if (best == null || (named && !bestNamed) || (named == bestNamed && t.threadId() < best.threadId())) {
                best = t;
            }
        }
        return best;
    }
}
