package dev.mp4j.hazelcast;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.spawn.ChildJvm;
import dev.mp4j.internal.spi.JvmContext;
import dev.mp4j.internal.spi.Pools;
import dev.mp4j.internal.wire.SerialFilters;
import dev.mp4j.multiprocessing.ChildOutput;
import dev.mp4j.multiprocessing.JoinableQueue;
import dev.mp4j.multiprocessing.Pipe;
import dev.mp4j.multiprocessing.Pool;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Queue;
import dev.mp4j.multiprocessing.SharedDouble;
import dev.mp4j.multiprocessing.SharedByteArray;
import dev.mp4j.multiprocessing.SharedDoubleArray;
import dev.mp4j.multiprocessing.SharedInt;
import dev.mp4j.multiprocessing.SharedIntArray;
import dev.mp4j.multiprocessing.SharedLong;
import dev.mp4j.multiprocessing.SharedLongArray;
import dev.mp4j.multiprocessing.SharedMemory;
import dev.mp4j.multiprocessing.SimpleQueue;
import dev.mp4j.multiprocessing.managers.SyncManager;
import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.Condition;
import dev.mp4j.threading.Event;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.RLock;
import dev.mp4j.threading.Semaphore;

import java.io.ObjectInputFilter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * {@code cluster.context()}: the queues, locks, semaphores, events and pools of a {@link Cluster}, each a
 * serializable handle that works inside tasks on the members too. A JVM context (through mp4j's seam) only so that
 * it can be a {@link dev.mp4j.multiprocessing.Context}; it starts no JVM. What a cluster cannot do throws
 * {@link UnsupportedOperationException} saying why and what to use instead.
 */
final class ClusterContext implements JvmContext {
    private final Cluster cluster;
    private final ObjectInputFilter filter;

    ClusterContext(Cluster cluster, ObjectInputFilter filter) {
        this.cluster = cluster;
        this.filter = filter;
    }

    private String newName(String kind) {
        return "mp4j." + kind + "." + UUID.randomUUID();
    }

    private static UnsupportedOperationException cannot(String what, String why, String instead) {
        return new UnsupportedOperationException(what + " is not available on a cluster: " + why + "; instead, " + instead);
    }

    @Override
    public String startMethod() {
        return "cluster";
    }

    @Override
    public ClusterContext withJvmOptions(List<String> options) {
        throw cannot("withJvmOptions", "the members are JVMs started by './mp4j member' or Cluster.local, with their "
                + "own options", "give options to the member JVMs where they are started");
    }

    @Override
    public ClusterContext withExecutable(Path java) {
        throw cannot("withExecutable", "the members are JVMs started by './mp4j member' or Cluster.local",
                "choose the java binary where the members are started");
    }

    @Override
    public ClusterContext withInheritedJvmOptions(boolean inherit) {
        throw cannot("withInheritedJvmOptions", "the members are JVMs started by './mp4j member' or Cluster.local, "
                + "with their own options", "give options to the member JVMs where they are started");
    }

    @Override
    public ClusterContext withClassPath(List<Path> classPath) {
        throw cannot("withClassPath", "the members are JVMs started by './mp4j member' or Cluster.local, with the "
                + "class path they were given", "start the members with the application's classes ('./mp4j member "
                + "--classpath')");
    }

    @Override
    public ClusterContext withOutput(ChildOutput output) {
        throw cannot("withOutput", "tasks run on the members' threads, and what they print goes to the members' "
                + "own streams", "log from tasks with System.Logger and collect the members' logs");
    }

    /**
     * {@inheritDoc} Here it applies to the items read from the context's queues, here and in tasks on the members
     * (the handles carry it); the tasks themselves are decoded under the members' own filter.
     */
    @Override
    public ClusterContext withSerialFilter(ObjectInputFilter filter) {
        return new ClusterContext(cluster, SerialFilters.portable(filter));
    }

    @Override
    public Process process(SerializableRunnable target) {
        throw cannot("process()", "a member runs tasks on its threads and no process of the cluster is yours to "
                + "start, terminate or kill", "submit the work to cluster.executor(name) or context().pool(n)");
    }

    @Override
    public <E> Queue<E> queue(int maxsize) {
        return new ClusterQueue<>(cluster, newName("queue"), maxsize, false, filter);
    }

    @Override
    public <E> SimpleQueue<E> simpleQueue() {
        return new ClusterQueue<>(cluster, newName("queue"), 0, false, filter);
    }

    @Override
    public <E> JoinableQueue<E> joinableQueue(int maxsize) {
        return new ClusterQueue<>(cluster, newName("queue"), maxsize, true, filter);
    }

    @Override
    public Pipe pipe(boolean duplex) {
        throw cannot("pipe()", "a pipe joins two processes of one machine", "use context().queue() between the "
                + "caller and a task");
    }

    @Override
    public Lock lock() {
        return new ClusterSync.ClusterLock(cluster, newName("lock"));
    }

    @Override
    public RLock rlock() {
        return new ClusterSync.ClusterRLock(cluster, newName("rlock"));
    }

    @Override
    public Condition condition(Lock lock) {
        throw cannot("condition()", "Hazelcast's community edition has no CP subsystem to wait and notify on",
                "use an event(), a semaphore() or a queue()");
    }

    @Override
    public Semaphore semaphore(int value) {
        return new ClusterSync.ClusterSemaphore(cluster, newName("semaphore"), value, false);
    }

    @Override
    public Semaphore boundedSemaphore(int value) {
        return new ClusterSync.ClusterSemaphore(cluster, newName("semaphore"), value, true);
    }

    @Override
    public Event event() {
        return new ClusterSync.ClusterEvent(cluster, newName("event"));
    }

    @Override
    public Barrier barrier(int parties, SerializableRunnable action, Duration timeout) {
        throw cannot("barrier()", "Hazelcast's community edition has no CP subsystem (latches are Enterprise only)",
                "count arrivals with a semaphore() or a queue()");
    }

    private static UnsupportedOperationException noSharedMemory(String what) {
        return cannot(what, "members share no memory", "keep the value in manager().dict() or send it through "
                + "a queue()");
    }

    @Override
    public SharedInt sharedInt(int initial) {
        throw noSharedMemory("sharedInt()");
    }

    @Override
    public SharedLong sharedLong(long initial) {
        throw noSharedMemory("sharedLong()");
    }

    @Override
    public SharedDouble sharedDouble(double initial) {
        throw noSharedMemory("sharedDouble()");
    }

    @Override
    public SharedIntArray sharedIntArray(int length) {
        throw noSharedMemory("sharedIntArray()");
    }

    @Override
    public SharedLongArray sharedLongArray(int length) {
        throw noSharedMemory("sharedLongArray()");
    }

    @Override
    public SharedDoubleArray sharedDoubleArray(int length) {
        throw noSharedMemory("sharedDoubleArray()");
    }

    @Override
    public SharedByteArray sharedByteArray(int length) {
        throw noSharedMemory("sharedByteArray()");
    }

    @Override
    public SharedMemory sharedMemory(long size) {
        throw noSharedMemory("sharedMemory()");
    }

    @Override
    public SyncManager manager() {
        return new ClusterManager(cluster, this, filter);
    }

    @Override
    public Pool pool(int processes) {
        return Pools.forwardingTo(new ClusterPool(cluster, newName("pool"), processes));
    }

    /** A cluster context starts no JVM. */
    @Override
    public ChildJvm obtain(Consumer<java.lang.Process> started) {
        throw cannot("starting a JVM", "a cluster's JVMs are its members", "start members with './mp4j member'");
    }

    @Override
    public ObjectInputFilter serialFilter() {
        return filter;
    }

    @Override
    public String toString() {
        return "<cluster context of " + cluster.name() + ">";
    }
}
