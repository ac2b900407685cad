/**
 * Runnable examples of mp4j, most of them the examples of Python's own documentation written in Java,
 * and {@link dev.mp4j.examples.Demo}, which runs them.
 */
@SuppressWarnings("requires-transitive-automatic") // through dev.mp4j.hazelcast: Hazelcast's jar is an automatic module
module dev.mp4j.examples {
    requires dev.mp4j;
    requires dev.mp4j.hazelcast; // ClusterFailover
    // Hazelcast's automatic module uses java.sql, java.transaction.xa, java.management...; an automatic module
    // reads only the modules resolved, so this resolves Java SE whole, as Hazelcast asks (--add-modules java.se),
    // here and in the member JVMs of Cluster.local, which get this JVM's modules
    requires java.se;
    requires jdk.httpserver;
    requires java.logging; // the soak quiets the pools' log
    requires me.tongfei.progressbar; // PoolProgress's bar

    // a manager's server calls the methods of the shared objects (CustomizedManager.MathsClass) reflectively
    opens dev.mp4j.examples to dev.mp4j;
}
