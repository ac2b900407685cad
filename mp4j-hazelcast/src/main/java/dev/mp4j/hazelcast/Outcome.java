package dev.mp4j.hazelcast;

import java.io.Serial;
import java.io.Serializable;

/**
 * What a member sends back for a {@link Job}, signed: the call's value, or the exception it raised.
 *
 * @param value the value, when {@code error} is null
 * @param error the exception, or null
 */
record Outcome(Object value, Throwable error) implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
}
