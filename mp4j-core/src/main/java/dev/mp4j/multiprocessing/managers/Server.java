package dev.mp4j.multiprocessing.managers;

import java.net.SocketAddress;

/**
 * A manager's server, to serve in the current process (Python's {@code manager.get_server()}).
 *
 * @since 0.1
 */
public interface Server {
    /** @return the address the server listens on */
    SocketAddress address();

    /** Serves requests until the manager is shut down. */
    void serveForever();
}
