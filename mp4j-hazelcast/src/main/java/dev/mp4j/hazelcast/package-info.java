/**
 * mp4j on a Hazelcast cluster (community edition): {@link dev.mp4j.hazelcast.Cluster} joins or starts one,
 * {@link dev.mp4j.hazelcast.ClusterExecutor} is an mp4j {@code Executor} whose tasks run on its members.
 *
 * <p>Every task, result and item crosses the cluster as mp4j-codec bytes signed with the cluster's authkey
 * (HMAC-SHA256); a member runs nothing unsigned, and Hazelcast's own Java deserialization filter admits only
 * mp4j's carrier type. The community edition has neither TLS nor authentication: run clusters on a trusted
 * network.
 */
package dev.mp4j.hazelcast;
