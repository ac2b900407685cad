package dev.mp4j.bench.jmh;

import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.RLock;
import dev.mp4j.threading.Threading;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One thread acquiring and releasing a lock nobody else wants: the thread-backed locks of
 * {@code Threading} and the cross-process ones of {@code Multiprocessing} (a POSIX named semaphore
 * plus words in shared memory). CPython's multiprocessing Lock does about 14M acquire+release/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class LockBench {
    private Lock threadLock;
    private RLock threadRLock;
    private Lock processLock;
    private RLock processRLock;

    /** Makes one lock of each kind. */
    @Setup
    public void setUp() {
        threadLock = Threading.lock();
        threadRLock = Threading.rlock();
        processLock = Multiprocessing.lock();
        processRLock = Multiprocessing.rlock();
    }

    /** @return what acquire returned */
    @Benchmark
    public boolean threadingLock() {
        boolean got = threadLock.acquire();
        threadLock.release();
        return got;
    }

    /** @return what acquire returned */
    @Benchmark
    public boolean threadingRLock() {
        boolean got = threadRLock.acquire();
        threadRLock.release();
        return got;
    }

    /** @return what acquire returned */
    @Benchmark
    public boolean multiprocessingLock() {
        boolean got = processLock.acquire();
        processLock.release();
        return got;
    }

    /** @return what acquire returned */
    @Benchmark
    public boolean multiprocessingRLock() {
        boolean got = processRLock.acquire();
        processRLock.release();
        return got;
    }
}
