package dev.mp4j.examples.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the soak saw: checked results per workload, failures by kind, which of them the injected faults do
 * not explain, and results that never arrived. Thread-safe.
 */
final class Tally {
    private static final Pattern PID = Pattern.compile("pid (\\d+)");
    private static final int KEEP = 20;

    private final Map<String, LongAdder> done = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final LongAdder lost = new LongAdder();
    private final LongAdder unexpected = new LongAdder();
    private final List<String> examples = new ArrayList<>(); // guarded by itself

    /** Counts {@code n} results of {@code workload} that were checked against their expected value. */
    void done(String workload, long n) {
        done.computeIfAbsent(workload, k -> new LongAdder()).add(n);
    }

    /** A result that did not arrive in time: lost. */
    void lost(String what) {
        lost.increment();
        unexpected("lost: " + what);
    }

    /**
     * Counts a failure of the given kind; {@code explained} says whether an injected fault (or the task's
     * own timeout or cancel) accounts for it.
     */
    void failure(Throwable e, boolean explained, String what) {
        failures.computeIfAbsent(e.getClass().getSimpleName(), k -> new LongAdder()).increment();
        if (!explained) {
            unexpected(what + ": " + e);
        }
    }

    /** Something the faults do not explain: a wrong value, an error of the wrong kind. */
    void unexpected(String what) {
        unexpected.increment();
        synchronized (examples) {
            if (examples.size() < KEEP) {
                examples.add(what);
            }
        }
    }

    /**
     * @return whether the pid named in {@code e}'s message (a BrokenProcessPool or WorkerLostError names the
     *     dead worker) is one of {@code killed}; without a pid, whether anything was killed
     */
    static boolean namesKilled(Throwable e, Set<Long> killed) {
        String m = String.valueOf(e.getMessage());
        Matcher pid = PID.matcher(m);
        if (pid.find()) {
            return killed.contains(Long.parseLong(pid.group(1)));
        }
        return !killed.isEmpty();
    }

    long tasksDone() {
        return done.values().stream().mapToLong(LongAdder::sum).sum();
    }

    Map<String, Long> doneByWorkload() {
        Map<String, Long> out = new TreeMap<>();
        done.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    Map<String, Long> failuresByKind() {
        Map<String, Long> out = new TreeMap<>();
        failures.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    long lost() {
        return lost.sum();
    }

    long unexpected() {
        return unexpected.sum();
    }

    List<String> examples() {
        synchronized (examples) {
            return List.copyOf(examples);
        }
    }
}
