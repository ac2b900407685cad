package dev.mp4j.hazelcast;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.SerializationConfig;

import java.util.List;

/**
 * What mp4j sets in the Hazelcast configurations it is given or makes: the Java deserialization filter that admits
 * only mp4j's carrier types, the member's pid, and for local members, loopback only with quick failure detection.
 */
final class Configs {
    /** The member attribute that holds a member's pid. */
    static final String PID = "mp4j.pid";
    /** How long a client waits to reach a cluster, when its configuration says forever. */
    static final long CONNECT_MILLIS = 20_000;

    /**
     * The classes mp4j lets Hazelcast's Java serialization read: byte arrays and what a Hazelcast exception is made
     * of. mp4j's carrier, {@link SignedCall}, is not Java-serialized (everything of the application's travels inside
     * it as signed bytes). Hazelcast sends its own
     * exceptions Java-serialized in error responses (a {@code WrongTargetException} while partitions migrate, which
     * the caller retries): refused, the response is lost and the call waits for good.
     */
    static final List<String> ALLOWED = List.of("[B",
            "java.lang.Throwable", "java.lang.Exception", "java.lang.RuntimeException",
            "java.lang.IllegalStateException", "java.lang.IllegalArgumentException",
            "java.lang.StackTraceElement", "[Ljava.lang.StackTraceElement;",
            "java.util.Collections$EmptyList", "java.util.Collections$UnmodifiableRandomAccessList",
            "java.util.Collections$UnmodifiableList", "java.util.Collections$UnmodifiableCollection",
            "java.util.ArrayList");
    /** Hazelcast's own classes (its exceptions), as Hazelcast's default filter admits them. */
    static final String HAZELCAST = "com.hazelcast.";

    private Configs() {}

    /**
     * What a member or client gets: the factory of mp4j's carrier, and a Java deserialization filter that admits
     * {@link #ALLOWED} and Hazelcast's own classes only, its defaults off.
     */
    private static void filter(SerializationConfig s) {
        s.addDataSerializableFactory(SignedCall.FACTORY_ID, SignedCall.factory());
        s.setJavaSerializationFilterConfig(new JavaSerializationFilterConfig()
                .setDefaultsDisabled(true)
                .setWhitelist(new ClassFilter().setClasses(ALLOWED).setPrefixes(List.of(HAZELCAST))));
    }

    /**
     * @param config a member's configuration, changed in place
     * @return it
     */
    static Config member(Config config) {
        filter(config.getSerializationConfig());
        config.getMemberAttributeConfig().setAttribute(PID, Long.toString(ProcessHandle.current().pid()));
        config.setProperty("hazelcast.phone.home.enabled", "false");
        return config;
    }

    /**
     * @param config a client's configuration, changed in place
     * @return it
     */
    static ClientConfig client(ClientConfig config) {
        filter(config.getSerializationConfig());
        var retry = config.getConnectionStrategyConfig().getConnectionRetryConfig();
        if (retry.getClusterConnectTimeoutMillis() < 0) {
            retry.setClusterConnectTimeoutMillis(CONNECT_MILLIS);
        }
        config.setProperty("hazelcast.phone.home.enabled", "false");
        return config;
    }

    /**
     * A member of a cluster on this machine: bound to 127.0.0.1 at {@code port}, joining the others by TCP/IP,
     * multicast and auto-detection off, a lost member noticed within about ten seconds.
     *
     * @param cluster the cluster's name
     * @param port this member's port
     * @param ports every member's port
     * @return the configuration
     */
    static Config localMember(String cluster, int port, List<Integer> ports) {
        Config c = new Config();
        c.setClusterName(cluster);
        c.setProperty("hazelcast.socket.bind.any", "false");
        quickFailureDetection(c);
        NetworkConfig net = c.getNetworkConfig();
        net.setPort(port).setPortAutoIncrement(false);
        net.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        ports.forEach(p -> join.getTcpIpConfig().addMember("127.0.0.1:" + p));
        return member(c);
    }

    /**
     * @param cluster the cluster's name
     * @param ports the members' ports on 127.0.0.1
     * @return a client of a cluster on this machine
     */
    static ClientConfig localClient(String cluster, List<Integer> ports) {
        ClientConfig c = new ClientConfig();
        c.setClusterName(cluster);
        ports.forEach(p -> c.getNetworkConfig().addAddress("127.0.0.1:" + p));
        c.setProperty("hazelcast.client.heartbeat.interval", "1000");
        c.setProperty("hazelcast.client.heartbeat.timeout", "15000"); // also its authentication timeout
        c.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(60_000);
        return client(c);
    }

    /**
     * Heartbeats every second; a member silent for 10 s is removed (Hazelcast's default: 60 s; less gives false
     * deaths on a loaded machine).
     */
    static void quickFailureDetection(Config c) {
        c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        c.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
        c.setProperty("hazelcast.heartbeat.failuredetector.type", "deadline");
    }
}
