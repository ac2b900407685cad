package dev.mp4j.multiprocessing;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.dummy.DummyContext;
import dev.mp4j.internal.spi.JvmContext;
import dev.mp4j.multiprocessing.managers.SyncManager;
import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.Condition;
import dev.mp4j.threading.Event;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.RLock;
import dev.mp4j.threading.Semaphore;

import java.io.ObjectInputFilter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A start method and the settings its child JVMs start with (Python's context objects from
 * {@code multiprocessing.get_context}). Contexts are immutable: the {@code with...} methods return a new one.
 *
 * <p>Everything a context makes (processes aside) is a serializable handle: passed to a child process it
 * re-attaches to the same OS object.
 *
 * <p>There are two kinds, and no others: the contexts of the start methods that boot JVMs
 * ({@link Multiprocessing#getContext(String)}) and the dummy context of threads ({@link Multiprocessing#dummy()}).
 *
 * <p>For example:
 * {@snippet :
 * Context ctx = Multiprocessing.getContext("forkserver")
 *         .withJvmOptions(List.of("-Xmx256m"));
 * Queue<String> q = ctx.queue();
 * Process p = ctx.process(() -> q.put("hello from " + Multiprocessing.currentProcess().name()));
 * p.start();
 * System.out.println(q.get());                                // hello from ForkServerProcess-1
 * p.join();
 * }
 *
 * @since 0.1
 */
public sealed interface Context permits JvmContext, DummyContext {
    /** @return "spawn" or "forkserver"; "dummy" for {@link Multiprocessing#dummy()} */
    String startMethod();

    /**
     * @param options extra options for child JVMs (heap size, system properties ...); they replace any
     *     given before and come after the options mp4j itself passes
     * @return a context like this one with those options
     */
    Context withJvmOptions(List<String> options);

    /**
     * Python's {@code set_executable}.
     *
     * @param java the java binary children are started with (a JDK 25 or newer)
     * @return a context like this one with that binary
     */
    Context withExecutable(Path java);

    /**
     * Whether children get this JVM's own options (its input arguments: system properties, {@code --add-opens}
     * and the like, {@code --enable-preview}, {@code -Xmx}, agents, {@code -XX} options), as Python's spawn
     * passes the interpreter's flags on. They come before the context's options. Left out, with one WARNING
     * each per JVM on logger {@code dev.mp4j.multiprocessing}: a debug agent or JMX port listening on a fixed
     * address, and options that write to one fixed file; left out silently: the class path, module path and
     * AOT/CDS cache options, which mp4j decides for children.
     *
     * @param inherit true (the default) to pass them on
     * @return a context like this one with that choice
     */
    Context withInheritedJvmOptions(boolean inherit);

    /**
     * The class path of children, for when this JVM's cannot serve (a custom class loader, a launcher mp4j
     * does not know). It must hold mp4j and every class that children load.
     *
     * @param classPath its entries, jars or directories
     * @return a context like this one whose children start with that class path
     * @throws IllegalArgumentException if it is empty or an entry does not exist
     */
    Context withClassPath(List<Path> classPath);

    /**
     * @param output where children's stdout and stderr go ({@link ChildOutput#INHERIT} by default)
     * @return a context like this one with that choice
     */
    Context withOutput(ChildOutput output);

    /**
     * What objects a child and this process accept from each other. The filter decides for everything this
     * context's children decode (their job, tasks, queue items, messages) and for what this process decodes
     * through the queues, pipes, pools and managers this context makes; mp4j's default limits on depth,
     * references and array sizes still apply, and the JDK's meaning of an undecided status (no objection) holds.
     * A rejected object fails the one operation that received it (a pool's task or result fails its own
     * future; the pool goes on).
     *
     * @param filter the filter; it reaches child JVMs, so it must be {@link java.io.Serializable} or a pattern
     *     filter of {@link ObjectInputFilter.Config#createFilter} (sent as its pattern)
     * @return a context like this one with that filter
     * @throws IllegalArgumentException if the filter cannot be sent to a child JVM
     */
    Context withSerialFilter(ObjectInputFilter filter);

    /**
     * @param target what the process runs
     * @return a new, unstarted process that this context starts
     */
    Process process(SerializableRunnable target);

    // ---------------------------------------------------------------- queues and pipes

    /**
     * @param <E> the item type
     * @return a new unbounded queue
     */
    default <E> Queue<E> queue() {
        return queue(0);
    }

    /**
     * @param maxsize the most items it holds; 0 or less for unbounded
     * @param <E> the item type
     * @return a new queue
     */
    <E> Queue<E> queue(int maxsize);

    /**
     * @param <E> the item type
     * @return a new simple queue
     */
    <E> SimpleQueue<E> simpleQueue();

    /**
     * @param <E> the item type
     * @return a new unbounded joinable queue
     */
    default <E> JoinableQueue<E> joinableQueue() {
        return joinableQueue(0);
    }

    /**
     * @param maxsize the most items it holds; 0 or less for unbounded
     * @param <E> the item type
     * @return a new joinable queue
     */
    <E> JoinableQueue<E> joinableQueue(int maxsize);

    /** @return a new duplex pipe */
    default Pipe pipe() {
        return pipe(true);
    }

    /**
     * @param duplex false: {@code conn1} only receives and {@code conn2} only sends
     * @return a new pipe
     */
    Pipe pipe(boolean duplex);

    // ---------------------------------------------------------------- synchronization across processes

    /** @return a new lock that works across processes */
    Lock lock();

    /** @return a new re-entrant lock (owner: a thread of a process) */
    RLock rlock();

    /** @return a new condition over a new re-entrant lock ({@link #rlock()}) */
    default Condition condition() {
        return condition(rlock());
    }

    /**
     * @param lock the lock (one made by this context)
     * @return a new condition over it
     */
    Condition condition(Lock lock);

    /** @return a new semaphore whose value is 1 (Python's default) */
    default Semaphore semaphore() {
        return semaphore(1);
    }

    /** @return a new bounded semaphore whose value and bound are 1 (Python's default) */
    default Semaphore boundedSemaphore() {
        return boundedSemaphore(1);
    }

    /**
     * @param value the initial value, at least 0
     * @return a new semaphore
     */
    Semaphore semaphore(int value);

    /**
     * @param value the initial value and the bound, at least 0
     * @return a new bounded semaphore
     */
    Semaphore boundedSemaphore(int value);

    /** @return a new event */
    Event event();

    /**
     * @param parties how many processes or threads meet, at least 1
     * @return a new barrier with no action and no default timeout
     */
    default Barrier barrier(int parties) {
        return barrier(parties, null, null);
    }

    /**
     * @param parties how many meet, at least 1
     * @param action run by one of them when all arrive; null for none
     * @param timeout the default timeout of {@code await()}; null for none
     * @return a new barrier
     * @throws IllegalArgumentException if {@code parties < 1}, or {@code timeout} is zero or negative
     */
    Barrier barrier(int parties, SerializableRunnable action, Duration timeout);

    // ---------------------------------------------------------------- shared memory

    /**
     * @param initial the initial value
     * @return a new shared int
     */
    SharedInt sharedInt(int initial);

    /**
     * @param initial the initial value
     * @return a new shared long
     */
    SharedLong sharedLong(long initial);

    /**
     * @param initial the initial value
     * @return a new shared double
     */
    SharedDouble sharedDouble(double initial);

    /**
     * @param length the number of elements, at least 0
     * @return a new zero-filled shared array
     */
    SharedIntArray sharedIntArray(int length);

    /**
     * @param length the number of elements, at least 0
     * @return a new zero-filled shared array
     */
    SharedLongArray sharedLongArray(int length);

    /**
     * @param length the number of elements, at least 0
     * @return a new zero-filled shared array
     */
    SharedDoubleArray sharedDoubleArray(int length);

    /**
     * Python's {@code Array('i', initial)}.
     *
     * @param initial the elements, copied
     * @return a new shared array holding them
     * @throws NullPointerException if {@code initial} is null
     */
    default SharedIntArray sharedIntArray(int[] initial) {
        Objects.requireNonNull(initial, "initial");
        SharedIntArray a = sharedIntArray(initial.length);
        MemorySegment.copy(initial, 0, a.segment(), ValueLayout.JAVA_INT, 0, initial.length);
        return a;
    }

    /**
     * Python's {@code Array('q', initial)}.
     *
     * @param initial the elements, copied
     * @return a new shared array holding them
     * @throws NullPointerException if {@code initial} is null
     */
    default SharedLongArray sharedLongArray(long[] initial) {
        Objects.requireNonNull(initial, "initial");
        SharedLongArray a = sharedLongArray(initial.length);
        MemorySegment.copy(initial, 0, a.segment(), ValueLayout.JAVA_LONG, 0, initial.length);
        return a;
    }

    /**
     * Python's {@code Array('d', initial)}.
     *
     * @param initial the elements, copied
     * @return a new shared array holding them
     * @throws NullPointerException if {@code initial} is null
     */
    default SharedDoubleArray sharedDoubleArray(double[] initial) {
        Objects.requireNonNull(initial, "initial");
        SharedDoubleArray a = sharedDoubleArray(initial.length);
        MemorySegment.copy(initial, 0, a.segment(), ValueLayout.JAVA_DOUBLE, 0, initial.length);
        return a;
    }

    /**
     * Python's {@code Array('b', n)}, {@code Array('c', n)} and {@code RawArray('b', n)}.
     *
     * @param length the number of bytes, at least 0
     * @return a new zero-filled shared byte array
     * @throws IllegalArgumentException if {@code length} is negative
     */
    SharedByteArray sharedByteArray(int length);

    /**
     * Python's {@code Array('b', initial)} and {@code Array('c', initial)}.
     *
     * @param initial the bytes, copied
     * @return a new shared byte array holding them
     * @throws NullPointerException if {@code initial} is null
     */
    default SharedByteArray sharedByteArray(byte[] initial) {
        Objects.requireNonNull(initial, "initial");
        SharedByteArray a = sharedByteArray(initial.length);
        a.copyFrom(initial, 0);
        return a;
    }

    /**
     * @param size its size in bytes, at least 1
     * @return a new named shared memory segment (a real one in every context, the dummy one included)
     */
    default SharedMemory sharedMemory(long size) {
        return SharedMemory.create(null, size);
    }

    // ---------------------------------------------------------------- managers

    /**
     * Python's {@code Manager()}: a manager whose server process this context starts.
     *
     * @return a started {@link SyncManager}; shut it down with {@code close()} (or it stops when this JVM exits)
     */
    SyncManager manager();

    // ---------------------------------------------------------------- pools

    /** @return a new pool of {@link Multiprocessing#cpuCount()} workers started by this context */
    default Pool pool() {
        return pool(Multiprocessing.cpuCount());
    }

    /**
     * @param processes the number of workers, at least 1
     * @return a new pool of workers started by this context
     */
    Pool pool(int processes);
}
