package dev.mp4j.hazelcast;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputFilter;

/**
 * What a member sends back for a {@link Job}: the call's value, or the exception it raised. Its signed form is the
 * value's or the exception's codec bytes, the signed header saying which ({@link Signing#seal(long, Object)}).
 *
 * @param value the value, when {@code error} is null
 * @param error the exception, or null
 */
record Outcome(Object value, Throwable error) {
    private static final long VALUE = 0;
    private static final long ERROR = 1;

    /**
     * @param signing the cluster's key
     * @return the signed bytes of this outcome
     * @throws IOException naming what of the value cannot be serialized
     */
    byte[] seal(Signing signing) throws IOException {
        return error == null ? signing.seal(VALUE, value) : signing.seal(ERROR, error);
    }

    /**
     * @param signing this JVM's key
     * @param sealed what {@link #seal} made, or anything else
     * @param filter the serial filter; null for the JVM's default
     * @return the outcome
     * @throws Signing.BadTag if the bytes are not signed with that key: nothing of them was decoded
     * @throws IOException if they do not decode to an outcome
     * @throws ClassNotFoundException naming a class this JVM lacks
     */
    static Outcome open(Signing signing, byte[] sealed, ObjectInputFilter filter)
            throws IOException, ClassNotFoundException {
        Object o = signing.openAfterHeader(sealed, filter);
        long kind = Signing.header(sealed);
        if (kind == VALUE) {
            return new Outcome(o, null);
        }
        if (kind == ERROR && o instanceof Throwable e) {
            return new Outcome(null, e);
        }
        throw new InvalidObjectException("a task's result has the header " + kind + " and holds a "
                + (o == null ? "null" : o.getClass().getName()) + ": a value (0) or an exception (1) was expected");
    }
}
