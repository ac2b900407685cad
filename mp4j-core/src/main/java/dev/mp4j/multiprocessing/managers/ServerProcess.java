package dev.mp4j.multiprocessing.managers;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.conn.SocketFiles;
import dev.mp4j.internal.managers.Client;
import dev.mp4j.internal.managers.ManagerServer;
import dev.mp4j.internal.managers.TypeSpec;
import dev.mp4j.internal.managers.ManagerMessages;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;

import java.io.Serial;
import java.net.SocketAddress;
import java.time.Duration;
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
     * What the server process runs: the initializer, then a server bound to the address (reported to the
     * parent through {@code report}: the address bound, or the exception that prevented it), served until
     * shut down.
     */
    record Main(Map<String, TypeSpec> registry, SocketAddress address, byte[] authkey, Connection report,
                SerializableRunnable initializer) implements SerializableRunnable {
        @Serial
        private static final long serialVersionUID = 1L;

        @Override
        public void run() {
            ManagerServer server;
            try {
                // a daemon so that it never holds its parent's exit up, yet it may start processes of its own
                Multiprocessing.currentProcess().setDaemon(false);
                if (initializer != null) {
                    initializer.run();
                }
                server = new ManagerServer(registry, address, authkey);
            } catch (RuntimeException | Error e) {
                report.send(e);
                report.close();
                return;
            }
            report.send(server.address());
            report.close();
            server.serveForever();
        }
    }
}
