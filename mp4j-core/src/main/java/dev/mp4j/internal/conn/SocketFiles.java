package dev.mp4j.internal.conn;

import dev.mp4j.internal.tracker.ResourceTracker;
import dev.mp4j.internal.util.Urandom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Unix-domain socket files that listeners of this JVM bound, with the private directories made for
 * them: removed when their listener closes, and at JVM exit for those never closed (a shutdown hook,
 * registered on first use; a JVM killed outright leaves them, as it leaves its other temporary files).
 */
public final class SocketFiles {
    /** Socket file to the private directory that holds it, or to itself when the caller chose the path. */
    private static final Map<Path, Path> LIVE = new ConcurrentHashMap<>();
    /** How the names of the private directories begin. */
    private static final String PREFIX = "mp4j-listener-";
    private static boolean hooked; // guarded by SocketFiles.class

    private SocketFiles() {}

    /**
     * @return a new directory that only this user can enter, under the temporary directory (or under
     *     {@code /tmp} when that is too long for socket paths, which are limited to about 108 bytes)
     */
    static Path privateDirectory() {
        Path base = Path.of(System.getProperty("java.io.tmpdir"));
        if (base.toString().length() > 60) {
            base = Path.of("/tmp");
        }
        try {
            return Urandom.privateDirectory(base, PREFIX);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a private directory for a listener's socket", e);
        }
    }

    /**
     * @param socket a socket file just bound
     * @param dir the private directory made for it, or null
     */
    static void track(Path socket, Path dir) {
        synchronized (SocketFiles.class) {
            if (!hooked) {
                hooked = true;
                Runtime.getRuntime().addShutdownHook(new Thread(SocketFiles::removeAll, "mp4j-socket-files"));
            }
        }
        LIVE.put(socket, dir != null ? dir : socket);
        if (dir != null) {
            // our own private directory: the resource tracker removes it even if this JVM is killed
            try {
                ResourceTracker.register(ResourceTracker.Kind.DIR, dir.toString());
                ResourceTracker.register(ResourceTracker.Kind.FILE, socket.toString());
            } catch (IllegalArgumentException unusualTmpdir) {
                // a temp dir path the tracker does not handle: removed at normal exit only
            }
        }
    }

    /**
     * Deletes a socket file and, when given, its private directory.
     *
     * @param socket the socket file, or null
     * @param dir its private directory, or null
     */
    static void remove(Path socket, Path dir) {
        if (socket != null) {
            LIVE.remove(socket);
            deleteQuietly(socket);
        }
        if (dir != null) {
            deleteQuietly(dir);
            try {
                if (socket != null) {
                    ResourceTracker.unregister(ResourceTracker.Kind.FILE, socket.toString());
                }
                ResourceTracker.unregister(ResourceTracker.Kind.DIR, dir.toString());
            } catch (IllegalArgumentException unusualTmpdir) {
                // never registered
            }
        }
    }

    /**
     * Deletes what a listener of another process (a manager's server that this process started) left behind
     * once that process has ended: its socket file and the private directory mp4j made for it. Addresses
     * outside such a directory are left alone.
     *
     * @param address the ended listener's address
     */
    public static void removeAfterItsProcess(java.net.SocketAddress address) {
        if (address instanceof java.net.UnixDomainSocketAddress unix) {
            Path socket = unix.getPath();
            Path dir = socket.getParent();
            if (dir != null && dir.getFileName() != null && dir.getFileName().toString().startsWith(PREFIX)) {
                deleteQuietly(socket);
                deleteQuietly(dir);
            }
        }
    }

    private static void removeAll() {
        LIVE.forEach((socket, dir) -> remove(socket, dir.equals(socket) ? null : dir));
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: a directory someone else put files in stays
        }
    }
}
