package dev.mp4j.internal.conn;

import dev.mp4j.internal.util.LazyLogger;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Who may connect to a Unix-domain socket of this JVM: only processes of the user that owns the socket file
 * (the user this JVM runs as, since it bound the socket). Every accept of a Unix-domain socket calls
 * {@link #admit} before it reads a byte: the kernel's credentials of the peer ({@code SO_PEERCRED}) name its
 * user, and a peer of another user is closed. The socket's private directory (mode 0700) already keeps other
 * users out; this holds even where a socket sits in a directory that others can enter (a path the application
 * chose), and against a peer that got hold of the socket some other way.
 *
 * <p>TCP connections carry no credentials: for them the authkey is the only check. Where the platform gives no
 * peer credentials for Unix-domain sockets, connections are admitted (and the authkey remains).
 */
public final class PeerCredentials {
    private static final System.Logger LOG = LazyLogger.of("dev.mp4j.multiprocessing");

    private PeerCredentials() {}

    /**
     * The owner of a socket file this JVM bound: the user its peers must be.
     *
     * @param socketFile the bound socket's path
     * @return its owner, or null if it cannot be read (then every peer is admitted)
     */
    public static UserPrincipal owner(Path socketFile) {
        try {
            return Files.getOwner(socketFile);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /**
     * Checks an accepted connection's peer, and closes the connection if it belongs to another user.
     *
     * @param ch a connection just accepted, nothing read from it yet
     * @param owner the user the peer must be ({@link #owner}), or null to admit anyone
     * @param where what accepted it (for the log)
     * @return true if the peer may be served; false if it was refused (the channel is then closed)
     */
    public static boolean admit(SocketChannel ch, UserPrincipal owner, String where) {
        if (owner == null || !ch.supportedOptions().contains(ExtendedSocketOptions.SO_PEERCRED)) {
            return true;
        }
        UnixDomainPrincipal peer;
        try {
            if (!(ch.getLocalAddress() instanceof UnixDomainSocketAddress)) {
                return true;
            }
            peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
        } catch (IOException | UnsupportedOperationException e) {
            // no credentials to be had: the peer is gone already, or the platform does not say
            refuse(ch, where, "its credentials cannot be read (" + e.getMessage() + ")");
            return false;
        }
        if (sameUser(peer, owner)) {
            return true;
        }
        refuse(ch, where, "it runs as user " + peer.user().getName() + ", not as " + owner.getName());
        return false;
    }

    /**
     * The rule itself (package-private, for tests: a peer of another user cannot reach a 0700 directory).
     *
     * @param peer the peer's credentials
     * @param owner the user it must be
     * @return whether the peer runs as that user
     */
    static boolean sameUser(UnixDomainPrincipal peer, UserPrincipal owner) {
        return peer != null && peer.user().equals(owner);
    }

    private static void refuse(SocketChannel ch, String where, String why) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing was read or written: nothing else to release
        }
        if (LOG.isLoggable(System.Logger.Level.WARNING)) {
            LOG.log(System.Logger.Level.WARNING, "refused a connection to " + where + ": " + why);
        }
    }
}
