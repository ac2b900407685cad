package dev.mp4j.internal.managers;

import dev.mp4j.internal.util.LazyLogger;
import dev.mp4j.internal.util.Timeouts;

import java.lang.ref.Cleaner;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The references this JVM's proxies hold in managers' servers (Python's proxy finalizers). Each proxy that
 * counted a reference registers a {@link Ref} with a {@link Cleaner}: when the proxy becomes unreachable,
 * or is released, the reference is given back (DECREF; directly when the server runs in this JVM). When the
 * JVM exits, the references still held are given back in one DECREF_MANY per server, within one second in
 * all, except to servers this JVM started (they are being stopped anyway) or runs.
 */
public final class Refs {
    private static final System.Logger LOG = LazyLogger.of("dev.mp4j.multiprocessing.managers");
    private static final Cleaner CLEANER = Cleaner.create();
    private static final Set<Ref> LIVE = ConcurrentHashMap.newKeySet();
    private static final Set<SocketAddress> STARTED_HERE = ConcurrentHashMap.newKeySet();
    private static final Duration EXIT_BUDGET = Duration.ofSeconds(1);
    private static boolean hooked; // guarded by Refs.class

    private Refs() {}

    /**
     * Gives a reference back when {@code proxy} becomes unreachable, when the cleanable is run, or at exit.
     *
     * @param proxy the proxy holding the reference
     * @param token its referent
     * @param authkey the server's key
     * @return what gives it back now
     */
    public static Cleaner.Cleanable track(Object proxy, ManagerMessages.Token token, byte[] authkey) {
        hook();
        Ref r = new Ref(token, authkey);
        LIVE.add(r);
        return CLEANER.register(proxy, r);
    }

    /**
     * @param address the address of a server this JVM started: its references are not given back at exit
     */
    public static void startedHere(SocketAddress address) {
        STARTED_HERE.add(address);
    }

    /** @return how many references this JVM's proxies hold (for tests) */
    public static int live() {
        return LIVE.size();
    }

    private static synchronized void hook() {
        if (!hooked) {
            hooked = true;
            Runtime.getRuntime().addShutdownHook(new Thread(Refs::atExit, "mp4j-manager-refs"));
        }
    }

    /** One reference held in a server. */
    private static final class Ref implements Runnable {
        final ManagerMessages.Token token;
        final byte[] authkey;

        Ref(ManagerMessages.Token token, byte[] authkey) {
            this.token = token;
            this.authkey = authkey;
        }

        @Override
        public void run() {
            if (!LIVE.remove(this)) {
                return; // given back at exit already
            }
            ManagerServer local = ManagerServer.local(token.address(), token.serverId());
            if (local != null) {
                local.decref(token.id());
                return;
            }
            try {
                Client.request(token.address(), authkey,
                        new ManagerMessages.Request(ManagerMessages.DECREF, token.serverId(), token.id(), null, null, null));
            } catch (RuntimeException e) {
                if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
                    LOG.log(System.Logger.Level.DEBUG, "decref of " + token + " failed: " + e);
                }
            }
        }
    }

    private record Server(SocketAddress address, long serverId, List<Byte> key) {}

    private static void atExit() {
        Map<Server, List<Long>> byServer = new HashMap<>();
        Map<Server, byte[]> keys = new HashMap<>();
        for (Ref r : List.copyOf(LIVE)) {
            if (!LIVE.remove(r)) {
                continue;
            }
            ManagerMessages.Token t = r.token;
            if (STARTED_HERE.contains(t.address()) || ManagerServer.local(t.address(), t.serverId()) != null) {
                continue;
            }
            List<Byte> k = new ArrayList<>();
            for (byte b : r.authkey) {
                k.add(b);
            }
            Server s = new Server(t.address(), t.serverId(), k);
            byServer.computeIfAbsent(s, x -> new ArrayList<>()).add(t.id());
            keys.put(s, r.authkey);
        }
        long deadline = Timeouts.deadline(Timeouts.toNanos(EXIT_BUDGET));
        for (Map.Entry<Server, List<Long>> e : byServer.entrySet()) {
            if (Timeouts.remaining(deadline) == 0) {
                return;
            }
            long[] ids = e.getValue().stream().mapToLong(Long::longValue).toArray();
            try {
                Client.oneShot(e.getKey().address(), keys.get(e.getKey()), new ManagerMessages.Request(ManagerMessages.DECREF_MANY,
                        e.getKey().serverId(), 0, null, null, new Object[] {ids}), deadline);
            } catch (RuntimeException ex) {
                if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
                    LOG.log(System.Logger.Level.DEBUG, "decref at exit failed for " + e.getKey().address() + ": " + ex
                            + " " + Arrays.toString(ids));
                }
            }
        }
    }
}
