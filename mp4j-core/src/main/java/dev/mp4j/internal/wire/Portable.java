package dev.mp4j.internal.wire;

import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.Objects;

/**
 * A handle on named shared objects (a queue's rings, a lock's semaphore) whose serial form is a few names and
 * numbers: the fast form writes it as that form's class name and values ({@link FastFormat#PORTABLE}), so that
 * a task capturing one stays in the fast form, where its {@code writeReplace} alone would send the whole task
 * through JDK serialization. The receiving JVM rebuilds the handle as the form's {@code readResolve} would, with
 * the {@link Reader} its form class registered; a filter is shown the form class, as in a JDK stream.
 *
 * <p>{@link #formValues} must not change anything: a writer that meets something else it cannot write after it
 * gives up and JDK serialization calls the handle's {@code writeReplace}. A handle whose form cannot be made
 * (closed) throws there, and JDK serialization reports it. What {@code writeReplace} changes besides making the
 * form (a pipe end counts itself sent) is done by {@link #formWritten}, once the whole value is written in the
 * fast form; as with a JDK stream, a failure after it leaves it done.
 */
public interface Portable {
    /** @return the class of this handle's JDK serial form (what its {@code writeReplace} returns) */
    Class<? extends Form> formClass();

    /**
     * @return that form's values, each null, a String, an Integer or a Boolean (what the fast form writes
     *     itself); a fresh array
     * @throws ObjectStreamException if the handle cannot be sent (JDK serialization then reports why)
     */
    Object[] formValues() throws ObjectStreamException;

    /**
     * Called once per occurrence of this handle in a value the fast form wrote whole, before the bytes are
     * returned: what {@code writeReplace} does besides making the form. Nothing by default.
     *
     * @throws ObjectStreamException if the handle can no longer be sent; the encoding fails with it
     */
    default void formWritten() throws ObjectStreamException {}

    /** A handle's serial form class: registers its {@link Reader} when it is initialized. */
    interface Form extends Serializable {}

    /** Rebuilds a handle from its form's values, as the form's {@code readResolve} would. */
    @FunctionalInterface
    interface Reader {
        /**
         * @param values the values as {@link #formValues} gave them, read from the stream (not trusted)
         * @return the handle
         * @throws ObjectStreamException if the values do not make a form, or the handle cannot be attached
         */
        Object read(Object[] values) throws ObjectStreamException;
    }

    /**
     * Makes {@code reader} the one that rebuilds the handles of {@code formClass}: its static initializer does
     * this, which a reader of the fast form runs before it needs the reader.
     *
     * @param formClass the form class
     * @param count how many values its handles' {@link #formValues} hold (a stream with another count is corrupt)
     * @param reader its reader
     */
    static void register(Class<? extends Form> formClass, int count, Reader reader) {
        FastFormat.PORTABLE_READERS.put(Objects.requireNonNull(formClass, "formClass"),
                new FastFormat.PortableReader(count, Objects.requireNonNull(reader, "reader")));
    }
}
