package dev.mp4j.fuzz;

import static dev.mp4j.fuzz.FuzzSupport.allocatedByAllThreads;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mp4j.internal.conn.Auth;
import dev.mp4j.internal.conn.SocketConnection;
import dev.mp4j.internal.managers.ManagerServer;
import dev.mp4j.internal.managers.StandardTypes;
import dev.mp4j.internal.managers.ManagerMessages;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.internal.wire.Codec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes a manager's request path: a {@link ManagerServer} (the registry of a SyncManager) runs in this JVM; each
 * input is sent by a client that passed the authkey handshake, as the one frame of a request. The server has no
 * entry point that decodes a request apart from its session loop, so the input goes through the socket, the
 * frame decoder, the request decoder ({@link ManagerMessages#decodeRequest}, which hands the values to
 * {@link Codec#decode}) and the request dispatch, as an attacker's would.
 *
 * <p>Input: byte 0 even — the rest is the frame's payload as it is; byte 0 odd — the rest describes a
 * {@link ManagerMessages.Request} (op, which server id, id, method or typeid name, arguments) that is serialized properly, so
 * the fuzzer reaches the dispatch (CREATE, CALL with any name on the objects it made, INCREF, DECREF ...). Method
 * names that block by design (a queue's get, a lock's acquire, waits) are left out: a call that blocks until
 * another client acts is not a hang of the server.
 *
 * <p>Properties: the server answers every request with a {@link ManagerMessages.Reply} within 5 s and keeps serving (it
 * stops only for SHUTDOWN); memory bounded by the input (measured over all the JVM's threads, so with a wider
 * allowance than the single-thread targets: a decoded stream's own bound is {@link CodecFuzzTest}'s).
 */
class ManagerFuzzTest {
    private static final byte[] KEY = "manager-fuzz".getBytes(StandardCharsets.US_ASCII);
    private static final String[] NAMES = {"dict", "list", "Namespace", "Value", "Queue", "Lock", "RLock", "Semaphore",
        "Event", "Condition", "Barrier", "Iterator", "nope", null, "#GETVALUE", "put", "keys", "size", "toString",
        "hashCode", "equals", "getClass", "notify", "isSet", "set", "clear", "append", "remove", "contains", "release",
        "getValue", "setValue", "items", "iterator", "next", "hasNext", "copy", "update", "pop", "sort", "reverse",
        "add", "__getattr__", "x"};
    /** Methods that wait for another client by design. */
    private static final Set<String> BLOCKING = Set.of("get", "acquire", "wait", "join", "waitFor", "take");
    private static ManagerServer server;
    private static int served;
    private static long lastId;
    /** The last input asked for SHUTDOWN: the server stops after answering, so the next input needs a new one. */
    private static boolean shutdownSent;

    /** What the server may allocate, in all its threads, for one request beyond its bytes. */
    private static final long SERVER_ALLOWANCE = 64L << 20;

    /**
     * Takes each kind of request through the server once, so that the allocation bound measures a request and not
     * the JVM's one-time set-up of that path (class loading, the first exception's traceback).
     */
    @BeforeAll
    static void warmUp() {
        byte[][] inputs = {
            {1, ManagerMessages.CREATE, 0, 0, 0}, {1, ManagerMessages.CALL, 0, 0, 15, 0, 2, 2, 1, 'k', 1, 5}, {1, ManagerMessages.CREATE, 0, 0, 12},
            {1, ManagerMessages.CALL, 0, 0, 12, 3, 3, 'a', 'b', 'c', 0}, {1, ManagerMessages.DEBUG_INFO}, {0, 1, 2, 3}, {1, 12},
        };
        for (int round = 0; round < 3; round++) {
            for (byte[] in : inputs) {
                try {
                    new ManagerFuzzTest().request(in);
                } catch (IOException | AssertionError ignored) {
                    // only what the path loads matters here
                }
            }
        }
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.stop();
        }
    }

    private static ManagerServer server() {
        if (server == null || server.stopped() || shutdownSent || ++served % 500 == 0) {
            shutdownSent = false;
            if (server != null) {
                server.stop();
            }
            ManagerServer s = new ManagerServer(StandardTypes.registry(), null, KEY);
            Thread.ofPlatform().daemon().name("manager-fuzz-server").start(s::serveForever);
            server = s;
        }
        return server;
    }

    @FuzzTest(maxDuration = "5m")
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void request(byte[] data) throws IOException {
        if (data.length == 0) {
            return;
        }
        ManagerServer s = server();
        byte[] payload = (data[0] & 1) == 0 ? Arrays.copyOfRange(data, 1, data.length) : structured(data, s.serverId());
        if (payload == null) {
            return;
        }
        boolean shutdown = isShutdown(payload);
        shutdownSent |= shutdown;
        SocketConnection c = Auth.client(s.address(), KEY);
        try {
            long before = allocatedByAllThreads();
            c.sendBytes(payload);
            byte[] answer = c.receive(SocketConnection.DEFAULT_LIMIT, Timeouts.deadline(TimeUnit.SECONDS.toNanos(5)));
            assertNotNull(answer, "the server did not answer within 5 s");
            Object reply;
            try {
                reply = ManagerMessages.decodeReply(answer);
            } catch (ClassNotFoundException e) {
                throw new AssertionError("the server's reply names a class we cannot load", e);
            }
            assertTrue(reply instanceof ManagerMessages.Reply, "the server answered with " + reply);
            long used = allocatedByAllThreads() - before;
            assertTrue(used <= SERVER_ALLOWANCE + 8L * payload.length, "the server allocated " + used
                    + " bytes (all threads) for a request of " + payload.length + " bytes");
            if (((ManagerMessages.Reply) reply).value() instanceof ManagerMessages.ProxyRef ref) {
                lastId = ref.id();
            }
        } finally {
            c.close();
        }
        if (!shutdown) {
            assertFalse(s.stopped(), "the server stopped on a request that is not SHUTDOWN");
        }
    }

    private static boolean isShutdown(byte[] payload) {
        try {
            return ManagerMessages.decodeRequest(payload).op() == ManagerMessages.SHUTDOWN;
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            return false;
        }
    }

    /** A well-formed request from the input's bytes; null when it would call a method that blocks by design. */
    private static byte[] structured(byte[] data, long realServerId) {
        Bytes in = new Bytes(data, 1);
        byte op = (byte) (in.next() % 13);
        int sid = in.next();
        long serverId = sid < 200 ? realServerId : sid < 230 ? 0 : in.nextLong();
        int idSel = in.next();
        long id = idSel < 128 ? lastId : idSel < 200 ? idSel - 128 : in.nextLong();
        int nameSel = in.next();
        String name = nameSel < 200 ? NAMES[nameSel % NAMES.length] : in.string();
        if (name != null && BLOCKING.contains(name) || op == ManagerMessages.AWAIT_OBJECTS || op == ManagerMessages.AWAIT_CALLS) {
            return null;
        }
        String[] signature = switch (in.next() % 4) {
            case 0 -> null;
            case 1 -> new String[0];
            case 2 -> new String[] {"java.lang.Object"};
            default -> new String[] {in.string(), "int"};
        };
        int n = in.next() % 4;
        Object[] args = new Object[n];
        for (int i = 0; i < n; i++) {
            args[i] = switch (in.next() % 9) {
                case 0 -> null;
                case 1 -> in.next() - 128;
                case 2 -> in.string();
                case 3 -> new long[] {lastId, in.nextLong()};
                case 4 -> List.of(in.string(), in.next());
                case 5 -> new java.util.HashMap<>(java.util.Map.of(in.string(), in.next()));
                case 6 -> in.nextLong();
                case 7 -> new int[in.next()];
                default -> Boolean.TRUE;
            };
        }
        return ManagerMessages.encodeRequest(new ManagerMessages.Request(op, serverId, id, name, signature, args));
    }

    /** Reads the input's bytes; zeros past its end. */
    private static final class Bytes {
        private final byte[] data;
        private int pos;

        Bytes(byte[] data, int pos) {
            this.data = data;
            this.pos = pos;
        }

        int next() {
            return pos < data.length ? data[pos++] & 0xff : 0;
        }

        long nextLong() {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = v << 8 | next();
            }
            return v;
        }

        String string() {
            int n = Math.min(next() % 24, Math.max(0, data.length - pos));
            String s = new String(data, Math.min(pos, data.length), n, StandardCharsets.ISO_8859_1);
            pos += n;
            return s;
        }
    }
}
