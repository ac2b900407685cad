package dev.mp4j.multiprocessing;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.spawn.Identity;
import dev.mp4j.internal.dummy.DummyContext;
import dev.mp4j.internal.dummy.DummyProcess;
import dev.mp4j.internal.util.LazyLogger;
import dev.mp4j.internal.util.LifecycleLog;
import dev.mp4j.multiprocessing.managers.SyncManager;
import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.Condition;
import dev.mp4j.threading.Event;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.RLock;
import dev.mp4j.threading.Semaphore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The {@code multiprocessing} module: start methods and contexts, the current and parent process, the
 * active children, logging, and (as the API grows) every factory of {@link Context} on the default context.
 *
 * <p>For example:
 * {@snippet :
 * Multiprocessing.setStartMethod("spawn");
 * Lock lock = Multiprocessing.lock();                          // the default context's factories
 * SharedInt counter = Multiprocessing.sharedInt(0);
 * List<Process> ps = new ArrayList<>();
 * for (int i = 0; i < 4; i++) {
 *     ps.add(Multiprocessing.process(() -> {
 *         try (var _ = lock.enter()) {
 *             counter.set(counter.get() + 1);
 *         }
 *     }));
 * }
 * ps.forEach(Process::start);
 * ps.forEach(Process::join);
 * System.out.println(counter.get());                           // 4
 * }
 *
 * @since 0.1
 */
public final class Multiprocessing {
    static final String LOGGER_NAME = "dev.mp4j.multiprocessing";
    static final System.Logger LOG = LifecycleLog.LOG;

    /** The started, not yet ended children of this JVM. */
    static final Set<Process> children = ConcurrentHashMap.newKeySet();
    /** The system property that sets the default start method at its first use. */
    static final String START_METHOD_PROPERTY = "mp4j.startMethod";
    private static final Object START_METHOD_LOCK = new Object();
    private static String startMethod; // guarded by START_METHOD_LOCK; null until set or first used

    private Multiprocessing() {}

    private static boolean exitHookInstalled; // guarded by Multiprocessing.class

    /**
     * Records a started child; the first one installs Python's exit function: when this JVM exits (also
     * through System.exit), daemon children are terminated and non-daemon children are waited for.
     */
    static void childStarted(Process p) {
        children.add(p);
        synchronized (Multiprocessing.class) {
            if (!exitHookInstalled) {
                exitHookInstalled = true;
                Runtime.getRuntime().addShutdownHook(new Thread(new ExitFunction(), "mp4j-exit-children"));
            }
        }
    }

    /** The exit hook's body: a class, not a method reference, which would spin one at a program's first start. */
    private static final class ExitFunction implements Runnable {
        @Override
        public void run() {
            exitFunction();
        }
    }

    private static void exitFunction() {
        for (Process p : List.copyOf(children)) {
            if (p.isDaemon()) {
                log(System.Logger.Level.INFO, () -> "calling terminate() for daemon " + p.name());
                p.terminate();
            }
        }
        for (Process p : List.copyOf(children)) {
            if (!p.isDaemon()) {
                log(System.Logger.Level.INFO, () -> "calling join() for process " + p.name());
                p.join();
            }
        }
    }

    // ---------------------------------------------------------------- contexts and start methods

    /** @return the context of the default start method (which this fixes, as Python does) */
    public static Context getContext() {
        return getContext(getStartMethod());
    }

    /**
     * @param method "spawn" or "forkserver"
     * @return that start method's context
     * @throws IllegalArgumentException for "fork" (a JVM cannot fork) and unknown names
     */
    public static Context getContext(String method) {
        java.util.Objects.requireNonNull(method, "method");
        return Contexts.of(method);
    }

    /**
     * @param method the default start method from now on
     * @throws IllegalStateException if one was already set (or fixed by use)
     */
    public static void setStartMethod(String method) {
        setStartMethod(method, false);
    }

    /**
     * @param method the default start method from now on; null with {@code force} unsets it
     * @param force set it even if one was set already
     * @throws IllegalStateException if one was already set and {@code force} is false
     * @throws IllegalArgumentException for an unknown method or "fork"
     */
    public static void setStartMethod(String method, boolean force) {
        synchronized (START_METHOD_LOCK) {
            if (startMethod != null && !force) {
                throw new IllegalStateException("context has already been set (start method '" + startMethod
                        + "'); pass force=true to change it");
            }
            if (method == null) {
                if (!force) {
                    throw new IllegalArgumentException("method is null");
                }
                startMethod = null;
                return;
            }
            Contexts.validate(method); // without making the context: a forkserver context starts a spare JVM
            startMethod = method;
        }
    }

    /**
     * @return the default start method; fixes it if none was set: to the system property
     *     {@code mp4j.startMethod} if there is one, else to "spawn"
     * @throws IllegalArgumentException if {@code mp4j.startMethod} names no start method
     */
    public static String getStartMethod() {
        synchronized (START_METHOD_LOCK) {
            String m = getStartMethod(true);
            if (m == null) {
                startMethod = Contexts.SPAWN;
            }
            return startMethod;
        }
    }

    /**
     * Python's {@code get_start_method(allow_none)}.
     *
     * @param allowNone return null, rather than fix "spawn", when none is set yet
     * @return the default start method, or null when none is set yet and {@code allowNone}; the system
     *     property {@code mp4j.startMethod} sets it at the first call
     * @throws IllegalArgumentException if {@code mp4j.startMethod} names no start method
     */
    public static String getStartMethod(boolean allowNone) {
        if (!allowNone) {
            return getStartMethod();
        }
        synchronized (START_METHOD_LOCK) {
            if (startMethod == null) {
                String p = System.getProperty(START_METHOD_PROPERTY);
                if (p != null && !p.isBlank()) {
                    try {
                        startMethod = Contexts.validate(p.trim());
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("system property " + START_METHOD_PROPERTY + ": "
                                + e.getMessage(), e);
                    }
                }
            }
            return startMethod;
        }
    }

    /**
     * Python's {@code set_executable}: the java binary of the children of every context obtained after this
     * call ({@link #getContext()}, {@link #getContext(String)}, the default context of a new pool, executor,
     * process or manager); contexts obtained before keep theirs, and forkserver spares booted before are
     * ended. The system property {@code mp4j.executable} sets it without code.
     *
     * @param java the java binary (a JDK 25 or newer)
     * @throws IllegalArgumentException if it does not exist or is not executable
     */
    public static void setExecutable(Path java) {
        Objects.requireNonNull(java, "java");
        if (!Files.isExecutable(java)) {
            throw new IllegalArgumentException("java executable " + java + " does not exist or is not executable");
        }
        Contexts.changeDefaults(spec -> spec.withJava(java));
    }

    /**
     * The extra JVM options of the children of every context obtained after this call, as
     * {@link #setExecutable} says; they come after the options inherited from this JVM
     * ({@link Context#withInheritedJvmOptions}), and {@link Context#withJvmOptions} replaces them. The system
     * property {@code mp4j.jvmOptions} (options separated by white space, without quoting) sets them without
     * code.
     *
     * @param options the options
     */
    public static void setJvmOptions(List<String> options) {
        List<String> copy = copyOfStrings(options, "options");
        Contexts.changeDefaults(spec -> spec.withJvmOptions(copy));
    }

    /**
     * Python's {@code set_forkserver_preload}: the classes a forkserver spare (of a context obtained after this
     * call) loads and initializes while it waits for its job, so that a job using them starts sooner. A class
     * that cannot be loaded is skipped. The system property {@code mp4j.forkserverPreload} (names separated by
     * commas) sets them without code.
     *
     * @param classNames binary class names, e.g. {@code "com.example.Model"}
     */
    public static void setForkserverPreload(List<String> classNames) {
        List<String> copy = copyOfStrings(classNames, "classNames");
        Contexts.changeDefaults(spec -> spec.withPreload(copy));
    }

    /** @return a copy of {@code values}, after saying which is null if one is */
    private static List<String> copyOfStrings(List<String> values, String name) {
        Objects.requireNonNull(values, name);
        for (String v : values) {
            Objects.requireNonNull(v, "an element of " + name + " is null");
        }
        return List.copyOf(values);
    }

    /** @return the start methods available, the default first */
    public static List<String> getAllStartMethods() {
        return Contexts.METHODS;
    }

    // ---------------------------------------------------------------- processes

    /**
     * @param target what the process runs; null runs nothing (as Python's {@code Process(target=None)})
     * @return a new, unstarted process of the default context
     */
    public static Process process(SerializableRunnable target) {
        return getContext().process(target);
    }

    // ---------------------------------------------------------------- the default context's factories

    /**
     * @param <E> the item type
     * @return a new unbounded queue of the default context
     */
    public static <E> Queue<E> queue() {
        return getContext().queue();
    }

    /**
     * @param maxsize the most items it holds; 0 or less for unbounded
     * @param <E> the item type
     * @return a new queue of the default context
     */
    public static <E> Queue<E> queue(int maxsize) {
        return getContext().queue(maxsize);
    }

    /**
     * @param <E> the item type
     * @return a new simple queue of the default context
     */
    public static <E> SimpleQueue<E> simpleQueue() {
        return getContext().simpleQueue();
    }

    /**
     * @param <E> the item type
     * @return a new joinable queue of the default context
     */
    public static <E> JoinableQueue<E> joinableQueue() {
        return getContext().joinableQueue();
    }

    /**
     * @param maxsize the most items it holds; 0 or less for unbounded
     * @param <E> the item type
     * @return a new joinable queue of the default context
     */
    public static <E> JoinableQueue<E> joinableQueue(int maxsize) {
        return getContext().joinableQueue(maxsize);
    }

    /**
     * @return a new duplex pipe
     */
    public static Pipe pipe() {
        return getContext().pipe();
    }

    /**
     * @param duplex false: conn1 only receives, conn2 only sends
     * @return a new pipe
     */
    public static Pipe pipe(boolean duplex) {
        return getContext().pipe(duplex);
    }

    /**
     * @return a new cross-process lock
     */
    public static Lock lock() {
        return getContext().lock();
    }

    /**
     * @return a new cross-process re-entrant lock
     */
    public static RLock rlock() {
        return getContext().rlock();
    }

    /**
     * @return a new cross-process condition
     */
    public static Condition condition() {
        return getContext().condition();
    }

    /**
     * @param lock its lock
     * @return a new cross-process condition
     */
    public static Condition condition(Lock lock) {
        return getContext().condition(lock);
    }

    /** @return a new cross-process semaphore whose value is 1 (Python's default) */
    public static Semaphore semaphore() {
        return getContext().semaphore();
    }

    /** @return a new cross-process bounded semaphore whose value and bound are 1 (Python's default) */
    public static Semaphore boundedSemaphore() {
        return getContext().boundedSemaphore();
    }

    /**
     * @param value the initial value
     * @return a new cross-process semaphore
     */
    public static Semaphore semaphore(int value) {
        return getContext().semaphore(value);
    }

    /**
     * @param value the initial value and bound
     * @return a new cross-process bounded semaphore
     */
    public static Semaphore boundedSemaphore(int value) {
        return getContext().boundedSemaphore(value);
    }

    /**
     * @return a new cross-process event
     */
    public static Event event() {
        return getContext().event();
    }

    /**
     * @param parties how many meet
     * @return a new cross-process barrier
     */
    public static Barrier barrier(int parties) {
        return getContext().barrier(parties);
    }

    /**
     * @param parties how many meet
     * @param action run when all arrive; null for none
     * @param timeout default await timeout; null for none
     * @return a new cross-process barrier
     */
    public static Barrier barrier(int parties, SerializableRunnable action, Duration timeout) {
        return getContext().barrier(parties, action, timeout);
    }

    /**
     * @param initial the initial value
     * @return a new shared int
     */
    public static SharedInt sharedInt(int initial) {
        return getContext().sharedInt(initial);
    }

    /**
     * @param initial the initial value
     * @return a new shared long
     */
    public static SharedLong sharedLong(long initial) {
        return getContext().sharedLong(initial);
    }

    /**
     * @param initial the initial value
     * @return a new shared double
     */
    public static SharedDouble sharedDouble(double initial) {
        return getContext().sharedDouble(initial);
    }

    /**
     * @param length the number of elements
     * @return a new shared array
     */
    public static SharedIntArray sharedIntArray(int length) {
        return getContext().sharedIntArray(length);
    }

    /**
     * @param length the number of elements
     * @return a new shared array
     */
    public static SharedLongArray sharedLongArray(int length) {
        return getContext().sharedLongArray(length);
    }

    /**
     * @param length the number of elements
     * @return a new shared array
     */
    public static SharedDoubleArray sharedDoubleArray(int length) {
        return getContext().sharedDoubleArray(length);
    }

    /**
     * @param initial the elements, copied
     * @return a new shared array holding them (Python's {@code Array('i', initial)})
     */
    public static SharedIntArray sharedIntArray(int[] initial) {
        return getContext().sharedIntArray(initial);
    }

    /**
     * @param initial the elements, copied
     * @return a new shared array holding them (Python's {@code Array('q', initial)})
     */
    public static SharedLongArray sharedLongArray(long[] initial) {
        return getContext().sharedLongArray(initial);
    }

    /**
     * @param initial the elements, copied
     * @return a new shared array holding them (Python's {@code Array('d', initial)})
     */
    public static SharedDoubleArray sharedDoubleArray(double[] initial) {
        return getContext().sharedDoubleArray(initial);
    }

    /**
     * @param length the number of bytes
     * @return a new zero-filled shared byte array (Python's {@code Array('b', n)}, {@code RawArray('b', n)})
     */
    public static SharedByteArray sharedByteArray(int length) {
        return getContext().sharedByteArray(length);
    }

    /**
     * @param initial the bytes, copied
     * @return a new shared byte array holding them (Python's {@code Array('b', initial)}, {@code Array('c', initial)})
     */
    public static SharedByteArray sharedByteArray(byte[] initial) {
        return getContext().sharedByteArray(initial);
    }

    /**
     * @param size the size in bytes
     * @return a new named shared memory segment
     */
    public static SharedMemory sharedMemory(long size) {
        return getContext().sharedMemory(size);
    }

    /**
     * Python's {@code multiprocessing.Manager()}.
     *
     * @return a started {@link SyncManager} of the default context
     */
    public static SyncManager manager() {
        return getContext().manager();
    }

    /**
     * Python's {@code multiprocessing.dummy}: the same API, backed by threads of this JVM. Its start method
     * is "dummy"; its processes are threads, its pool a {@link ThreadPool}.
     *
     * @return the dummy context
     */
    public static Context dummy() {
        return DummyContext.INSTANCE;
    }

    /** @return a new pool of {@link #cpuCount()} worker JVMs of the default context */
    public static Pool pool() {
        return getContext().pool();
    }

    /**
     * @param processes the number of worker JVMs, at least 1
     * @return a new pool of the default context
     */
    public static Pool pool(int processes) {
        return getContext().pool(processes);
    }

    /** @return the number of CPUs this JVM may use */
    public static int cpuCount() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * The children of this process still alive (finished ones are reaped), and the {@link #dummy()}
     * processes started by the calling thread's process whose {@code run()} has not ended: in a dummy
     * process, the dummy processes it started; elsewhere, those started by threads that are no dummy
     * process. A pool's workers, threads or JVMs, are not listed.
     *
     * @return a snapshot
     */
    public static List<Process> activeChildren() {
        List<Process> alive = new ArrayList<>();
        for (Process p : children) {
            if (p.isAlive()) {
                alive.add(p);
            } else {
                children.remove(p);
            }
        }
        alive.addAll(DummyProcess.activeChildren());
        return alive;
    }

    /**
     * @return the process this code runs in: "MainProcess" in the main JVM; in a {@link #dummy()} process or
     *     a {@link ThreadPool}'s worker thread, that dummy process (Python's {@code dummy.current_process()}),
     *     whose name is the thread's
     */
    public static Process currentProcess() {
        Process dummy = DummyProcess.current();
        return dummy != null ? dummy : Process.current();
    }

    /** @return the parent of this process, or null in the main JVM */
    public static Process parentProcess() {
        return Process.parent();
    }

    // ---------------------------------------------------------------- logging

    /**
     * Python's {@code get_logger()}: the logger {@code dev.mp4j.multiprocessing}, to which mp4j sends its
     * lifecycle messages (a process started, a child running and exiting, children joined at exit ...) at
     * their levels, through {@code System.Logger}, so that any backend sees them (SLF4J through
     * {@code slf4j-jdk-platform-logging}, Log4j through {@code log4j-jpl}). Under the JDK's own
     * {@code java.util.logging} it logs nothing below WARNING until its configuration or {@link #logToStderr}
     * names a level, as Python's does.
     *
     * @return multiprocessing's logger
     */
    public static System.Logger getLogger() {
        return LOG;
    }

    /**
     * Sends multiprocessing's log to stderr as lines {@code [LEVEL/ProcessName] message}, in this JVM and in
     * the children it starts from now on. It configures the JDK's {@code java.util.logging} logger of that
     * name; when another backend serves {@code System.Logger}, configure the logger there instead.
     *
     * @param level the lowest level logged
     * @return the logger
     */
    public static synchronized System.Logger logToStderr(System.Logger.Level level) {
        StderrLog.install(level);
        Identity.logLevel(level);
        return LOG;
    }

    /**
     * {@link #logToStderr}'s handler, in a class of its own: code of Multiprocessing's that handles
     * {@code java.util.logging} handlers has the JVM load their classes (outside its class data archive) as it
     * verifies Multiprocessing, in every program that starts a child.
     */
    private static final class StderrLog {
        private static Handler handler; // guarded by Multiprocessing.class

        static void install(System.Logger.Level level) {
            Logger jul = Logger.getLogger(LOGGER_NAME);
            if (handler != null) {
                jul.removeHandler(handler);
            }
            Handler h = new ConsoleHandler();
            h.setFormatter(new Lines());
            Level jl = LazyLogger.julLevel(level);
            h.setLevel(jl);
            jul.setLevel(jl);
            jul.setUseParentHandlers(false);
            jul.addHandler(h);
            handler = h;
        }
    }

    /** Formats a record as {@code [LEVEL/ProcessName] message}, then its exception's stack trace. */
    private static final class Lines extends Formatter {
        @Override
        public String format(LogRecord r) {
            String line = "[" + levelName(r.getLevel()) + "/" + currentProcess().name() + "] " + formatMessage(r)
                    + System.lineSeparator();
            if (r.getThrown() != null) {
                java.io.StringWriter sw = new java.io.StringWriter();
                r.getThrown().printStackTrace(new java.io.PrintWriter(sw));
                line += sw;
            }
            return line;
        }
    }

    /** Logs a lifecycle message at its level: {@link LifecycleLog#log}. */
    static void log(System.Logger.Level level, java.util.function.Supplier<String> message) {
        LifecycleLog.log(level, message);
    }

    private static String levelName(Level l) {
        int v = l.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (v >= Level.WARNING.intValue()) {
            return "WARNING";
        }
        if (v >= Level.INFO.intValue()) {
            return "INFO";
        }
        if (v >= Level.FINE.intValue()) {
            return "DEBUG";
        }
        return "TRACE";
    }
}
