package dev.mp4j.internal.util;

import java.util.List;

/**
 * Ending a child process together with its descendants: a worker that mp4j kills takes the processes it
 * started with it, instead of leaving them orphaned. The descendants are listed before the process is
 * signalled (once it is gone they are re-parented and can no longer be told apart), and signalled after it,
 * so that it starts no new ones meanwhile. A handle checks its process's start time, so a pid reused in
 * between is never signalled.
 */
public final class ProcessTrees {
    private ProcessTrees() {}

    /** @return the live descendants of {@code process}, children first; none when it is gone */
    public static List<ProcessHandle> descendants(ProcessHandle process) {
        return process.descendants().toList();
    }

    /**
     * Kills {@code process} (SIGKILL) and its descendants.
     *
     * @param process the process; null does nothing
     */
    public static void kill(java.lang.Process process) {
        if (process == null) {
            return;
        }
        List<ProcessHandle> descendants = descendants(process.toHandle());
        process.destroyForcibly();
        signal(descendants, true);
    }

    /**
     * Signals processes that outlived their parent (SIGTERM, or SIGKILL when {@code force}).
     *
     * @param processes the descendants, listed while their ancestor was alive
     * @param force SIGKILL rather than SIGTERM
     */
    public static void signal(List<ProcessHandle> processes, boolean force) {
        for (ProcessHandle p : processes) {
            if (force) {
                p.destroyForcibly();
            } else {
                p.destroy();
            }
        }
    }
}
