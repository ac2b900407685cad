package dev.mp4j.hazelcast;

import com.hazelcast.core.HazelcastInstance;

import java.io.ObjectInputFilter;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Where a JVM of the cluster keeps its authkey and serial filter: in its Hazelcast instance's user context (a
 * member), and by cluster name for the handles of {@code cluster.context()} that arrive in tasks and must find their instance.
 */
final class MemberKeys {
    private static final String KEY = "dev.mp4j.hazelcast.keys";
    private static final ConcurrentMap<String, Keys> BY_NAME = new ConcurrentHashMap<>();

    /**
     * @param cluster the cluster's name
     * @param instance the Hazelcast instance of this JVM in that cluster
     * @param signing its authkey
     * @param filter what it decodes; null for the JVM's default
     */
    record Keys(String cluster, HazelcastInstance instance, Signing signing, ObjectInputFilter filter) {}

    private MemberKeys() {}

    /** Called once the instance is up. */
    static void register(Keys keys) {
        keys.instance().getUserContext().put(KEY, keys);
        BY_NAME.put(keys.cluster(), keys);
    }

    /** Called when the instance is shut down. */
    static void unregister(Keys keys) {
        BY_NAME.remove(keys.cluster(), keys);
    }

    /** @return the keys of a member's instance, or null if it has none */
    static Keys of(HazelcastInstance instance) {
        return instance.getUserContext().get(KEY) instanceof Keys k ? k : null;
    }

    /**
     * @param cluster a cluster's name
     * @return this JVM's instance in that cluster, with its keys
     * @throws IllegalStateException if this JVM is in no such cluster
     */
    static Keys named(String cluster) {
        Keys k = BY_NAME.get(cluster);
        if (k == null || !k.instance().getLifecycleService().isRunning()) {
            throw new IllegalStateException("this JVM is not connected to the cluster '" + cluster
                    + "': a handle of cluster.context() works in the JVMs of that cluster (its members and clients)");
        }
        return k;
    }
}
