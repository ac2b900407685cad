package dev.mp4j.internal.util;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;

/**
 * Random bytes for keys and names, as Python's {@code os.urandom}: read from the kernel's {@code /dev/urandom}.
 * A {@link SecureRandom} gives the same bytes but first starts the JCA's provider list, about 40 ms of a
 * child JVM's start here; it is the fallback where there is no {@code /dev/urandom}.
 */
public final class Urandom {
    private Urandom() {}

    /**
     * @param n how many
     * @return {@code n} random bytes
     */
    public static byte[] bytes(int n) {
        byte[] b = new byte[n];
        try (InputStream in = new FileInputStream("/dev/urandom")) {
            if (in.readNBytes(b, 0, n) == n) {
                return b;
            }
        } catch (IOException noDevice) {
            // not Linux-like: the JCA's source
        }
        new SecureRandom().nextBytes(b);
        return b;
    }
}
