package dev.mp4j.internal.pool;

import dev.mp4j.futures.BrokenThreadPool;
import dev.mp4j.internal.util.LazyLogger;

import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Workers that are daemon threads of this JVM ({@code ThreadPool}, the dummy context's pools). Tasks are
 * handed over as they are, not serialized. A worker ends when told to quit or when killed (interrupted): a
 * killed worker finishes the task it runs, if the task ignores the interrupt, then ends. An interrupt a task
 * leaves set on its thread is cleared after it: it ends neither the worker nor the next task.
 */
public final class ThreadBackend extends BreakingBackend {
    private static final System.Logger LOG = LazyLogger.of("dev.mp4j.pool");
    private static final AtomicInteger COUNTER = new AtomicInteger(1);
    private static final Object QUIT = new Object();

    private final Runnable initializer;
    private final long softLimitNanos;
    private final Consumer<Runnable> workerScope;

    /** @param initializer run once on every worker thread before its first task; null for none */
    public ThreadBackend(Runnable initializer) {
        this(initializer, 0, Runnable::run);
    }

    /**
     * @param initializer run once on every worker thread before its first task; null for none
     * @param softLimitNanos interrupt a worker thread once its task ran this long; 0 for never
     * @param workerScope runs a worker thread's whole work, initializer included, in the worker thread (the
     *     thread pool of the dummy context runs it as a dummy process)
     */
    public ThreadBackend(Runnable initializer, long softLimitNanos, Consumer<Runnable> workerScope) {
        super("thread");
        this.initializer = initializer;
        this.softLimitNanos = softLimitNanos;
        this.workerScope = Objects.requireNonNull(workerScope, "workerScope");
    }

    @Override
    public RuntimeException broken(String message, Throwable cause) {
        return new BrokenThreadPool(message, cause);
    }

    /** @return false: a thread's planned end tells nothing worth starting the logging framework for */
    @Override
    public boolean logsRoutineEnds() {
        return false;
    }

    /**
     * @return true: a task queued in a worker thread's inbox can be taken out of it, for an idle worker (a task
     *     that waits for work of its own pool, a map from inside a task, must not hold what is queued behind it)
     */
    @Override
    public boolean recalls() {
        return true;
    }

    @Override
    public Object prepare(Object task) {
        return task;
    }

    @Override
    public Object restore(Object prepared) {
        return prepared;
    }

    @Override
    public RuntimeException unsendable(Throwable error) {
        return new IllegalArgumentException("cannot run the task: " + error, error);
    }

    @Override
    public String newName(String kind) {
        // String.concat, not +: a + links a call site on its first run, which a fresh JVM's first pool pays for
        return kind.concat("-").concat(Integer.toString(COUNTER.getAndIncrement()));
    }

    @Override
    public Link start(PoolEngine.Worker worker) {
        ThreadLink link = new ThreadLink();
        link.thread = Thread.ofPlatform().daemon(true).name(worker.name())
                .unstarted(new Scoped(workerScope, new Body(this, worker, link)));
        link.thread.start();
        return link;
    }

    // Classes, not lambdas: a lambda's first use spins a class, which a fresh JVM's first pool pays for.

    /** A worker thread's whole run: its {@link Body} inside the backend's worker scope. */
    private static final class Scoped implements Runnable {
        private final Consumer<Runnable> scope;
        private final Runnable body;

        Scoped(Consumer<Runnable> scope, Runnable body) {
            this.scope = scope;
            this.body = body;
        }

        @Override
        public void run() {
            scope.accept(body);
        }
    }

    /** A worker thread's work: its initializer, then its tasks until told to quit or killed. */
    private static final class Body implements Runnable {
        private final ThreadBackend backend;
        private final PoolEngine.Worker worker;
        private final ThreadLink link;

        Body(ThreadBackend backend, PoolEngine.Worker worker, ThreadLink link) {
            this.backend = backend;
            this.worker = worker;
            this.link = link;
        }

        @Override
        public void run() {
            backend.run(worker, link);
        }
    }

    private void run(PoolEngine.Worker w, ThreadLink link) {
        if (initializer != null) {
            try {
                initializer.run();
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "Exception in initializer of " + w.name() + ":", t);
                w.initFailed(t);
                w.gone(1, null, null);
                return;
            }
        }
        w.ready();
        SoftLimit soft = softLimitNanos > 0 ? new SoftLimit(softLimitNanos, Thread.currentThread()) : null;
        while (!link.dead) {
            Object msg;
            try {
                msg = link.inbox.take();
            } catch (InterruptedException e) {
                break;
            }
            if (msg == QUIT) {
                break;
            }
            Message m = (Message) msg;
            TaskRunner.Outcome out;
            long began = System.nanoTime();
            if (soft == null) {
                out = TaskRunner.run(m.task, m.into, m.at, null);
            } else {
                var timer = soft.arm(m.id, w::softLimited);
                try {
                    out = TaskRunner.run(m.task, m.into, m.at, null);
                } finally {
                    soft.disarm(timer);
                }
            }
            if (!link.dead) {
                // a task may end with its thread's interrupt flag set (it restored an interrupt it caught): that
                // must not end the worker at its next take() as if killed. A kill sets dead before it interrupts,
                // so the loop's test still ends a killed worker whose interrupt this clears.
                Thread.interrupted();
            }
            try {
                w.result(m.id, out.value(), out.error(), System.nanoTime() - began);
            } catch (Throwable t) {
                w.failed(t);
            }
        }
        Thread.interrupted();
        w.gone(link.dead ? -9 : 0, null, null);
    }

    /**
     * A task for a worker thread. A class, not a record: {@link ThreadLink#recall} removes one from the inbox by
     * identity, where a record's equals would bootstrap its method handles on first use.
     */
    private static final class Message {
        final long id;
        final Object task;
        final Object[] into; // where a chunk's values go ({@link Completion#valuesInto}), or null
        final int at;        // where its first value goes in into

        Message(long id, Object task, Object[] into, int at) {
            this.id = id;
            this.task = task;
            this.into = into;
            this.at = at;
        }
    }

    /** One worker thread and its inbox. */
    private static final class ThreadLink implements Link {
        final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        volatile Thread thread;
        volatile boolean dead;

        @Override
        public void send(long id, Object prepared) {
            inbox.add(new Message(id, prepared, null, 0));
        }

        @Override
        public void send(long id, Object prepared, Object[] into, int at) {
            inbox.add(new Message(id, prepared, into, at));
        }

        @Override
        public boolean recall(long id) {
            for (Object o : inbox) {
                if (o instanceof Message m && m.id == id) {
                    return inbox.remove(m); // false if the worker took it meanwhile
                }
            }
            return false;
        }

        @Override
        public void quit() {
            inbox.add(QUIT);
        }

        @Override
        public void kill() {
            dead = true;
            thread.interrupt();
        }

        @Override
        public long pid() {
            return -1;
        }

        @Override
        public ProcessHandle process(long waitSeconds) {
            return null;
        }
    }
}
