package dev.mp4j.internal.spi;

import dev.mp4j.multiprocessing.managers.BaseManager;

import java.lang.invoke.MethodHandles;

/**
 * What code outside {@code dev.mp4j.multiprocessing.managers} does to a manager without a public method for it: a
 * manager whose server is not an mp4j manager server (a cluster's) refuses every {@code register}, which are final.
 *
 * <p>{@code BaseManager} hands an {@link Access} to this class from its static initializer, as {@code Pool} does
 * to {@link Pools}.
 */
public final class Managers {
    /** What {@code dev.mp4j.multiprocessing.managers} offers here. */
    public interface Access {
        /**
         * @param manager a manager, in its subclass's constructor
         * @param why the message of the {@link UnsupportedOperationException} its {@code register} methods throw
         *     from now on
         */
        void refuseRegistration(BaseManager manager, String why);
    }

    private static volatile Access access;

    private Managers() {}

    /**
     * Called once, by {@code BaseManager}'s static initializer.
     *
     * @param a the access to {@code BaseManager}'s private state
     */
    public static void install(Access a) {
        access = a;
    }

    /**
     * Makes every {@code register} and {@code registerFactory} of {@code manager} throw
     * {@link UnsupportedOperationException} with the message {@code why}.
     *
     * @param manager a manager that has no registry of its own
     * @param why what to say, and what to use instead
     */
    public static void refuseRegistration(BaseManager manager, String why) {
        Access a = access;
        if (a == null) {
            try {
                MethodHandles.lookup().ensureInitialized(BaseManager.class);
            } catch (IllegalAccessException e) {
                throw new AssertionError("BaseManager is public", e);
            }
            a = access;
        }
        a.refuseRegistration(manager, why);
    }
}
