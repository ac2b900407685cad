package dev.mp4j.multiprocessing;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.child.Bootstrap;
import dev.mp4j.internal.queue.IpcQueues;
import dev.mp4j.internal.queue.PipeEnd;
import dev.mp4j.internal.shared.SharedObjects;
import dev.mp4j.internal.spawn.ChildJvm;
import dev.mp4j.internal.spawn.Launch;
import dev.mp4j.internal.spawn.Spares;
import dev.mp4j.internal.spi.JvmContext;
import dev.mp4j.internal.sync.ProcessSync;
import dev.mp4j.internal.tracker.ResourceTracker;
import dev.mp4j.internal.wire.SerialFilters;
import dev.mp4j.multiprocessing.managers.SyncManager;
import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.Condition;
import dev.mp4j.threading.Event;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.RLock;
import dev.mp4j.threading.Semaphore;

import java.io.IOException;
import java.io.ObjectInputFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** The start methods mp4j offers, and their contexts. */
final class Contexts {
    static final String SPAWN = "spawn";
    static final String FORKSERVER = "forkserver";
    static final List<String> METHODS = List.of(SPAWN, FORKSERVER);
    /** The system property that names the default java binary of children. */
    static final String EXECUTABLE_PROPERTY = "mp4j.executable";
    /** The system property of the default extra JVM options of children, separated by white space. */
    static final String JVM_OPTIONS_PROPERTY = "mp4j.jvmOptions";
    /** The system property of the classes a forkserver spare preloads, separated by commas. */
    static final String PRELOAD_PROPERTY = "mp4j.forkserverPreload";
    private static final Map<String, Base> CONTEXTS = new ConcurrentHashMap<>();
    /** The launch settings whose children have connected back in this JVM. */
    private static final Set<Launch.Spec> BOOTED = ConcurrentHashMap.newKeySet();
    /** A child booted by {@link Base#check}, waiting for the next obtain of its launch settings. */
    private static final Map<Launch.Spec, ChildJvm> PROBED = new ConcurrentHashMap<>();
    private static volatile Launch.Spec defaultSpec; // guarded by Contexts.class when written

    private Contexts() {}

    /**
     * @param method a start method's name
     * @return its context, made at the first call
     * @throws IllegalArgumentException for "fork" and unknown names
     */
    static Base of(String method) {
        Base ctx = CONTEXTS.get(method);
        if (ctx != null) {
            return ctx;
        }
        synchronized (Contexts.class) { // a lock, not computeIfAbsent's lambda, which a fresh JVM would spin
            ctx = CONTEXTS.get(method);
            if (ctx == null) {
                // whatever a context is for (a process, a queue, a lock) registers with the resource tracker
                // first: its start (a shell, mkfifo and awk: tens of ms) overlaps the launch settings' read-ahead
                String valid = validate(method);
                ResourceTracker.startInBackground();
                ctx = new Base(valid, defaultSpec(), null);
                CONTEXTS.put(method, ctx);
            }
            return ctx;
        }
    }

    /**
     * @return how the children of a context obtained now start: mp4j's defaults, then the system properties
     *     {@code mp4j.executable}, {@code mp4j.jvmOptions} and {@code mp4j.forkserverPreload}, then what
     *     {@link #changeDefaults} changed
     */
    static Launch.Spec defaultSpec() {
        Launch.Spec spec = defaultSpec;
        if (spec == null) {
            synchronized (Contexts.class) {
                spec = defaultSpec;
                if (spec == null) {
                    spec = fromProperties(Launch.Spec.defaults(Bootstrap.class));
                    defaultSpec = spec;
                    Launch.readAhead(spec);
                }
            }
        }
        return spec;
    }

    /** @return {@code spec} as the system properties {@code mp4j.*} change it */
    static Launch.Spec fromProperties(Launch.Spec spec) {
        String java = System.getProperty(EXECUTABLE_PROPERTY);
        if (java != null && !java.isBlank()) {
            spec = spec.withJava(Path.of(java.trim()));
        }
        String options = System.getProperty(JVM_OPTIONS_PROPERTY);
        if (options != null && !options.isBlank()) {
            spec = spec.withJvmOptions(List.of(options.trim().split("\\s+")));
        }
        String preload = System.getProperty(PRELOAD_PROPERTY);
        if (preload != null && !preload.isBlank()) {
            spec = spec.withPreload(Arrays.stream(preload.split(",")).map(String::trim)
                    .filter(c -> !c.isEmpty()).toList());
        }
        return spec;
    }

    /**
     * Changes the launch settings of the contexts obtained from now on, named ones included; contexts
     * obtained before keep theirs, and their forkserver spares already booted are ended.
     *
     * @param change what changes
     */
    static void changeDefaults(java.util.function.UnaryOperator<Launch.Spec> change) {
        synchronized (Contexts.class) {
            defaultSpec = change.apply(defaultSpec());
            for (Base old : List.copyOf(CONTEXTS.values())) {
                CONTEXTS.remove(old.method(), old);
                if (old.method().equals(FORKSERVER)) {
                    Spares.discard(old.spec());
                }
            }
        }
    }

    /**
     * @param method a start method's name
     * @return it, if mp4j offers it
     * @throws IllegalArgumentException for "fork" (explaining why) and unknown names
     */
    static String validate(String method) {
        Objects.requireNonNull(method, "method");
        return switch (method) {
            case SPAWN, FORKSERVER -> method;
            case "fork" -> throw new IllegalArgumentException("the 'fork' start method is not available: a JVM "
                    + "cannot be forked (only the forking thread would survive, and the JIT, GC and locks would "
                    + "be left in an undefined state). Use 'spawn' (a fresh JVM per process, the default) or "
                    + "'forkserver' (a warm spare JVM is handed over, the fastest start)");
            default -> throw new IllegalArgumentException("cannot find context for '" + method
                    + "': the start methods are " + METHODS);
        };
    }

    /** @return the context of the default start method (which this fixes, as {@code getContext()} does) */
    static Base defaultContext() {
        return of(Multiprocessing.getStartMethod());
    }

    /**
     * A start method with its launch settings.
     *
     * @param method the start method
     * @param spec how its children are launched
     * @param filter the serial filter its children and the objects it makes apply (in its portable form), or null
     */
    record Base(String method, Launch.Spec spec, ObjectInputFilter filter) implements JvmContext {
        Base {
            if (method.equals(FORKSERVER)) {
                Spares.prime(spec);
            }
        }

        @Override
        public String startMethod() {
            return method;
        }

        @Override
        public Context withJvmOptions(List<String> options) {
            Objects.requireNonNull(options, "options");
            for (String o : options) {
                Objects.requireNonNull(o, "an option in options is null");
            }
            return new Base(method, spec.withJvmOptions(options), filter);
        }

        @Override
        public Context withExecutable(Path java) {
            Objects.requireNonNull(java, "java");
            if (!Files.isExecutable(java)) {
                throw new IllegalArgumentException("java executable " + java + " does not exist or is not executable");
            }
            return new Base(method, spec.withJava(java), filter);
        }

        @Override
        public Context withInheritedJvmOptions(boolean inherit) {
            return new Base(method, spec.withInherit(inherit), filter);
        }

        @Override
        public Context withClassPath(List<Path> classPath) {
            Objects.requireNonNull(classPath, "classPath");
            if (classPath.isEmpty()) {
                throw new IllegalArgumentException("classPath is empty: give at least the jar or directory that "
                        + "holds mp4j");
            }
            for (Path p : classPath) {
                Objects.requireNonNull(p, "an entry of classPath is null");
                if (!Files.exists(p)) {
                    throw new IllegalArgumentException("class path entry " + p + " does not exist (expected a jar "
                            + "or a directory of classes)");
                }
            }
            return new Base(method, spec.withClassPath(classPath), filter);
        }

        @Override
        public Context withOutput(ChildOutput output) {
            return new Base(method, spec.withOutput(Objects.requireNonNull(output, "output")), filter);
        }

        /**
         * Checks that children can start ({@link Launch#check}) and, the first time for launch settings that
         * the user chose (options, java, class path) in this JVM, boots one and waits until it has connected: a
         * child that fails before it does (an option its JVM refuses, a java too old) fails this call, not a
         * pool already made. The child booted
         * goes to the next {@link #obtain} of these settings (the worker started next), so nothing is booted
         * twice.
         */
        @Override
        public void check() throws IOException {
            Launch.check(spec);
            if (BOOTED.contains(spec) || !spec.chosen()) {
                return; // booted already; or this JVM's own java, class path and options: they boot
            }
            ChildJvm probe = method.equals(FORKSERVER) ? Spares.take(spec) : Launch.start(spec);
            BOOTED.add(spec);
            ChildJvm extra = PROBED.put(spec, probe);
            if (extra != null) {
                extra.process().destroyForcibly();
                extra.release();
            }
        }

        /**
         * @param types the classes of a process and its target (null ones are skipped)
         * @throws IOException if a child could not be started, or could not load one of them
         */
        void checkReachable(Class<?>... types) throws IOException {
            Launch.check(spec);
            for (Class<?> t : types) {
                if (t != null) {
                    Launch.checkReachable(spec, t);
                }
            }
        }

        @Override
        public Context withSerialFilter(ObjectInputFilter filter) {
            return new Base(method, spec, SerialFilters.portable(filter));
        }

        @Override
        public ObjectInputFilter serialFilter() {
            return filter;
        }

        @Override
        public Process process(SerializableRunnable target) {
            Process p = new Process(target);
            p.bindContext(this);
            return p;
        }

        @Override
        public <E> Queue<E> queue(int maxsize) {
            return IpcQueues.queue(maxsize, decodeFilter());
        }

        @Override
        public <E> SimpleQueue<E> simpleQueue() {
            return IpcQueues.simpleQueue(decodeFilter());
        }

        @Override
        public <E> JoinableQueue<E> joinableQueue(int maxsize) {
            return IpcQueues.joinableQueue(maxsize, decodeFilter());
        }

        @Override
        public Pipe pipe(boolean duplex) {
            PipeEnd[] ends = IpcQueues.pipe(duplex, decodeFilter());
            return new Pipe(ends[0], ends[1]);
        }

        /** @return what this process accepts through this context's queues and pipes */
        private ObjectInputFilter decodeFilter() {
            return SerialFilters.effective(filter);
        }

        // The synchronization primitives do not depend on the start method: every context makes the same kind.

        @Override
        public Lock lock() {
            return ProcessSync.lock();
        }

        @Override
        public RLock rlock() {
            return ProcessSync.rlock();
        }

        @Override
        public Condition condition(Lock lock) {
            return ProcessSync.condition(Objects.requireNonNull(lock, "lock"));
        }

        @Override
        public Semaphore semaphore(int value) {
            return ProcessSync.semaphore(value, false);
        }

        @Override
        public Semaphore boundedSemaphore(int value) {
            return ProcessSync.semaphore(value, true);
        }

        @Override
        public Event event() {
            return ProcessSync.event();
        }

        @Override
        public Barrier barrier(int parties, SerializableRunnable action, Duration timeout) {
            return ProcessSync.barrier(parties, action, timeout);
        }

        // Each shared value and array lives in a segment of its own; its lock, a cross-process RLock, is made
        // when first needed.

        @Override
        public SharedInt sharedInt(int initial) {
            return SharedObjects.sharedInt(initial, ProcessSync::rlock);
        }

        @Override
        public SharedLong sharedLong(long initial) {
            return SharedObjects.sharedLong(initial, ProcessSync::rlock);
        }

        @Override
        public SharedDouble sharedDouble(double initial) {
            return SharedObjects.sharedDouble(initial, ProcessSync::rlock);
        }

        @Override
        public SharedIntArray sharedIntArray(int length) {
            return SharedObjects.sharedIntArray(length, ProcessSync::rlock);
        }

        @Override
        public SharedLongArray sharedLongArray(int length) {
            return SharedObjects.sharedLongArray(length, ProcessSync::rlock);
        }

        @Override
        public SharedDoubleArray sharedDoubleArray(int length) {
            return SharedObjects.sharedDoubleArray(length, ProcessSync::rlock);
        }

        @Override
        public SharedByteArray sharedByteArray(int length) {
            return SharedObjects.sharedByteArray(length, ProcessSync::rlock);
        }

        @Override
        public SyncManager manager() {
            SyncManager m = new SyncManager(null, null, this);
            m.start();
            return m;
        }

        @Override
        public Pool pool(int processes) {
            return Pool.builder().processes(processes).context(this).build();
        }

        /** @return a booted child waiting for its job: a new one (spawn) or a warm spare (forkserver) */
        ChildJvm obtain() throws IOException {
            return obtain(p -> { });
        }

        @Override
        public ChildJvm obtain(Consumer<java.lang.Process> started) throws IOException {
            return obtain(started, false);
        }

        @Override
        public ChildJvm obtain(Consumer<java.lang.Process> started, boolean executorWorker) throws IOException {
            ChildJvm probed = PROBED.remove(spec);
            if (probed != null) {
                if (probed.process().isAlive()) {
                    started.accept(probed.process());
                    return probed;
                }
                probed.release();
            }
            ChildJvm child = boot(started, executorWorker);
            BOOTED.add(spec);
            return child;
        }

        private ChildJvm boot(Consumer<java.lang.Process> started, boolean executorWorker) throws IOException {
            if (method.equals(FORKSERVER)) {
                ChildJvm spare = Spares.take(spec);
                started.accept(spare.process());
                return spare;
            }
            Launch.Booting booting = Launch.begin(spec, executorWorker);
            started.accept(booting.process());
            return booting.await();
        }

        @Override
        public String toString() {
            return "<Context " + method + " java=" + spec.java() + " options=" + spec.jvmOptions()
                    + (spec.inherit() ? "" : " inheritedOptions=false")
                    + (spec.classPath().isEmpty() ? "" : " classPath=" + spec.classPath())
                    + (spec.output() == ChildOutput.INHERIT ? "" : " output=" + spec.output())
                    + (filter != null ? " filter=" + filter : "") + ">";
        }
    }
}
