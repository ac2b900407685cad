package dev.mp4j.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.Empty;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.ProcessError;
import dev.mp4j.multiprocessing.Queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A Hazelcast cluster that runs mp4j's tasks: this JVM as a member ({@link #embedded}), as a client of running
 * members ({@link #connect}), or as the client of member JVMs it starts on this machine ({@link #local}).
 *
 * <p>Tasks, results and the items of the context's structures cross the cluster as mp4j-codec bytes signed with
 * the cluster's authkey (HMAC-SHA256); a member runs nothing that is not signed with its own key. mp4j's carrier is
 * not Java-serialized, and Hazelcast's Java deserialization filter, set on every configuration given here, admits
 * only byte arrays and Hazelcast's own exceptions. Hazelcast's
 * community edition has no TLS and no authentication: run a cluster on a trusted network.
 *
 * <p>The configurations given here are changed in place: their Java serialization filter is replaced by one that
 * admits only byte arrays and Hazelcast's exceptions, and mp4j's carrier's factory is added, so an application's
 * own objects in Hazelcast structures of the same cluster need
 * Hazelcast's other serialization formats (compact, {@code IdentifiedDataSerializable}, ...), or mp4j's context.
 *
 * <p>Hazelcast on JDK 25 needs the JVM option {@code --sun-misc-unsafe-memory-access=allow} in every JVM of the
 * cluster, this one included; {@code local} passes it to the members it starts.
 */
public final class Cluster implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    /**
     * How long a member JVM of {@link #local} that is still alive may take to start its Hazelcast: long, since one
     * that dies fails the start at once, and three of them starting on a loaded machine of two cores took more than
     * 90 s.
     */
    private static final Duration MEMBER_UP_TIMEOUT = Duration.ofMinutes(3);

    private final HazelcastInstance hz;
    private final MemberKeys.Keys keys;
    private final List<Process> started;   // the member JVMs of local(n)
    private final boolean owned;           // false: a view of an instance that someone else closes
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private Cluster(String name, HazelcastInstance hz, byte[] authkey, List<Process> started) {
        this.hz = hz;
        this.keys = new MemberKeys.Keys(name, hz, new Signing(authkey), null);
        this.started = started;
        this.owned = true;
        MemberKeys.register(keys);
    }

    private Cluster(MemberKeys.Keys keys) {
        this.hz = keys.instance();
        this.keys = keys;
        this.started = List.of();
        this.owned = false;
    }

    /**
     * @param keys this JVM's instance in a cluster
     * @return a view of it, for the objects of the context that travel inside tasks; closing it does nothing
     */
    static Cluster attached(MemberKeys.Keys keys) {
        return new Cluster(keys);
    }

    /**
     * Connects as a client of running members, signing with this process's authkey.
     *
     * @param config the client's configuration (mp4j adds its serialization filter; an unbounded connection
     *     timeout becomes 20 s)
     * @return the cluster
     * @throws ProcessError if no member can be reached in time
     */
    public static Cluster connect(ClientConfig config) {
        return connect(config, Multiprocessing.currentProcess().authkey());
    }

    /**
     * Connects as a client of running members.
     *
     * @param config the client's configuration (mp4j adds its serialization filter; an unbounded connection
     *     timeout becomes 20 s)
     * @param authkey the cluster's authkey: the members' own
     * @return the cluster
     * @throws ProcessError if no member can be reached in time
     */
    public static Cluster connect(ClientConfig config, byte[] authkey) {
        Objects.requireNonNull(config, "config");
        Signing check = new Signing(authkey);
        Configs.client(config);
        HazelcastInstance client;
        try {
            client = HazelcastClient.newHazelcastClient(config);
        } catch (IllegalStateException e) {
            throw new ProcessError("cannot connect to the cluster '" + config.getClusterName() + "' at "
                    + config.getNetworkConfig().getAddresses() + " within "
                    + Duration.ofMillis(config.getConnectionStrategyConfig().getConnectionRetryConfig()
                    .getClusterConnectTimeoutMillis()) + ": " + e.getMessage(), e);
        }
        return new Cluster(config.getClusterName(), client, check.key(), List.of());
    }

    /**
     * Makes this JVM a member, signing with this process's authkey.
     *
     * @param config the member's configuration (mp4j adds its serialization filter and the pid attribute)
     * @return the cluster
     */
    public static Cluster embedded(Config config) {
        return embedded(config, Multiprocessing.currentProcess().authkey());
    }

    /**
     * Makes this JVM a member.
     *
     * @param config the member's configuration (mp4j adds its serialization filter and the pid attribute)
     * @param authkey the cluster's authkey, the same in every member and client
     * @return the cluster
     */
    public static Cluster embedded(Config config, byte[] authkey) {
        Objects.requireNonNull(config, "config");
        return new Cluster(config.getClusterName(), startMember(config, authkey), authkey, List.of());
    }

    /**
     * Starts {@code members} member JVMs on this machine with mp4j's spawn (the parent's class path and this
     * process's authkey), bound to 127.0.0.1 only under a cluster name of their own, and connects to them as a
     * client. For tests and demos.
     *
     * @param members how many, at least 1
     * @return the cluster; {@link #close()} stops its members
     * @throws IllegalArgumentException if {@code members < 1}
     * @throws ProcessError if they do not form the cluster in time
     */
    public static Cluster local(int members) {
        return local(members, List.of());
    }

    /**
     * As {@link #local(int)}, the members' JVMs started with {@code jvmOptions} too.
     *
     * @param members how many, at least 1
     * @param jvmOptions more options of the members' JVMs
     */
    static Cluster local(int members, List<String> jvmOptions) {
        if (members < 1) {
            throw new IllegalArgumentException("members must be at least 1, not " + members);
        }
        String name = "mp4j-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        List<Integer> ports = freePorts(members);
        List<String> options = new ArrayList<>(List.of("--sun-misc-unsafe-memory-access=allow"));
        options.addAll(hazelcastAccess());
        options.addAll(jvmOptions);
        Context spawn = Multiprocessing.getContext("spawn").withJvmOptions(options);
        List<Process> procs = new ArrayList<>();
        try (Queue<Integer> started = spawn.queue()) {
            for (int i = 0; i < members; i++) {
                Process p = spawn.process(new LocalMember(name, ports.get(i), ports, started));
                p.setName(name + "-member-" + i);
                p.setDaemon(true);
                p.start();
                procs.add(p);
            }
            awaitStarted(name, procs, started);
            HazelcastInstance client = HazelcastClient.newHazelcastClient(Configs.localClient(name, ports));
            Cluster c = new Cluster(name, client, Multiprocessing.currentProcess().authkey(), List.copyOf(procs));
            c.awaitMembers(members);
            c.awaitDirectConnections();
            return c;
        } catch (IllegalStateException e) {
            stop(procs);
            throw new ProcessError("the local cluster '" + name + "' did not form: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            stop(procs);
            throw e;
        }
    }

    /**
     * The options that give Hazelcast the access to JDK internals it asks for at start-up (else it logs that it
     * runs "in a Java modular environment ... without proper access"), for its module, or the class path's: the
     * exports and opens of its warning, of the modules this JVM has (its children have the same).
     */
    static List<String> hazelcastAccess() {
        Module hz = HazelcastInstance.class.getModule();
        String to = hz.isNamed() ? hz.getName() : "ALL-UNNAMED";
        List<String> out = new ArrayList<>();
        for (String[] a : new String[][] {{"--add-exports", "java.base", "jdk.internal.ref"},
                {"--add-opens", "java.base", "java.lang"}, {"--add-opens", "java.base", "sun.nio.ch"},
                {"--add-opens", "java.management", "sun.management"},
                {"--add-opens", "jdk.management", "com.sun.management.internal"}}) {
            if (ModuleLayer.boot().findModule(a[1]).isPresent()) {
                out.add(a[0] + "=" + a[1] + "/" + a[2] + "=" + to);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Waits until every member's Hazelcast is up, so that the client connects at once; a member that exits first
     * fails the start at once with its exit code (its output went to this JVM's stdout and stderr).
     */
    private static void awaitStarted(String name, List<Process> procs, Queue<Integer> started) {
        long deadline = System.nanoTime() + MEMBER_UP_TIMEOUT.toNanos();
        int up = 0;
        while (up < procs.size()) {
            for (Process p : procs) {
                if (!p.isAlive()) {
                    p.join(Duration.ofSeconds(5));
                    throw new ProcessError("member " + p.name() + " of the local cluster '" + name + "' (pid "
                            + p.pid().orElse(-1) + ") exited with code "
                            + (p.exitCode().isPresent() ? String.valueOf(p.exitCode().getAsInt()) : "unknown")
                            + " while starting; its output is above, on this JVM's stderr");
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new ProcessError("only " + up + " of the " + procs.size() + " members of the local cluster '"
                        + name + "' started within " + MEMBER_UP_TIMEOUT);
            }
            try {
                started.get(Duration.ofMillis(100));
                up++;
            } catch (Empty e) {
                // none more yet: look at the members again
            }
        }
    }

    private void awaitMembers(int n) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (hz.getCluster().getMembers().size() < n) {
            for (Process p : started) {
                if (!p.isAlive()) {
                    close();
                    throw new ProcessError("member " + p.name() + " exited with " + p.exitCode() + " while starting");
                }
            }
            if (System.nanoTime() - deadline > 0) {
                close();
                throw new ProcessError("only " + hz.getCluster().getMembers().size() + " of " + n
                        + " members joined the cluster '" + name() + "' within " + START_TIMEOUT);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                close();
                throw dev.mp4j.InterruptedError.restore(e);
            }
        }
    }

    /**
     * Waits until every member reports this client connected to it (until then the client sends a member's tasks
     * through another member, and the loss of that one would lose them too) and the cluster safe (no partition
     * migrating after the members joined).
     */
    private void awaitDirectConnections() {
        UUID self = hz.getLocalEndpoint().getUuid();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try (ClusterExecutor ex = executor("mp4j.cluster.check")) {
            for (com.hazelcast.cluster.Member m : hz.getCluster().getMembers()) {
                String cluster = name();
                while (!ex.submit(() -> {
                    HazelcastInstance member = MemberKeys.named(cluster).instance();
                    return member.getPartitionService().isClusterSafe() && member.getClientService()
                            .getConnectedClients().stream().anyMatch(c -> c.getUuid().equals(self));
                }, m.getUuid()).result(START_TIMEOUT)) {
                    if (System.nanoTime() - deadline > 0) {
                        close();
                        throw new ProcessError("this JVM could not connect to member " + address(m) + " of the local "
                                + "cluster '" + name() + "' within " + START_TIMEOUT);
                    }
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        close();
                        throw dev.mp4j.InterruptedError.restore(e);
                    }
                }
            }
        }
    }

    /** Starts a member with mp4j's settings and keys. */
    static HazelcastInstance startMember(Config config, byte[] authkey) {
        Signing signing = new Signing(authkey);
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(Configs.member(config));
        MemberKeys.register(new MemberKeys.Keys(config.getClusterName(), hz, signing, null));
        return hz;
    }

    static List<Integer> freePorts(int n) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket();
                held.add(s);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                ports.add(s.getLocalPort());
            }
            return List.copyOf(ports);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find free ports on 127.0.0.1", e);
        } finally {
            held.forEach(s -> {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // a port we only looked at
                }
            });
        }
    }

    /**
     * @param name the executor's name: every client using the name shares the members' executor of that name
     * @return an executor with the defaults ({@link dev.mp4j.futures.WorkerDeath#BREAK}, no time limit)
     */
    public ClusterExecutor executor(String name) {
        return ClusterExecutor.builder(this, name).build();
    }

    /**
     * The cluster's queues, locks, events, semaphores and pools, as a {@link Context}: every object it makes is a
     * serializable handle that works inside tasks on the members too. On a cluster, {@code process()}, pipes,
     * shared memory and values, conditions and barriers throw {@link UnsupportedOperationException} saying why and
     * what to use instead (see the table in README).
     *
     * @return the context
     */
    public Context context() {
        return new ClusterContext(this, null);
    }

    /** @return the members, as this JVM last saw them */
    public List<Member> members() {
        List<Member> out = new ArrayList<>();
        for (com.hazelcast.cluster.Member m : hz.getCluster().getMembers()) {
            out.add(member(m));
        }
        return List.copyOf(out);
    }

    static Member member(com.hazelcast.cluster.Member m) {
        String pid = m.getAttribute(Configs.PID);
        return new Member(address(m), m.getUuid(), pid == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(pid)));
    }

    static String address(com.hazelcast.cluster.Member m) {
        return m.getAddress().getHost() + ":" + m.getAddress().getPort();
    }

    /** @return the cluster's name */
    public String name() {
        return keys.cluster();
    }

    /** @return the underlying Hazelcast instance (a member or a client), for everything else */
    public HazelcastInstance hazelcast() {
        return hz;
    }

    MemberKeys.Keys keys() {
        return keys;
    }

    /**
     * Stops what {@link #local} or {@link #embedded} started and disconnects a client; the member JVMs of
     * {@code local} are gone when it returns. Idempotent.
     */
    @Override
    public void close() {
        if (!owned || !closed.compareAndSet(false, true)) {
            return;
        }
        MemberKeys.unregister(keys);
        try {
            hz.shutdown();
        } finally {
            stop(started);
        }
    }

    private static void stop(List<Process> procs) {
        for (Process p : procs) {
            if (p.isAlive()) {
                p.terminate();
            }
        }
        for (Process p : procs) {
            if (!p.join(Duration.ofSeconds(10))) {
                p.kill();
                p.join(Duration.ofSeconds(10));
            }
            p.close();
        }
    }

    @Override
    public String toString() {
        return "<Cluster " + name() + " members=" + hz.getCluster().getMembers().size() + ">";
    }
}
