package dev.mp4j.internal.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ending a child process together with its descendants: a worker that mp4j kills takes the processes it
 * started with it, instead of leaving them orphaned. The descendants are listed before the process is
 * signalled (once it is gone they are re-parented and can no longer be told apart), and signalled after it,
 * so that it starts no new ones meanwhile. A handle checks its process's start time, so a pid reused in
 * between is never signalled.
 *
 * <p>A child killed from outside leaves orphans that no parent link leads to any more. So every child JVM
 * gets a token in its environment ({@link #mark}, variable {@value #VARIABLE}: the tokens of its mp4j
 * ancestors, then its own), which whatever it starts inherits; the parent reads the token back while the
 * child lives ({@link #token}) and, once it notices the death, kills the processes whose environment
 * carries it ({@link #killMarked}). A process that clears its environment escapes this.
 */
public final class ProcessTrees {
    /** The environment variable that carries the tokens. */
    static final String VARIABLE = "MP4J_TREE";
    /** This JVM's part of its children's tokens: its pid, and a random number in case the pid is reused. */
    private static final String PREFIX = new StringBuilder().append(OwnPid.get()).append('.')
            .append(Long.toHexString(ThreadLocalRandom.current().nextLong())).append('.').toString();
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private ProcessTrees() {}

    /**
     * Gives a child about to start its own token, after its ancestors'.
     *
     * @param environment the child's environment (a {@link ProcessBuilder}'s)
     * @return the child's own token, as {@link #token} would read it back from the live child
     */
    public static String mark(Map<String, String> environment) {
        // concat, not +: this runs before a fresh JVM's first child's exec, where javac's indy concatenation
        // would link its bootstrap
        String token = PREFIX.concat(Long.toString(SEQUENCE.incrementAndGet()));
        String ancestors = environment.get(VARIABLE);
        environment.put(VARIABLE, ancestors == null ? token : ancestors.concat(" ").concat(token));
        return token;
    }

    /**
     * Leaves a helper process out of this JVM's tree: one that must outlive the JVM to do its work, as the
     * resource tracker removes what a killed JVM left. Killing the marked processes of a dead child
     * ({@link #killMarked}) would otherwise kill that child's tracker before it cleaned up.
     *
     * @param environment the helper's environment (a {@link ProcessBuilder}'s)
     */
    public static void unmark(Map<String, String> environment) {
        environment.remove(VARIABLE);
    }

    /**
     * @param child a live child JVM that mp4j started
     * @return its own token, or null when its environment cannot be read (not Linux, or it is gone)
     */
    public static String token(ProcessHandle child) {
        String[] tokens = tokens(child.pid());
        return tokens.length == 0 ? null : tokens[tokens.length - 1];
    }

    /**
     * Kills (SIGKILL) every process whose environment carries {@code token}: what a child that was killed
     * from outside had started.
     *
     * @param token the dead child's token; null does nothing
     */
    public static void killMarked(String token) {
        if (token == null) {
            return;
        }
        long self = ProcessHandle.current().pid();
        ProcessHandle.allProcesses().forEach(p -> {
            if (p.pid() != self && Arrays.asList(tokens(p.pid())).contains(token)) {
                p.destroyForcibly();
            }
        });
    }

    /** @return the tokens in a process's environment; none when there are none or it cannot be read */
    private static String[] tokens(long pid) {
        byte[] environ;
        try {
            environ = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
        } catch (IOException | SecurityException e) {
            return new String[0]; // gone, another user's, or no /proc
        }
        String prefix = VARIABLE + "=";
        for (String entry : new String(environ, StandardCharsets.UTF_8).split("\0")) {
            if (entry.startsWith(prefix)) {
                return entry.substring(prefix.length()).split(" ");
            }
        }
        return new String[0];
    }

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
