package dev.mp4j.internal.util;

/** Finds the JVM's main thread: the platform thread the launcher started {@code main} on. */
public final class MainThread {
    private MainThread() {}

    /** @return the main thread if it can still be found (it may have ended already), else null */
    public static Thread find() {
        Thread named = null;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.threadId() == 1) {
                return t;
            }
            if ("main".equals(t.getName()) && t.getThreadGroup() != null
                    && "main".equals(t.getThreadGroup().getName())) {
                named = t;
            }
        }
        return named;
    }
}
