package dev.mp4j.internal.spi;

import dev.mp4j.multiprocessing.Pool;

import java.io.Serializable;
import java.lang.invoke.MethodHandles;

/**
 * The {@link Pool}s that code outside {@code dev.mp4j.multiprocessing} makes or looks into (a manager's pool,
 * whose strategy is a proxy), without a public constructor on {@code Pool} for it.
 *
 * <p>{@code Pool}'s constructors for a given strategy are package-private, so {@code Pool} hands an
 * {@link Access} to this class from its static initializer; the JDK reaches package-private members across
 * its own packages the same way ({@code jdk.internal.access.SharedSecrets}). A caller that runs before
 * anything else has used {@code Pool} has that initializer run first.
 */
public final class Pools {
    /** What {@code dev.mp4j.multiprocessing} offers here. */
    public interface Access {
        /**
         * @param strategy where every call of the pool goes
         * @return a pool over it, serialized as the strategy
         */
        Pool forwardingTo(PoolStrategy strategy);

        /**
         * @param pool a pool
         * @return its strategy
         */
        PoolStrategy strategyOf(Pool pool);
    }

    private static volatile Access access;

    private Pools() {}

    /**
     * Called once, by {@code Pool}'s static initializer.
     *
     * @param a the access to {@code Pool}'s package-private constructor and field
     */
    public static void install(Access a) {
        access = a;
    }

    /**
     * @param strategy where every call of the pool goes: one that can travel to another process
     * @param <S> the strategy's type
     * @return a pool that calls {@code strategy}; sent to another process, it arrives as a pool over the
     *     received copy of {@code strategy}
     */
    public static <S extends PoolStrategy & Serializable> Pool forwardingTo(S strategy) {
        return access().forwardingTo(strategy);
    }

    /**
     * @param pool a pool
     * @return the strategy its methods call
     */
    public static PoolStrategy strategyOf(Pool pool) {
        return access().strategyOf(pool);
    }

    private static Access access() {
        Access a = access;
        if (a == null) {
            try {
                MethodHandles.lookup().ensureInitialized(Pool.class);
            } catch (IllegalAccessException e) {
                throw new AssertionError("Pool is public", e);
            }
            a = access;
        }
        return a;
    }
}
