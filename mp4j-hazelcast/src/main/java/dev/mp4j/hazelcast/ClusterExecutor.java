package dev.mp4j.hazelcast;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import dev.mp4j.InterruptedError;
import dev.mp4j.function.SerializableCallable;
import dev.mp4j.function.SerializableFunction;
import dev.mp4j.futures.BrokenExecutor;
import dev.mp4j.futures.Executor;
import dev.mp4j.futures.Future;
import dev.mp4j.futures.InvalidStateError;
import dev.mp4j.futures.ResultIterator;
import dev.mp4j.futures.WorkerDeath;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.multiprocessing.ProcessError;
import dev.mp4j.multiprocessing.WorkerLostError;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An mp4j {@link Executor} whose tasks run on the members of a {@link Cluster}, on the threads of the Hazelcast
 * executor of its name. Each task is sent to one member, chosen in turn; the function and its arguments travel
 * as signed mp4j-codec bytes, so a serializable lambda works as it does with a {@code ProcessPoolExecutor}, and
 * a task that cannot be serialized fails its own future.
 *
 * <p>A member lost while it holds tasks (running or queued there): under {@link WorkerDeath#BREAK} (the default)
 * every pending future fails with {@link BrokenExecutor} and later submits throw it; under
 * {@link WorkerDeath#REPLACE} that member's tasks fail with {@link WorkerLostError}, or, built with
 * {@code retryLost(true)}, run again on another member: at least once, so a task that had side effects before
 * its member died may have them twice.
 *
 * <p>{@code shutdown} and {@code close} concern this object only, never the cluster's executor of that name, which
 * other clients may share. Cancelling a future of a task already sent to a member discards its result; the member
 * may still run it.
 */
public final class ClusterExecutor implements Executor {
    private static final AtomicLong IDS = new AtomicLong();
    /** How long a failed connection's member has to be reported gone before its task's outcome counts as unknown. */
    private static final Duration CONNECTION_GRACE = Duration.ofSeconds(20);
    /**
     * Results up to this size are read on the Hazelcast thread that receives them, so that a caller waiting in
     * {@code result()} is woken by that thread directly, as Hazelcast's own futures are; a larger one is read on
     * {@link #RESULTS}, so as not to hold up the client's other responses.
     */
    private static final int READ_IN_PLACE = 64 * 1024;
    /** True on a Hazelcast thread while it completes tasks' futures: their callbacks go to {@link #RESULTS}. */
    private static final ThreadLocal<Boolean> ON_HAZELCAST_THREAD = ThreadLocal.withInitial(() -> false);
    private static final System.Logger CALLBACK_LOG = System.getLogger("dev.mp4j.futures");
    /**
     * Where the done callbacks of futures completed on one of Hazelcast's threads run, and where large results are
     * read: threads kept while there is work, so that a callback that blocks holds up no other task's result and
     * never Hazelcast's own threads.
     */
    static final ExecutorService RESULTS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), Thread.ofPlatform().daemon().name("mp4j-cluster-results-", 1).factory());

    private final Cluster cluster;
    private final String name;
    private final IExecutorService hz;
    private final WorkerDeath workerDeath;
    private final boolean retryLost;
    private final long timeLimitNanos;
    private final UUID membership;

    /**
     * Guards the changes of state ({@code shutdown}, {@code broken}, a task's {@code member} on a loss, the member
     * list's refreshes) and is what {@link #awaitTermination} waits on; a task's own way (submit, dispatch,
     * result) takes no lock.
     */
    private final Object lock = new Object();
    /** The tasks not yet settled, by id: ids grow, so sorting by them gives the order of submission. */
    private final ConcurrentMap<Long, Task<?>> pending = new ConcurrentHashMap<>();
    private volatile boolean shutdown;                                // written under lock
    private volatile BrokenExecutor broken;                           // written under lock
    private final AtomicInteger turn = new AtomicInteger();
    private final Set<UUID> gone = ConcurrentHashMap.newKeySet();     // members seen lost
    /**
     * The members that can run a task (data members not seen lost), as of the last membership event: kept, not
     * asked of Hazelcast for each task.
     */
    private volatile com.hazelcast.cluster.Member[] eligible;

    /**
     * A task's future. Its done callbacks run in the thread that completes it, as Python's do, except a Hazelcast
     * thread (the one that receives a result, or reports a member lost): from there they are handed to
     * {@link #RESULTS}, so that a callback that blocks, or waits for another result of the cluster, cannot hold up
     * the client. A callback added once the future is done runs at once in the caller's thread.
     */
    static final class TaskFuture<V> extends Future<V> {
        @Override
        public void addDoneCallback(Consumer<? super Future<V>> fn) {
            Objects.requireNonNull(fn, "fn");
            super.addDoneCallback(f -> {
                if (ON_HAZELCAST_THREAD.get()) {
                    RESULTS.execute(() -> callBack(fn, f));
                } else {
                    fn.accept(f);
                }
            });
        }

        /** @param fn a short, non-blocking callback of mp4j's own, run in whichever thread completes the future */
        void whenDone(Consumer<? super Future<V>> fn) {
            super.addDoneCallback(fn);
        }

        private static <V> void callBack(Consumer<? super Future<V>> fn, Future<V> f) {
            try {
                fn.accept(f);
            } catch (Throwable t) {
                CALLBACK_LOG.log(System.Logger.Level.ERROR, "exception calling callback for " + f, t);
            }
        }
    }

    /**
     * Runs {@code action}, which completes tasks' futures, on a Hazelcast thread: their callbacks go elsewhere.
     */
    private static void onHazelcastThread(Runnable action) {
        ON_HAZELCAST_THREAD.set(true);
        try {
            action.run();
        } finally {
            ON_HAZELCAST_THREAD.set(false);
        }
    }

    /** A task sent, or about to be: its future, its signed bytes, and the member that holds it. */
    private static final class Task<V> {
        final long id = IDS.incrementAndGet();
        final TaskFuture<V> future = new TaskFuture<>();
        byte[] sealed;
        volatile UUID member; // cleared under the executor's lock by a loss; null until the next dispatch
        UUID target;   // the member asked for, or null for any
    }

    private ClusterExecutor(Builder b) {
        this.cluster = b.cluster;
        this.name = b.name;
        this.hz = cluster.hazelcast().getExecutorService(name);
        this.workerDeath = b.workerDeath;
        this.retryLost = b.retryLost;
        this.timeLimitNanos = b.timeLimit == null ? 0 : Math.max(1, Timeouts.toNanos(b.timeLimit));
        this.membership = cluster.hazelcast().getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent e) {
                refreshMembers();
            }

            @Override
            public void memberRemoved(MembershipEvent e) {
                refreshMembers();
                onHazelcastThread(() -> lost(e.getMember().getUuid(), Cluster.address(e.getMember())));
            }
        });
        refreshMembers(); // after the listener's registration: no change falls between the two
    }

    /** Reads the member list again: at a membership event, and when a member is seen lost. */
    private void refreshMembers() {
        synchronized (lock) { // one at a time, so that an older list never replaces a newer one
            Set<com.hazelcast.cluster.Member> all;
            try {
                all = cluster.hazelcast().getCluster().getMembers();
            } catch (HazelcastInstanceNotActiveException e) {
                all = Set.of(); // the cluster was closed: no member runs anything any more
            }
            eligible = all.stream().filter(m -> !m.isLiteMember() && !gone.contains(m.getUuid()))
                    .toArray(com.hazelcast.cluster.Member[]::new);
        }
    }

    /** @return the members a task may be sent to now (for tests) */
    List<UUID> eligibleMembers() {
        return java.util.Arrays.stream(eligible).map(com.hazelcast.cluster.Member::getUuid).toList();
    }

    /**
     * @param cluster the cluster
     * @param name the executor's name: every client using the name shares the members' executor of that name
     * @return a builder for the keyword arguments: workerDeath, retryLost, timeLimit
     */
    public static Builder builder(Cluster cluster, String name) {
        return new Builder(Objects.requireNonNull(cluster, "cluster"), Objects.requireNonNull(name, "name"));
    }

    /** @return the name of the cluster's executor that runs the tasks */
    public String name() {
        return name;
    }

    @Override
    public <V> Future<V> submit(SerializableCallable<V> fn) {
        return submit(fn, null);
    }

    /**
     * @param fn the task
     * @param member the member to run it on; null for the next in turn
     * @return its future
     */
    <V> Future<V> submit(SerializableCallable<V> fn, UUID member) {
        Objects.requireNonNull(fn, "fn");
        checkOpen();
        Task<V> t = new Task<>();
        t.target = member;
        try {
            t.sealed = new Job(fn, timeLimitNanos).seal(cluster.keys().signing());
        } catch (IOException e) {
            t.future.setException(new ProcessError("the task cannot be serialized: " + e, e));
            return t.future;
        }
        pending.put(t.id, t);
        if (broken != null || shutdown) { // shut down or broken meanwhile: its snapshot may have missed this task
            forget(t);
            checkOpen();
        }
        t.future.whenDone(f -> forget(t)); // a cancelled task is not waited for
        dispatch(t);
        return t.future;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Future<T> submit(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        if (task instanceof SerializableCallable<?> s) {
            return submit((SerializableCallable<T>) s);
        }
        return submit((SerializableCallable<T>) task::call); // serializable when the task is
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T, R> ResultIterator<R> map(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                                        Duration timeout, int chunksize) {
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(items, "items");
        if (chunksize < 1) {
            throw new IllegalArgumentException("chunksize must be at least 1, not " + chunksize);
        }
        long deadline = Timeouts.deadline(Timeouts.toNanos(timeout));
        Chunked chunked = submitChunks(fn, items, chunksize);
        ResultIterator<?> results = new ChunkedResults(chunked.futures(), chunked.items(), deadline);
        return (ResultIterator<R>) results;
    }

    /**
     * The chunks of one map call.
     *
     * @param futures their futures, in order
     * @param items how many items they hold in all
     */
    record Chunked(List<Future<MapChunk.Values>> futures, int items) {}

    /**
     * @return the futures of {@code fn} applied to {@code items}, {@code chunksize} items per task, in order
     */
    @SuppressWarnings("unchecked")
    <T, R> Chunked submitChunks(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                                int chunksize) {
        SerializableFunction<Object, Object> f = (SerializableFunction<Object, Object>) (SerializableFunction<?, ?>) fn;
        List<Future<MapChunk.Values>> chunks = new ArrayList<>();
        List<Object> chunk = new ArrayList<>(chunksize);
        int n = 0;
        try {
            for (T item : items) {
                n++;
                chunk.add(item);
                if (chunk.size() == chunksize) {
                    chunks.add(submit(new MapChunk(f, chunk)));
                    chunk = new ArrayList<>(chunksize);
                }
            }
            if (!chunk.isEmpty()) {
                chunks.add(submit(new MapChunk(f, chunk)));
            }
        } catch (RuntimeException | Error e) {
            chunks.forEach(Future::cancel);
            throw e;
        }
        return new Chunked(chunks, n);
    }

    private void checkOpen() {
        BrokenExecutor b = broken;
        if (b != null) {
            throw new BrokenExecutor(b.getMessage(), b);
        }
        if (shutdown) {
            throw new RejectedExecutionException("cannot schedule new tasks after shutdown");
        }
    }

    private void dispatch(Task<?> t) {
        if (!pending.containsKey(t.id)) {
            return;
        }
        com.hazelcast.cluster.Member m = nextMember(t.target);
        if (m != null) {
            t.member = m.getUuid();
        }
        if (m == null) {
            settle(t, null, new WorkerLostError("the cluster '" + cluster.name() + "' has no member to run the task"));
            return;
        }
        UUID to = m.getUuid();
        java.util.concurrent.Future<byte[]> sent;
        try {
            sent = hz.submitToMember(new SignedCall(t.sealed), m);
        } catch (RuntimeException e) {
            failed(t, e, to, m);
            return;
        }
        // Read where the response arrives (a direct executor), so that a caller blocked in result() is woken by
        // that thread, as Hazelcast's own future wakes its caller: one thread hand-off per task, not two. Without an
        // executor Hazelcast would run the callback on its default async executor (a new thread per callback
        // when the common pool has a single thread, as on two cores).
        ((CompletableFuture<?>) sent).whenCompleteAsync((response, e) -> {
            if (e == null && response instanceof byte[] b && b.length > READ_IN_PLACE) {
                RESULTS.execute(() -> complete(t, response, null, to, m));
            } else {
                onHazelcastThread(() -> complete(t, response, e, to, m));
            }
        }, Runnable::run);
    }

    /** The member's response to a task, or the failure to get one: the task's future learns which. */
    private void complete(Task<?> t, Object response, Throwable e, UUID to, com.hazelcast.cluster.Member m) {
        try {
            if (e == null) {
                receive(t, response);
            } else {
                failed(t, e instanceof CompletionException && e.getCause() != null ? e.getCause() : e, to, m);
            }
        } catch (RuntimeException | Error bug) { // nobody else would see it: the task's future must
            settle(t, null, new ProcessError("cannot read a task's result: " + bug, bug));
        }
    }

    /**
     * @param target the member asked for; null for any
     * @return the next member in turn that can run a task, or null if there is none
     */
    private com.hazelcast.cluster.Member nextMember(UUID target) {
        com.hazelcast.cluster.Member[] members = eligible;
        if (target != null) {
            for (com.hazelcast.cluster.Member m : members) {
                if (target.equals(m.getUuid())) {
                    return m;
                }
            }
            return null;
        }
        return members.length == 0 ? null : members[Math.floorMod(turn.getAndIncrement(), members.length)];
    }

    private void failed(Task<?> t, Throwable e, UUID member, com.hazelcast.cluster.Member m) {
        if (isLoss(e)) {
            lostConnection(t, member, Cluster.address(m));
        } else {
            settle(t, null, new ProcessError("the cluster could not run the task: " + e, e));
        }
    }

    private static boolean isLoss(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof MemberLeftException || c instanceof TargetNotMemberException
                    || c instanceof TargetDisconnectedException) {
                return true;
            }
            if (c instanceof HazelcastInstanceNotActiveException) {
                return false;
            }
        }
        return false;
    }

    private void receive(Task<?> t, Object response) {
        if (!(response instanceof byte[] sealed)) {
            settle(t, null, new ProcessError("a member refused the task: it is not signed with that member's "
                    + "authkey (every member and client of the cluster needs the same authkey)"));
            return;
        }
        Outcome o;
        try {
            o = Outcome.open(cluster.keys().signing(), sealed, cluster.keys().filter());
        } catch (SecurityException e) {
            settle(t, null, new ProcessError("a task's result is not signed with this cluster's authkey"));
            return;
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            settle(t, null, new ProcessError("cannot read a task's result: " + e, e));
            return;
        }
        settle(t, o.value(), o.error());
    }

    @SuppressWarnings("unchecked")
    private <V> void settle(Task<V> t, Object value, Throwable error) {
        if (!forget(t)) {
            return;
        }
        try {
            if (error != null) {
                t.future.setException(error);
            } else {
                t.future.setResult((V) value);
            }
        } catch (InvalidStateError cancelled) {
            // the caller cancelled it: its result is dropped
        }
    }

    /** @return whether the task was pending: the caller is the one that settles it */
    private boolean forget(Task<?> t) {
        if (pending.remove(t.id) == null) {
            return false;
        }
        if (shutdown) { // read after the removal: a shutdown that missed it sees the task gone
            synchronized (lock) {
                lock.notifyAll();
            }
        }
        return true;
    }

    /** @return the pending tasks, in the order they were submitted */
    private List<Task<?>> pendingInOrder() {
        return pending.values().stream().sorted(Comparator.comparingLong(t -> t.id)).toList();
    }

    /**
     * The connection that carried a task failed. If its member has left, the task is lost with it; if the member is
     * still listed, its departure may not be known yet: the membership event will decide, and if none comes within
     * {@link #CONNECTION_GRACE}, the task's outcome is unknown (its reply was lost on the way): it runs again with
     * {@code retryLost}, otherwise it fails with {@link WorkerLostError}; the executor is not broken.
     */
    private void lostConnection(Task<?> t, UUID member, String where) {
        if (!isMember(member)) {
            lostTask(t, member, where);
            return;
        }
        CompletableFuture.runAsync(() -> {
            if (!isMember(member)) {
                lostTask(t, member, where);
                return;
            }
            synchronized (lock) {
                if (!member.equals(t.member) || !pending.containsKey(t.id)) {
                    return;
                }
                t.member = null;
            }
            if (retryLost) {
                dispatch(t);
            } else {
                settle(t, null, new WorkerLostError("the connection that carried the task to member " + where
                        + " of cluster '" + cluster.name() + "' was lost; whether it ran is unknown"));
            }
        }, CompletableFuture.delayedExecutor(CONNECTION_GRACE.toMillis(), TimeUnit.MILLISECONDS));
    }

    private boolean isMember(UUID member) {
        try {
            return cluster.hazelcast().getCluster().getMembers().stream().anyMatch(m -> m.getUuid().equals(member));
        } catch (HazelcastInstanceNotActiveException e) {
            return false;
        }
    }

    /** A member left: every task it held is lost. */
    private void lost(UUID member, String where) {
        pendingInOrder().stream().filter(t -> member.equals(t.member)).forEach(t -> lostTask(t, member, where));
    }

    private void lostTask(Task<?> t, UUID member, String where) {
        synchronized (lock) {
            if (!member.equals(t.member) || !pending.containsKey(t.id)) {
                return; // already handled, or sent elsewhere since
            }
            t.member = null;
            if (gone.add(member)) {
                refreshMembers();
            }
        }
        switch (workerDeath) {
            case BREAK -> breakAll(new BrokenExecutor("member " + where + " of cluster '" + cluster.name()
                    + "' was lost while it held a task; the executor is broken"));
            case REPLACE -> {
                if (retryLost) {
                    dispatch(t);
                } else {
                    settle(t, null, new WorkerLostError("member " + where + " of cluster '" + cluster.name()
                            + "' was lost while it held the task"));
                }
            }
        }
    }

    private void breakAll(BrokenExecutor cause) {
        synchronized (lock) {
            if (broken == null) {
                broken = cause;
            }
        }
        pendingInOrder().forEach(t -> settle(t, null, new BrokenExecutor(cause.getMessage())));
    }

    /**
     * {@inheritDoc} This object only: the cluster's executor of the same name goes on for its other users. With
     * {@code cancelFutures}, the futures of tasks not yet done are cancelled (a task already on a member may still
     * run there).
     */
    @Override
    public void shutdown(boolean wait, boolean cancelFutures) {
        synchronized (lock) {
            shutdown = true;
        }
        if (cancelFutures) {
            pendingInOrder().forEach(t -> t.future.cancel());
        }
        if (wait) {
            try {
                awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                throw InterruptedError.restore(e);
            }
        }
        release();
    }

    /** {@inheritDoc} Tasks on members are not interrupted; none is returned, since none is held back here. */
    @Override
    public List<Runnable> shutdownNow() {
        shutdown(false, true);
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown && pending.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = Timeouts.deadline(Math.max(0, unit.toNanos(timeout)));
        synchronized (lock) {
            while (!(shutdown && pending.isEmpty())) {
                long left = Timeouts.remaining(deadline);
                if (left == 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, Math.min(left, TimeUnit.SECONDS.toNanos(1)));
            }
        }
        release();
        return true;
    }

    private void release() {
        if (isTerminated()) {
            try {
                cluster.hazelcast().getCluster().removeMembershipListener(membership);
            } catch (HazelcastInstanceNotActiveException ignored) {
                // the cluster was closed first
            }
        }
    }

    @Override
    public String toString() {
        return "<ClusterExecutor " + name + " of " + cluster.name() + " " + workerDeath
                + (retryLost ? " retryLost" : "") + " pending=" + pending.size()
                + (broken != null ? " broken" : shutdown ? " shutdown" : "") + ">";
    }

    /** The keyword arguments of a {@link ClusterExecutor}. */
    public static final class Builder {
        private final Cluster cluster;
        private final String name;
        private WorkerDeath workerDeath = WorkerDeath.BREAK;
        private boolean retryLost;
        private Duration timeLimit;

        private Builder(Cluster cluster, String name) {
            this.cluster = cluster;
            this.name = name;
        }

        /**
         * @param workerDeath what a lost member does to the executor; default {@link WorkerDeath#BREAK}
         * @return this builder
         */
        public Builder workerDeath(WorkerDeath workerDeath) {
            this.workerDeath = Objects.requireNonNull(workerDeath, "workerDeath");
            return this;
        }

        /**
         * @param retryLost under {@link WorkerDeath#REPLACE}, run a lost member's tasks again on another member
         *     (at least once) instead of failing them with {@link WorkerLostError}
         * @return this builder
         */
        public Builder retryLost(boolean retryLost) {
            this.retryLost = retryLost;
            return this;
        }

        /**
         * @param timeLimit how long a task may run on its member; past it the future fails with
         *     {@link dev.mp4j.futures.TimeoutError}, the task's thread there is interrupted and the executor goes
         *     on; null for none
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder timeLimit(Duration timeLimit) {
            if (timeLimit != null && (timeLimit.isNegative() || timeLimit.isZero())) {
                throw new IllegalArgumentException("timeLimit must be positive, not " + timeLimit);
            }
            this.timeLimit = timeLimit;
            return this;
        }

        /**
         * @return the executor
         * @throws IllegalArgumentException if {@code retryLost} is asked for with {@link WorkerDeath#BREAK}
         */
        public ClusterExecutor build() {
            if (retryLost && workerDeath == WorkerDeath.BREAK) {
                throw new IllegalArgumentException("retryLost(true) needs workerDeath(REPLACE): under BREAK a lost "
                        + "member breaks the executor");
            }
            return new ClusterExecutor(this);
        }
    }
}
