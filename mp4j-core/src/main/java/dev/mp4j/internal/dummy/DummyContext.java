package dev.mp4j.internal.dummy;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.shared.SharedObjects;
import dev.mp4j.multiprocessing.ChildOutput;
import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.JoinableQueue;
import dev.mp4j.multiprocessing.Pipe;
import dev.mp4j.multiprocessing.Pool;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Queue;
import dev.mp4j.multiprocessing.SharedByteArray;
import dev.mp4j.multiprocessing.SharedDouble;
import dev.mp4j.multiprocessing.SharedDoubleArray;
import dev.mp4j.multiprocessing.SharedInt;
import dev.mp4j.multiprocessing.SharedIntArray;
import dev.mp4j.multiprocessing.SharedLong;
import dev.mp4j.multiprocessing.SharedLongArray;
import dev.mp4j.multiprocessing.SimpleQueue;
import dev.mp4j.multiprocessing.ThreadPool;
import dev.mp4j.multiprocessing.managers.Server;
import dev.mp4j.multiprocessing.managers.SyncManager;
import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.Condition;
import dev.mp4j.threading.Event;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.RLock;
import dev.mp4j.threading.Semaphore;
import dev.mp4j.threading.Threading;

import java.io.ObjectInputFilter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Python's {@code multiprocessing.dummy}: the {@link Context} API backed by threads of this JVM. Its
 * processes are threads ({@link DummyProcess}), its queues and pipes thread-safe queues, its locks and
 * friends {@link Threading}'s, and its pool a {@link ThreadPool}. Nothing it makes can be sent to another
 * JVM. Shared values and arrays are plain memory of this JVM with the same interfaces (their lock a thread
 * {@link RLock}; they cannot be serialized); {@link #sharedMemory(long)} makes a real named segment.
 */
public final class DummyContext implements Context {
    /** The one dummy context: it holds no settings. */
    public static final DummyContext INSTANCE = new DummyContext();
    private static final String DUMMY = "dummy";

    private DummyContext() {}

    @Override
    public String startMethod() {
        return DUMMY;
    }

    /** @return this context: its processes are threads, which take no JVM options */
    @Override
    public Context withJvmOptions(List<String> options) {
        Objects.requireNonNull(options, "options");
        return this;
    }

    /** @return this context: its processes are threads, which need no java binary */
    @Override
    public Context withExecutable(Path java) {
        Objects.requireNonNull(java, "java");
        return this;
    }

    /** @return this context: its processes are threads, which take no JVM options */
    @Override
    public Context withInheritedJvmOptions(boolean inherit) {
        return this;
    }

    /** @return this context: its processes are threads, which load classes as this JVM does */
    @Override
    public Context withClassPath(List<Path> classPath) {
        Objects.requireNonNull(classPath, "classPath");
        return this;
    }

    /** @return this context: its processes are threads, which write to this JVM's streams */
    @Override
    public Context withOutput(ChildOutput output) {
        Objects.requireNonNull(output, "output");
        return this;
    }

    /**
     * @return this context: its processes are threads and its queues and pipes pass objects without
     *     serializing them, so there is nothing to filter
     */
    @Override
    public Context withSerialFilter(ObjectInputFilter filter) {
        Objects.requireNonNull(filter, "filter");
        return this;
    }

    @Override
    public Process process(SerializableRunnable target) {
        return new DummyProcess(target);
    }

    @Override
    public <E> Queue<E> queue(int maxsize) {
        return new ThreadQueue<>(maxsize);
    }

    @Override
    public <E> SimpleQueue<E> simpleQueue() {
        return new ThreadQueue<>(0);
    }

    @Override
    public <E> JoinableQueue<E> joinableQueue(int maxsize) {
        return new ThreadQueue<>(maxsize);
    }

    @Override
    public Pipe pipe(boolean duplex) {
        return ThreadConnection.pipe(duplex);
    }

    @Override
    public Lock lock() {
        return Threading.lock();
    }

    @Override
    public RLock rlock() {
        return Threading.rlock();
    }

    @Override
    public Condition condition(Lock lock) {
        return Threading.condition(Objects.requireNonNull(lock, "lock"));
    }

    @Override
    public Semaphore semaphore(int value) {
        return Threading.semaphore(value);
    }

    @Override
    public Semaphore boundedSemaphore(int value) {
        return Threading.boundedSemaphore(value);
    }

    @Override
    public Event event() {
        return Threading.event();
    }

    @Override
    public Barrier barrier(int parties, SerializableRunnable action, Duration timeout) {
        return Threading.barrier(parties, action, timeout);
    }

    @Override
    public SharedInt sharedInt(int initial) {
        return SharedObjects.localInt(initial);
    }

    @Override
    public SharedLong sharedLong(long initial) {
        return SharedObjects.localLong(initial);
    }

    @Override
    public SharedDouble sharedDouble(double initial) {
        return SharedObjects.localDouble(initial);
    }

    @Override
    public SharedIntArray sharedIntArray(int length) {
        return SharedObjects.localIntArray(length);
    }

    @Override
    public SharedLongArray sharedLongArray(int length) {
        return SharedObjects.localLongArray(length);
    }

    @Override
    public SharedDoubleArray sharedDoubleArray(int length) {
        return SharedObjects.localDoubleArray(length);
    }

    @Override
    public SharedByteArray sharedByteArray(int length) {
        return SharedObjects.localByteArray(length);
    }

    @Override
    public Pool pool(int processes) {
        return new ThreadPool(processes);
    }

    /** A manager served by a thread of this JVM (no server process), as the rest of this context is. */
    @Override
    public SyncManager manager() {
        SyncManager m = new SyncManager();
        Server server = m.getServer();
        Thread.ofPlatform().daemon().name("mp4j-dummy-manager").start(server::serveForever);
        return m;
    }

    @Override
    public String toString() {
        return "<Context dummy (threads)>";
    }
}
