package dev.mp4j.internal.conn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Unix-domain sockets admit only peers of their owner's user (SO_PEERCRED), and live in private directories. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerCredentialsTest {
    private static final UserPrincipalLookupService USERS = Path.of("/").getFileSystem().getUserPrincipalLookupService();

    @Test
    void theRuleAdmitsTheOwnerOnly(@TempDir Path dir) throws IOException {
        Path f = Files.createFile(dir.resolve("f"));
        UserPrincipal me = Files.getOwner(f);
        GroupPrincipal group = Files.readAttributes(f, java.nio.file.attribute.PosixFileAttributes.class).group();
        assertTrue(PeerCredentials.sameUser(new UnixDomainPrincipal(me, group), me));
        UserPrincipal other = otherUser(me);
        assertFalse(PeerCredentials.sameUser(new UnixDomainPrincipal(other, group), me));
        assertFalse(PeerCredentials.sameUser(null, me));
    }

    @Test
    void aPeerOfTheSameUserIsAdmittedWithItsKernelCredentials(@TempDir Path dir) throws IOException {
        Path socket = dir.resolve("s");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                    SocketChannel accepted = server.accept()) {
                UnixDomainPrincipal peer = accepted.getOption(ExtendedSocketOptions.SO_PEERCRED);
                assertEquals(PeerCredentials.owner(socket), peer.user());
                assertTrue(PeerCredentials.admit(accepted, PeerCredentials.owner(socket), "test"));
                assertTrue(accepted.isOpen());
                // and a socket owned by someone else refuses the same peer, closing it
                assertFalse(PeerCredentials.admit(accepted, otherUser(peer.user()), "test"));
                assertFalse(accepted.isOpen());
                assertTrue(client.isOpen());
            }
        }
    }

    @Test
    void aListenersPrivateDirectoryIsTheOwnersAlone() throws IOException {
        try (SocketListener l = new SocketListener(null, 1, null, Duration.ofSeconds(5), null)) {
            Path socket = ((UnixDomainSocketAddress) l.address()).getPath();
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
        }
    }

    /**
     * The real thing, across users: a listener on a socket that every user can reach (a world-writable directory
     * and socket file, as an application may choose) refuses a client that runs as {@code nobody}, reads nothing
     * from it, and goes on to accept this user's client. Needs root (to start a process as another user).
     */
    @Test
    void aClientOfAnotherUserIsRefusedAndTheListenerGoesOn() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root to run a client as another user (setpriv); the rule itself is tested above");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "needs python3 for the foreign client");
        // directly under /tmp: user nobody must be able to reach the socket (a test's temp dir is 0700)
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "mp4j-peer-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path socket = dir.resolve("s");
        try {
            crossUser(socket);
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }

    private static void crossUser(Path socket) throws Exception {
        try (SocketListener l = new SocketListener(UnixDomainSocketAddress.of(socket), 4, null, Duration.ofSeconds(5), null)) {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rwxrwxrwx"));
            CompletableFuture<SocketConnection> accepted = CompletableFuture.supplyAsync(l::accept);
            String script = """
                    import socket, sys
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    s.connect(sys.argv[1])
                    s.settimeout(20)
                    try:
                        s.sendall(b'\\x00\\x00\\x00\\x05alien')
                        data = s.recv(16)
                        print('closed' if data == b'' else 'data')
                    except (ConnectionResetError, BrokenPipeError):
                        print('closed')
                    except socket.timeout:
                        print('open')
                    """;
            Process p = new ProcessBuilder(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                    "--clear-groups", "/usr/bin/python3", "-c", script, socket.toString()))
                    .redirectErrorStream(true).start();
            try {
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the foreign client did not finish");
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                assertEquals("closed", out, "the client of user nobody was not refused");
            } finally {
                p.destroyForcibly();
            }
            assertFalse(accepted.isDone(), "accept returned the foreign client's connection");
            try (SocketConnection mine = SocketConnection.connect(l.address(), null)) {
                mine.sendBytes("mine".getBytes(StandardCharsets.US_ASCII));
                try (SocketConnection c = accepted.get(20, TimeUnit.SECONDS)) {
                    assertNotNull(c);
                    assertArrayEquals("mine".getBytes(StandardCharsets.US_ASCII), c.recvBytes());
                }
            }
        }
    }

    private static UserPrincipal otherUser(UserPrincipal me) throws IOException {
        for (String name : List.of("nobody", "root", "daemon")) {
            try {
                UserPrincipal u = USERS.lookupPrincipalByName(name);
                if (!u.equals(me)) {
                    return u;
                }
            } catch (UserPrincipalNotFoundException ignored) {
                // try the next
            }
        }
        assumeTrue(false, "no other user on this system");
        return null;
    }
}
