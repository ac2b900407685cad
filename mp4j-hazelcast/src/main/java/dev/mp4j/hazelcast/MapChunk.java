package dev.mp4j.hazelcast;

import dev.mp4j.function.SerializableCallable;
import dev.mp4j.function.SerializableFunction;
import dev.mp4j.internal.wire.Codec;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A chunk of a {@link ClusterExecutor#map} call: the function applied to each argument in turn on one member,
 * stopping at the first exception.
 *
 * @param fn the function
 * @param args the arguments
 */
record MapChunk(SerializableFunction<Object, Object> fn, List<Object> args)
        implements SerializableCallable<MapChunk.Values> {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * What a chunk returns.
     *
     * @param values the values computed, in order
     * @param error the exception of the call at index {@code values.size()}, or null
     */
    record Values(List<Object> values, Throwable error) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }

    @Override
    public Values call() {
        List<Object> out = new ArrayList<>(args.size());
        for (Object a : args) {
            try {
                out.add(fn.apply(a));
            } catch (Throwable e) { // the item's own exception, raised at its item by the caller's iterator
                return new Values(out, Codec.portable(e, "raised on a member (pid " + ProcessHandle.current().pid() + ")"));
            }
        }
        return new Values(out, null);
    }
}
