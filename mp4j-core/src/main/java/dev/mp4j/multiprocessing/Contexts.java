package dev.mp4j.multiprocessing;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.child.Bootstrap;
import dev.mp4j.internal.spawn.ChildJvm;
import dev.mp4j.internal.spawn.Launch;
import dev.mp4j.internal.spawn.Launcher;
import dev.mp4j.internal.spawn.Spares;
import dev.mp4j.multiprocessing.managers.SyncManager;

import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.Condition;
import dev.mp4j.threading.Event;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.RLock;
import dev.mp4j.threading.Semaphore;
import dev.mp4j.internal.wire.SerialFilters;

import java.io.IOException;
import java.time.Duration;
import java.nio.file.Files;
import java.io.ObjectInputFilter;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/** The start methods mp4j offers, and their contexts. */
final class Contexts {
    static final String SPAWN = "spawn";
    static final String FORKSERVER = "forkserver";
    static final List<String> METHODS = List.of(SPAWN, FORKSERVER);

    private Contexts() {}

    static Base of(String method) {
        return new Base(validate(method), Launch.Spec.defaults(Bootstrap.class), null);
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

    static Base defaultContext() {
        return (Base) Multiprocessing.getContext();
    }

    /**
     * A start method with its launch settings.
     *
     * @param method the start method
     * @param spec how its children are launched
     * @param filter the serial filter its children and the objects it makes apply (in its portable form), or null
     */
    record Base(String method, Launch.Spec spec, ObjectInputFilter filter) implements Context, Launcher {
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
        public <E> Queue<E> queue() {
            return Queues.queue(this, 0);
        }

        @Override
        public <E> Queue<E> queue(int maxsize) {
            return Queues.queue(this, maxsize);
        }

        @Override
        public <E> SimpleQueue<E> simpleQueue() {
            return Queues.simpleQueue(this);
        }

        @Override
        public <E> JoinableQueue<E> joinableQueue() {
            return Queues.joinableQueue(this, 0);
        }

        @Override
        public <E> JoinableQueue<E> joinableQueue(int maxsize) {
            return Queues.joinableQueue(this, maxsize);
        }

        @Override
        public Pipe pipe() {
            return Queues.pipe(this, true);
        }

        @Override
        public Pipe pipe(boolean duplex) {
            return Queues.pipe(this, duplex);
        }

        @Override
        public Lock lock() {
            return Synchronize.lock(this);
        }

        @Override
        public RLock rlock() {
            return Synchronize.rlock(this);
        }

        @Override
        public Condition condition() {
            return Synchronize.condition(this, null);
        }

        @Override
        public Condition condition(Lock lock) {
            return Synchronize.condition(this, Objects.requireNonNull(lock, "lock"));
        }

        @Override
        public Semaphore semaphore(int value) {
            return Synchronize.semaphore(this, value, false);
        }

        @Override
        public Semaphore boundedSemaphore(int value) {
            return Synchronize.semaphore(this, value, true);
        }

        @Override
        public Event event() {
            return Synchronize.event(this);
        }

        @Override
        public Barrier barrier(int parties) {
            return Synchronize.barrier(this, parties, null, null);
        }

        @Override
        public Barrier barrier(int parties, SerializableRunnable action, Duration timeout) {
            return Synchronize.barrier(this, parties, action, timeout);
        }

        @Override
        public SharedInt sharedInt(int initial) {
            return SharedCtypes.sharedInt(this, initial);
        }

        @Override
        public SharedLong sharedLong(long initial) {
            return SharedCtypes.sharedLong(this, initial);
        }

        @Override
        public SharedDouble sharedDouble(double initial) {
            return SharedCtypes.sharedDouble(this, initial);
        }

        @Override
        public SharedIntArray sharedIntArray(int length) {
            return SharedCtypes.sharedIntArray(this, length);
        }

        @Override
        public SharedLongArray sharedLongArray(int length) {
            return SharedCtypes.sharedLongArray(this, length);
        }

        @Override
        public SharedDoubleArray sharedDoubleArray(int length) {
            return SharedCtypes.sharedDoubleArray(this, length);
        }

        @Override
        public SharedMemory sharedMemory(long size) {
            return SharedMemory.create(null, size);
        }

        @Override
        public SyncManager manager() {
            SyncManager m = new SyncManager(null, null, this);
            m.start();
            return m;
        }

        @Override
        public Pool pool() {
            return Pool.builder().context(this).build();
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
            if (method.equals(FORKSERVER)) {
                ChildJvm spare = Spares.take(spec);
                started.accept(spare.process());
                return spare;
            }
            Launch.Booting booting = Launch.begin(spec);
            started.accept(booting.process());
            return booting.await();
        }

        @Override
        public String toString() {
            return "<Context " + method + " java=" + spec.java() + " options=" + spec.jvmOptions()
                    + (filter != null ? " filter=" + filter : "") + ">";
        }
    }
}
