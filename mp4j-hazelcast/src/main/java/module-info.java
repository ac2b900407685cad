/**
 * mp4j on a Hazelcast cluster: {@link dev.mp4j.hazelcast.Cluster}, {@link dev.mp4j.hazelcast.ClusterExecutor}
 * and the cluster's context, the same API as mp4j's local executors, pools, queues and locks.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // Hazelcast's jar is an automatic module
module dev.mp4j.hazelcast {
    requires transitive dev.mp4j;
    requires transitive com.hazelcast.core;
    requires java.logging;

    exports dev.mp4j.hazelcast;
}
