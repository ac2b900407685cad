package dev.mp4j.multiprocessing;

import dev.mp4j.internal.conn.Auth;
import dev.mp4j.internal.conn.SocketConnection;
import dev.mp4j.internal.conn.Waitable;
import dev.mp4j.internal.conn.Waiter;
import dev.mp4j.internal.util.Timeouts;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The functions of Python's {@code multiprocessing.connection}: {@code Client}, {@code wait} and the challenge.
 *
 * <p>For example:
 * {@snippet :
 * try (Connection conn = Connections.client(new InetSocketAddress("localhost", 6000), key)) {
 *     System.out.println(conn.recv());                         // [1, 2.5, hello]
 * }
 * List<Sentinel> ready = Connections.wait(List.of(a, b, p.sentinel()), Duration.ofSeconds(1));
 * }
 *
 * @since 0.1
 */
public final class Connections {
    private Connections() {}

    /**
     * Connects to a {@link Listener} without authentication (Python's {@code Client(address)}).
     *
     * @param address an {@link java.net.InetSocketAddress} or a {@link java.net.UnixDomainSocketAddress}
     * @return the connection (it belongs to this process and cannot be sent to another)
     * @throws IllegalArgumentException for another kind of address
     * @throws java.io.UncheckedIOException if the connection is refused or fails
     */
    public static Connection client(SocketAddress address) {
        return client(address, null);
    }

    /**
     * Connects to a {@link Listener}; with a key, answers the listener's challenge and then challenges it
     * (Python's order). A CPython listener with the same key is fine too.
     *
     * @param address an {@link java.net.InetSocketAddress} or a {@link java.net.UnixDomainSocketAddress}
     * @param authkey the shared key; null for no authentication
     * @return the connection
     * @throws AuthenticationError if either side rejects the other, or the handshake fails otherwise (the
     *     cause says how; the connection is closed)
     * @throws IllegalArgumentException for another kind of address
     * @throws java.io.UncheckedIOException if the connection is refused or fails
     */
    public static Connection client(SocketAddress address, byte[] authkey) {
        return Auth.client(address, authkey);
    }

    /**
     * Waits until at least one of {@code objects} is ready, with no time limit.
     *
     * @param objects connections and process sentinels
     * @return the ready ones, in the order given
     * @see #wait(Collection, Duration)
     */
    public static List<Sentinel> wait(Collection<? extends Sentinel> objects) {
        return wait(objects, null);
    }

    /**
     * Python's {@code wait(object_list, timeout)}: waits until at least one of {@code objects} is ready and
     * returns those ready at that moment. A connection is ready when it has something to read or its peer
     * has closed (so that {@code recv} does not block, or throws {@link EOFError}); a
     * {@linkplain Process#sentinel() process sentinel} when the process has ended. Socket connections are
     * watched by the operating system; process sentinels wake the wait when their process ends; any other
     * kind is checked every 1 to 10 ms. A connection that another thread closes during the wait is returned
     * as ready (its next use throws {@link IllegalStateException}).
     *
     * @param objects connections and process sentinels (an object given twice is returned once)
     * @param timeout at most this long; null for no limit; negative counts as zero
     * @return the ready ones, in the order given; empty when the timeout passed first
     * @throws IllegalArgumentException for a kind of sentinel that cannot be waited on
     * @throws IllegalStateException if one of the connections is closed
     * @throws dev.mp4j.InterruptedError if the thread is interrupted
     */
    public static List<Sentinel> wait(Collection<? extends Sentinel> objects, Duration timeout) {
        List<Sentinel> list = List.copyOf(objects);
        List<Waitable> waitables = new ArrayList<>(list.size());
        for (Sentinel s : list) {
            waitables.add(waitable(s));
        }
        List<Sentinel> ready = new ArrayList<>();
        for (int i : Waiter.await(waitables, Timeouts.toNanos(timeout))) {
            ready.add(list.get(i));
        }
        return ready;
    }

    private static Waitable waitable(Sentinel s) {
        if (s instanceof Waitable w) {
            return w;
        }
        throw new IllegalArgumentException("cannot wait on a " + s.getClass().getName());
    }

    /**
     * Python's {@code deliver_challenge}: sends a random challenge and checks the peer's answer.
     *
     * @param c the connection
     * @param authkey the shared key
     * @throws AuthenticationError if the answer is wrong (the peer is told so first)
     */
    public static void deliverChallenge(Connection c, byte[] authkey) {
        Auth.deliver(c, authkey);
    }

    /**
     * Python's {@code answer_challenge}: answers the peer's challenge.
     *
     * @param c the connection
     * @param authkey the shared key
     * @throws AuthenticationError if the challenge is malformed or the peer rejects the answer
     */
    public static void answerChallenge(Connection c, byte[] authkey) {
        Auth.answer(c, authkey);
    }
}
