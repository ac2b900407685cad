package dev.mp4j.hazelcast;

import java.util.Objects;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * A member of a cluster.
 *
 * @param address where it listens, {@code host:port}
 * @param uuid its Hazelcast uuid
 * @param pid its process id, when it is known (a member mp4j configured publishes it)
 */
public record Member(String address, UUID uuid, OptionalLong pid) {
    /**
     * @param address where it listens, {@code host:port}
     * @param uuid its Hazelcast uuid
     * @param pid its process id, or empty
     */
    public Member {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(pid, "pid");
    }
}
