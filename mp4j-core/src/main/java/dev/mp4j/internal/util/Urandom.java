package dev.mp4j.internal.util;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

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

    /**
     * Makes a new directory that only this user can enter (0700), named {@code prefix} and 16 random hex
     * digits: {@code Files.createTempDirectory}'s job, without its {@code SecureRandom} (see above).
     *
     * @param base where
     * @param prefix the start of its name
     * @return the directory
     * @throws IOException if it cannot be made
     */
    public static Path privateDirectory(Path base, String prefix) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return makePrivate(name(base, prefix));
            } catch (FileAlreadyExistsException taken) {
                if (attempt == 10) {
                    throw taken;
                }
            }
        }
    }

    /**
     * @param base where
     * @param prefix the start of the name
     * @return a path in {@code base} named {@code prefix} and 16 random hex digits (nothing is made)
     */
    public static Path name(Path base, String prefix) {
        // concat, not +: javac's indy concatenation links its call site at the first run, a fresh JVM's first start
        return base.resolve(prefix.concat(HexFormat.of().formatHex(bytes(8))));
    }

    /**
     * @param dir a directory to make, that only this user can enter (0700)
     * @return {@code dir}
     * @throws FileAlreadyExistsException if something is there already: it is never taken over
     * @throws IOException if it cannot be made
     */
    public static Path makePrivate(Path dir) throws IOException {
        return Files.createDirectory(dir,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** @return the JVM's temporary directory ({@code java.io.tmpdir}) */
    public static Path tempDir() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }
}
