package dev.mp4j.hazelcast;

import dev.mp4j.function.SerializableCallable;

import java.io.Serial;
import java.io.Serializable;

/**
 * A task as it travels to a member, inside a {@link SignedCall}: the call and its time limit.
 *
 * @param fn the call
 * @param timeLimitNanos its time limit on the member; 0 for none
 */
record Job(SerializableCallable<?> fn, long timeLimitNanos) implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
}
