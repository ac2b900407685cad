package dev.mp4j.multiprocessing.managers;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.conn.Auth;
import dev.mp4j.internal.conn.SocketConnection;
import dev.mp4j.internal.conn.SocketFiles;
import dev.mp4j.internal.conn.SocketListener;
import dev.mp4j.internal.managers.Client;
import dev.mp4j.internal.managers.ManagerServer;
import dev.mp4j.internal.managers.ManagerMessages;
import dev.mp4j.internal.managers.StandardTypes;
import dev.mp4j.internal.managers.TypeSpec;
import dev.mp4j.internal.managers.WarmUp;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.internal.wire.Codec;
import dev.mp4j.multiprocessing.AuthenticationError;
import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.EOFError;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.ProcessError;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A manager's server process, seen from the manager that started it; also the cleaning action that stops
 * it (on {@code shutdown()}, or when the manager is collected), once: a SHUTDOWN request, then, if the
 * process has not ended within the shutdown timeout, SIGTERM, then SIGKILL (Python's
 * {@code _finalize_manager}).
 */
final class ServerProcess implements Runnable {
    static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(1);
    /** How often {@link #awaitReport} checks that the server process still lives. */
    private static final Duration REPORT_CHECK = Duration.ofMillis(20);

    final Process process;
    final SocketAddress address;
    private final byte[] authkey;
    private final AtomicBoolean done = new AtomicBoolean();

    ServerProcess(Process process, SocketAddress address, byte[] authkey) {
        this.process = process;
        this.address = address;
        this.authkey = authkey;
    }

    @Override
    public void run() {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        if (process.isAlive()) {
            try {
                Client.oneShot(address, authkey, new ManagerMessages.Request(ManagerMessages.SHUTDOWN, 0, 0, null, null, null),
                        Timeouts.deadline(Timeouts.toNanos(SHUTDOWN_TIMEOUT)));
            } catch (RuntimeException e) {
                // it is dying or dead: the joins below settle it
            }
            if (!process.join(SHUTDOWN_TIMEOUT)) {
                process.terminate();
                if (!process.join(SHUTDOWN_TIMEOUT)) {
                    process.kill();
                    process.join();
                }
            }
        }
        if (!process.isAlive()) {
            SocketFiles.removeAfterItsProcess(address); // a killed server could not remove them itself
        }
        Client.forget(address);
    }

    /**
     * Waits for the report of a server process started with {@code report}'s address.
     *
     * @param report where the server connects to report
     * @param p the server process, started
     * @return the address the server bound, or the exception that prevented it (a Unix-domain socket's address
     *     comes as its path, in mp4j's compact form: the JDK's serial form of a socket address costs both JVMs
     *     their first use of JDK serialization's writer or reader, about 10 ms each on this path)
     * @throws ProcessError if the process ended without a report
     */
    static Object awaitReport(SocketListener report, Process p) {
        try (SocketConnection c = report.accept(p::isAlive, REPORT_CHECK)) {
            if (c != null) {
                Object got = c.recv();
                return got instanceof String path ? UnixDomainSocketAddress.of(path) : got;
            }
        } catch (EOFError | AuthenticationError | UncheckedIOException e) {
            throw ended(p, e); // it died while it connected or sent
        }
        throw ended(p, null);
    }

    /** Makes sure the process is gone (it could not report, so nobody would stop it) and says so. */
    private static ProcessError ended(Process p, Throwable cause) {
        if (!p.join(SHUTDOWN_TIMEOUT)) {
            p.kill();
            p.join();
            return new ProcessError("the manager's server process " + p.name() + " failed to report its address"
                    + " and was killed", cause);
        }
        return new ProcessError("the manager's server process " + p.name() + " ended before it listened"
                + p.exitCode().stream().mapToObj(c -> " (exit code " + c + ")").findFirst().orElse(""), cause);
    }

    /**
     * A manager's registry as its server process is sent it: a SyncManager's own entries by typeid (the
     * server makes them itself, with no lambdas to decode), the others whole.
     *
     * @param standard the typeids of the unchanged SyncManager entries
     * @param others the other entries
     */
    record Registry(List<String> standard, Map<String, TypeSpec> others) {
        static Registry of(Map<String, TypeSpec> registry) {
            List<String> standard = new ArrayList<>();
            Map<String, TypeSpec> others = new HashMap<>();
            for (Map.Entry<String, TypeSpec> e : registry.entrySet()) {
                String typeid = e.getKey();
                TypeSpec spec = e.getValue();
                if (typeid.equals(spec.typeid()) && StandardTypes.isStandard(spec)) {
                    standard.add(typeid);
                } else {
                    others.put(typeid, spec);
                }
            }
            return new Registry(List.copyOf(standard), Map.copyOf(others));
        }

        Map<String, TypeSpec> toMap() {
            Map<String, TypeSpec> r = new HashMap<>(others);
            for (String typeid : standard) {
                r.put(typeid, StandardTypes.standard(typeid));
            }
            return r;
        }
    }

    /**
     * What the server process runs ({@link #serve}): the initializer, then a server bound to the address
     * (reported to the parent by connecting to the report's socket: the address bound, or the exception that
     * prevented it), served until shut down.
     *
     * <p>The parts travel as one array of bytes, which the job captures, in {@link java.io.DataOutputStream}'s
     * forms:
     * <pre>
     *   int n, n bytes         the authkey
     *   UTF                    the path of the report's Unix-domain socket
     *   int k, k times UTF     the typeids of the standard entries
     *   boolean rest           whether any of the next three is there
     *   [int m, m bytes]       if rest: the codec's form of {other entries, address, initializer}
     * </pre>
     * A record of the
     * parts themselves took the server 30-45 ms more to decode: the codec builds a record through method
     * handles shaped by its components, which a fresh JVM spins classes for (the JDK's serial form of a record
     * and of a socket address, more still); a record of the array alone, 5-10 ms more than this lambda.
     *
     * @param registry the registry
     * @param address where the server listens; null to have one chosen
     * @param authkey the key
     * @param report the path of the Unix-domain socket the parent waits for the report on
     * @param initializer run first in the server process; null for none
     * @return the server process's target
     * @throws IllegalArgumentException if a registered callable, the address or the initializer cannot be
     *     serialized
     */
    static SerializableRunnable job(Registry registry, SocketAddress address, byte[] authkey, String report,
                                    SerializableRunnable initializer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(authkey.length);
            out.write(authkey);
            out.writeUTF(report);
            out.writeInt(registry.standard().size());
            for (String typeid : registry.standard()) {
                out.writeUTF(typeid);
            }
            boolean rest = !registry.others().isEmpty() || address != null || initializer != null;
            out.writeBoolean(rest);
            if (rest) {
                byte[] r = Codec.encode(new Object[] {registry.others(), address, initializer});
                out.writeInt(r.length);
                out.write(r);
            }
        } catch (IOException e) {
            String why = e instanceof NotSerializableException ? e.getMessage() + " is not serializable (a registered"
                    + " callable, the address and the initializer must be, with what they capture)" : e.getMessage();
            throw new IllegalArgumentException("cannot send the manager's registry, address and initializer to"
                    + " its server process: " + why, e);
        }
        byte[] form = bytes.toByteArray();
        return () -> serve(form);
    }

    /** The server process's work, given the parts as {@link #job} lays them out. */
    private static void serve(byte[] form) {
        WarmUp.server(); // what the first requests run, done while this thread binds and reports
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(form));
        byte[] authkey;
        String report;
        try {
            authkey = in.readNBytes(in.readInt());
            report = in.readUTF();
        } catch (IOException e) {
            throw new UncheckedIOException("the manager's server process cannot read its job", e);
        }
        Object outcome;
        ManagerServer server = null;
        try {
            List<String> standard = new ArrayList<>();
            for (int n = in.readInt(); n > 0; n--) {
                standard.add(in.readUTF());
            }
            Map<String, TypeSpec> others = Map.of();
            SocketAddress address = null;
            SerializableRunnable initializer = null;
            if (in.readBoolean()) {
                Object[] rest = (Object[]) Codec.decodeFromParent(in.readNBytes(in.readInt()));
                @SuppressWarnings("unchecked")
                Map<String, TypeSpec> o = (Map<String, TypeSpec>) rest[0];
                others = o;
                address = (SocketAddress) rest[1];
                initializer = (SerializableRunnable) rest[2];
            }
            // a daemon so that it never holds its parent's exit up, yet it may start processes of its own
            Multiprocessing.currentProcess().setDaemon(false);
            if (initializer != null) {
                initializer.run();
            }
            server = new ManagerServer(new Registry(standard, others).toMap(), address, authkey);
            outcome = server.address();
        } catch (RuntimeException | Error e) {
            outcome = e;
        } catch (IOException | ClassNotFoundException e) {
            outcome = new ProcessError("the manager's server process cannot read its registry: " + e, e);
        }
        try (Connection c = Auth.client(UnixDomainSocketAddress.of(report), authkey,
                SocketListener.HANDSHAKE_TIMEOUT)) {
            c.send(outcome instanceof UnixDomainSocketAddress u ? u.getPath().toString() : outcome);
        } catch (RuntimeException e) {
            if (server != null) {
                server.stop(); // the manager cannot learn of it: nobody is to be served
            }
            throw e;
        }
        if (server != null) {
            server.serveForever();
        }
    }
}
