package dev.mp4j.audit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.futures.Future;
import dev.mp4j.futures.Futures;
import dev.mp4j.futures.ProcessPoolExecutor;
import dev.mp4j.futures.ReturnWhen;
import dev.mp4j.futures.ThreadPoolExecutor;
import dev.mp4j.internal.shared.SharedObjects;
import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pipe;
import dev.mp4j.multiprocessing.Pool;
import dev.mp4j.multiprocessing.SharedIntArray;
import dev.mp4j.multiprocessing.SharedMemory;
import dev.mp4j.threading.Semaphore;
import dev.mp4j.threading.Threading;
import dev.mp4j.threading.Timer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rule "a bad argument anywhere in the public API gets an exception naming the argument and the rule", walked
 * over the main entry points: each call below passes one bad value, and must throw an
 * {@link IllegalArgumentException} (Python's ValueError), a {@link NullPointerException} or an
 * {@link IndexOutOfBoundsException} (IndexError) whose message names the argument — before it starts anything.
 * Values the API documents as meaningful are not bad: a null or negative timeout (no limit, no wait), a null
 * process target (runs nothing), {@code Condition.signal(n < 1)} (wakes none), a null thread name prefix, a
 * null queue item (Python's None), a queue maxsize of 0 or less (unbounded).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadArgumentAuditTest {
    /** One bad call: what it is, the argument its message must name, the call. */
    record Case(String call, String argument, ThrowingCall body) {}

    @FunctionalInterface
    interface ThrowingCall {
        Object run() throws Exception;
    }

    private static final Duration NEGATIVE = Duration.ofSeconds(-1);

    private static List<Case> threadCases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("Threading.semaphore(-1)", "value", () -> Threading.semaphore(-1)));
        c.add(new Case("Threading.boundedSemaphore(-1)", "value", () -> Threading.boundedSemaphore(-1)));
        c.add(new Case("Threading.barrier(0)", "parties", () -> Threading.barrier(0)));
        c.add(new Case("Threading.barrier(-1, null, null)", "parties", () -> Threading.barrier(-1, null, null)));
        c.add(new Case("Semaphore.release(0)", "n", () -> {
            Semaphore s = Threading.semaphore(1);
            s.release(0);
            return s;
        }));
        c.add(new Case("new Timer(null, action)", "interval", () -> new Timer(null, () -> { })));
        c.add(new Case("new Timer(1 s, null)", "action", () -> new Timer(Duration.ofSeconds(1), null)));
        c.add(new Case("new ThreadPoolExecutor(0)", "maxWorkers", () -> new ThreadPoolExecutor(0)));
        c.add(new Case("new ThreadPoolExecutor(-3)", "maxWorkers", () -> new ThreadPoolExecutor(-3)));
        c.add(new Case("ThreadPoolExecutor.builder().maxWorkers(0)", "maxWorkers",
                () -> ThreadPoolExecutor.builder().maxWorkers(0)));
        c.add(new Case("ThreadPoolExecutor.submit(null)", "fn", () -> {
            try (ThreadPoolExecutor e = new ThreadPoolExecutor(1)) {
                return e.submit((dev.mp4j.function.SerializableCallable<Object>) null);
            }
        }));
        c.add(new Case("ThreadPoolExecutor.map(fn, items, null, 0)", "chunksize", () -> {
            try (ThreadPoolExecutor e = new ThreadPoolExecutor(1)) {
                return e.map((Integer x) -> x, List.of(1, 2), null, 0);
            }
        }));
        c.add(new Case("ThreadPoolExecutor.map(fn, null)", "items", () -> {
            try (ThreadPoolExecutor e = new ThreadPoolExecutor(1)) {
                return e.map((Integer x) -> x, null, null, 1);
            }
        }));
        c.add(new Case("Futures.wait(null)", "fs", () -> Futures.wait(null)));
        c.add(new Case("Futures.wait(fs, (ReturnWhen) null)", "when",
                () -> Futures.wait(List.of(new Future<Object>()), (ReturnWhen) null)));
        c.add(new Case("Futures.asCompleted(null)", "fs", () -> Futures.asCompleted(null)));
        c.add(new Case("Future.addDoneCallback(null)", "fn", () -> {
            Future<Object> f = new Future<>();
            f.addDoneCallback(null);
            return f;
        }));
        return c;
    }

    private static List<Case> processCases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("Multiprocessing.getContext(\"bogus\")", "method", () -> Multiprocessing.getContext("bogus")));
        c.add(new Case("Multiprocessing.getContext(null)", "method", () -> Multiprocessing.getContext(null)));
        c.add(new Case("Multiprocessing.setStartMethod(\"bogus\", true)", "method",
                () -> {
                    Multiprocessing.setStartMethod("bogus", true);
                    return null;
                }));
        c.add(new Case("Multiprocessing.semaphore(-1)", "value", () -> Multiprocessing.semaphore(-1)));
        c.add(new Case("Multiprocessing.boundedSemaphore(-1)", "value", () -> Multiprocessing.boundedSemaphore(-1)));
        c.add(new Case("Multiprocessing.barrier(0)", "parties", () -> Multiprocessing.barrier(0)));
        c.add(new Case("Multiprocessing.sharedIntArray(-1)", "length", () -> Multiprocessing.sharedIntArray(-1)));
        c.add(new Case("Multiprocessing.sharedLongArray(-1)", "length", () -> Multiprocessing.sharedLongArray(-1)));
        c.add(new Case("Multiprocessing.sharedDoubleArray(-1)", "length", () -> Multiprocessing.sharedDoubleArray(-1)));
        c.add(new Case("Multiprocessing.sharedMemory(-1)", "size", () -> Multiprocessing.sharedMemory(-1)));
        c.add(new Case("Multiprocessing.sharedMemory(0)", "size", () -> Multiprocessing.sharedMemory(0)));
        c.add(new Case("SharedMemory.create(\"mp4j_audit\", -5)", "size", () -> SharedMemory.create("mp4j_audit", -5)));
        c.add(new Case("SharedIntArray.get(-1)", "index", () -> shared(a -> a.get(-1))));
        c.add(new Case("SharedIntArray.set(3, 0) of length 3", "index", () -> shared(a -> {
            a.set(3, 0);
            return a;
        })));
        c.add(new Case("Multiprocessing.pool(0)", "processes", () -> Multiprocessing.pool(0)));
        c.add(new Case("Multiprocessing.dummy().pool(0)", "processes", () -> Multiprocessing.dummy().pool(0)));
        c.add(new Case("Multiprocessing.logToStderr(null)", "level", () -> Multiprocessing.logToStderr(null)));
        c.add(new Case("Context.withJvmOptions(null)", "options",
                () -> Multiprocessing.getContext().withJvmOptions(null)));
        c.add(new Case("Context.withExecutable(null)", "java", () -> Multiprocessing.getContext().withExecutable(null)));
        c.add(new Case("Pool.builder().processes(0)", "processes", () -> Pool.builder().processes(0)));
        c.add(new Case("Pool.builder().maxTasksPerChild(0)", "maxTasksPerChild", () -> Pool.builder().maxTasksPerChild(0)));
        c.add(new Case("Pool.builder().timeLimit(-1 s)", "timeLimit", () -> Pool.builder().timeLimit(NEGATIVE)));
        c.add(new Case("Pool.builder().softTimeLimit(-1 s)", "softTimeLimit", () -> Pool.builder().softTimeLimit(NEGATIVE)));
        c.add(new Case("Pool.builder().maxMemoryPerChild(-1)", "maxMemoryPerChild",
                () -> Pool.builder().maxMemoryPerChild(-1)));
        c.add(new Case("ThreadPool map chunksize 0", "chunksize", () -> {
            try (Pool p = Multiprocessing.dummy().pool(1)) {
                return p.map((Integer x) -> x, List.of(1), 0);
            }
        }));
        c.add(new Case("new ProcessPoolExecutor(0)", "maxWorkers", () -> new ProcessPoolExecutor(0)));
        c.add(new Case("ProcessPoolExecutor.builder().maxWorkers(0)", "maxWorkers",
                () -> ProcessPoolExecutor.builder().maxWorkers(0)));
        c.add(new Case("ProcessPoolExecutor.builder().maxTasksPerChild(0)", "maxTasksPerChild",
                () -> ProcessPoolExecutor.builder().maxTasksPerChild(0)));
        c.add(new Case("ProcessPoolExecutor.builder().timeLimit(-1 s)", "timeLimit",
                () -> ProcessPoolExecutor.builder().timeLimit(NEGATIVE)));
        c.add(new Case("ProcessPoolExecutor.builder().softTimeLimit(-1 s)", "softTimeLimit",
                () -> ProcessPoolExecutor.builder().softTimeLimit(NEGATIVE)));
        c.add(new Case("ProcessPoolExecutor.builder().maxMemoryPerChild(-1)", "maxMemoryPerChild",
                () -> ProcessPoolExecutor.builder().maxMemoryPerChild(-1)));
        c.add(new Case("ProcessPoolExecutor.builder().workerDeath(null)", "workerDeath",
                () -> ProcessPoolExecutor.builder().workerDeath(null)));
        c.add(new Case("SharedMemory.attach(null)", "name", () -> SharedMemory.attach(null)));
        c.add(new Case("SharedMemory.create(null, 0)", "size", () -> SharedMemory.create(null, 0)));
        c.add(new Case("Connection.sendBytes(buf, -1, 1)", "offset", () -> pipeCall(a -> a.sendBytes(new byte[4], -1, 1))));
        c.add(new Case("Connection.sendBytes(buf, 0, 9)", "size", () -> pipeCall(a -> a.sendBytes(new byte[4], 0, 9))));
        c.add(new Case("Connection.recvBytes(-1)", "maxlength", () -> pipeCall(a -> a.recvBytes(-1))));
        c.add(new Case("Connection.recvBytesInto(buf, -1)", "offset", () -> pipeCall(a -> a.recvBytesInto(new byte[4], -1))));
        return c;
    }

    /** Calls {@code body} on a new shared array of length 3, then removes the array. */
    private static Object shared(java.util.function.Function<SharedIntArray, Object> body) {
        SharedIntArray a = Multiprocessing.sharedIntArray(3);
        try {
            return body.apply(a);
        } finally {
            SharedObjects.release(a);
        }
    }

    private static Object pipeCall(java.util.function.Consumer<Connection> call) {
        Pipe p = Multiprocessing.pipe();
        try {
            call.accept(p.conn1());
            return p;
        } finally {
            p.conn1().close();
            p.conn2().close();
        }
    }

    @Test
    void threadingAndFuturesNameTheBadArgument() {
        check(threadCases());
    }

    @Test
    void multiprocessingNamesTheBadArgument() {
        check(processCases());
    }

    private static void check(List<Case> cases) {
        List<String> gaps = new ArrayList<>();
        for (Case c : cases) {
            String gap = gap(c);
            if (gap != null) {
                gaps.add(c.call() + ": " + gap);
            }
        }
        assertTrue(gaps.isEmpty(), gaps.size() + " of " + cases.size() + " bad calls do not name their argument:\n  "
                + String.join("\n  ", gaps));
    }

    /** @return null if the call failed as the rule says, else what it did instead */
    private static String gap(Case c) {
        Object result;
        try {
            result = c.body().run();
        } catch (IllegalArgumentException | NullPointerException | IndexOutOfBoundsException e) {
            String m = e.getMessage();
            if (m == null || !m.toLowerCase(Locale.ROOT).contains(c.argument().toLowerCase(Locale.ROOT))) {
                return e.getClass().getSimpleName() + " without naming '" + c.argument() + "': " + m;
            }
            return null;
        } catch (Exception | Error e) {
            return "threw " + e;
        }
        if (result instanceof AutoCloseable a) {
            try {
                a.close();
            } catch (Exception ignored) {
                // it was made by mistake; nothing to check on it
            }
        }
        return "accepted it (returned " + result + ")";
    }
}
