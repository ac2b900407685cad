package dev.mp4j.multiprocessing;

import dev.mp4j.internal.spi.PoolStrategy;

import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;

/**
 * A {@link Pool} whose every call goes to a strategy that lives elsewhere and can travel: a manager's pool
 * proxy (what {@link dev.mp4j.internal.spi.Pools#forwardingTo} makes). It is sent to another process as its
 * strategy, and arrives as a pool over the received copy. Two are equal when their strategies are.
 */
final class ForwardingPool extends Pool implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    ForwardingPool(PoolStrategy strategy) {
        super(strategy);
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof ForwardingPool p && p.strategy().equals(strategy());
    }

    @Override
    public int hashCode() {
        return strategy().hashCode();
    }

    @Serial
    private Object writeReplace() throws ObjectStreamException {
        return new Form(strategy());
    }

    /** What a forwarding pool is serialized as (Pool's own state is not serializable). */
    private record Form(PoolStrategy strategy) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        @Serial
        private Object readResolve() throws ObjectStreamException {
            return new ForwardingPool(strategy);
        }
    }
}
