package dev.mp4j.hazelcast;

import dev.mp4j.function.SerializableCallable;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputFilter;

/**
 * A task as it travels to a member, inside a {@link SignedCall}: the call and its time limit. Its signed form is
 * the call's codec bytes with the time limit in the signed header ({@link Signing#seal(long, Object)}), so that a
 * member decodes the call alone.
 *
 * @param fn the call
 * @param timeLimitNanos its time limit on the member; 0 for none
 */
record Job(SerializableCallable<?> fn, long timeLimitNanos) {
    /**
     * @param signing the cluster's key
     * @return the signed bytes of this job
     * @throws IOException naming what of the call cannot be serialized
     */
    byte[] seal(Signing signing) throws IOException {
        return signing.seal(timeLimitNanos, fn);
    }

    /**
     * @param signing this JVM's key
     * @param sealed what {@link #seal} made, or anything else
     * @param filter the serial filter; null for the JVM's default
     * @return the job
     * @throws Signing.BadTag if the bytes are not signed with that key: nothing of them was decoded
     * @throws IOException if they do not decode to a call
     * @throws ClassNotFoundException naming a class this JVM lacks
     */
    static Job open(Signing signing, byte[] sealed, ObjectInputFilter filter)
            throws IOException, ClassNotFoundException {
        Object fn = signing.openAfterHeader(sealed, filter);
        if (!(fn instanceof SerializableCallable<?> call)) {
            throw new InvalidObjectException("a task's bytes hold a " + (fn == null ? "null" : fn.getClass().getName())
                    + ", not a SerializableCallable");
        }
        return new Job(call, Signing.header(sealed));
    }
}
