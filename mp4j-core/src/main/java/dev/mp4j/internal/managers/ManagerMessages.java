package dev.mp4j.internal.managers;

import dev.mp4j.internal.spawn.Identity;
import dev.mp4j.internal.wire.BigEndian;
import dev.mp4j.internal.wire.Codec;

import java.io.EOFException;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.Serial;
import java.io.Serializable;
import java.io.StreamCorruptedException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The messages between a manager's clients and its server. After the authkey handshake, a connection
 * carries strictly alternating frames: the client sends a {@link Request} ({@link #encodeRequest}), the
 * server answers with one {@link Reply} ({@link #encodeReply}); never two requests in flight on one
 * connection. A frame is a small fixed header and then its values in {@link Codec}'s form (see the layout
 * below), so a call's common values take the fast form and the rest JDK serialization, as a pool's tasks do;
 * they are read as this JVM's serial filter allows ({@code Codec.decode(bytes, null)}). Each client
 * thread has its own connection, and the server one thread per connection, so a call that blocks in the
 * server (a lock's acquire, a queue's get) blocks only its own client thread.
 * <pre>
 *   client → server  Request(op, serverId, id, name, signature, args)
 *   server → client  Reply(RETURN, value)       the call returned value (a copy)
 *                    Reply(ERROR, throwable)    the referent threw it (marked with a RemoteTraceback)
 *                    Reply(FAILURE, message)    the server could not make the call: RemoteError at the client
 *                    Reply(PROXY, ProxyRef)     the result stays in the server; the reference is the client's
 * </pre>
 * Ops: CALL a referent's method ({@code name}, with the parameter types' names in {@code signature} when
 * the caller knows them, else resolved from the arguments); CREATE a referent of typeid {@code name};
 * INCREF and DECREF {@code id}; DECREF_MANY ({@code args[0]} a {@code long[]}); SHUTDOWN the server;
 * NUMBER_OF_OBJECTS, DEBUG_INFO, AWAIT_OBJECTS and AWAIT_CALLS (diagnostics); PING (nothing, answered);
 * HELLO (the client's pid and start time, sent first on a Unix-domain connection, so that the server gives
 * back the references a process counted when it dies holding them).
 * {@code serverId} names one server's lifetime, so a proxy from before a restart on the same address is
 * refused instead of reaching another object with the same id.
 */
public final class ManagerMessages {
    /** Call a method of a referent. */
    public static final byte CALL = 1;
    /** Make a referent of a registered typeid. */
    public static final byte CREATE = 2;
    /** One more reference to a referent. */
    public static final byte INCREF = 3;
    /** One reference fewer; the referent goes when none is left. */
    public static final byte DECREF = 4;
    /** DECREF for each id in {@code args[0]} (a {@code long[]}). */
    public static final byte DECREF_MANY = 5;
    /** Stop the server (after answering). */
    public static final byte SHUTDOWN = 6;
    /** How many referents the server holds. */
    public static final byte NUMBER_OF_OBJECTS = 7;
    /** A line per referent: id, typeid, reference count, the referent's class. */
    public static final byte DEBUG_INFO = 8;
    /** Collect garbage in the server and wait (at most {@code args[1]}) until at most {@code args[0]} referents are left. */
    public static final byte AWAIT_OBJECTS = 9;
    /** Wait (at most {@code args[1]}) until exactly {@code args[0]} calls are in progress in the server. */
    public static final byte AWAIT_CALLS = 11;
    /** Nothing: a connection test. */
    public static final byte PING = 10;
    /**
     * The client's process, first on a Unix-domain connection: {@code args} its pid and start time
     * ({@link dev.mp4j.internal.ring.Pids}); the references counted on the connection are that process's.
     */
    public static final byte HELLO = 12;

    /** Reply kind: the value. */
    public static final byte RETURN = 1;
    /** Reply kind: the referent's exception. */
    public static final byte ERROR = 2;
    /** Reply kind: the server's own failure, as a message. */
    public static final byte FAILURE = 3;
    /** Reply kind: a proxy to a new referent ({@link ProxyRef}). */
    public static final byte PROXY = 4;

    /** The method name that asks for a copy of the referent itself. */
    public static final String GET_VALUE = "#GETVALUE";

    private ManagerMessages() {}

    /**
     * A request.
     *
     * @param op what to do
     * @param serverId the server's lifetime the id belongs to; 0 when there is no id
     * @param id the referent's id, or 0
     * @param name the method (CALL) or typeid (CREATE), or null
     * @param signature the parameter types' names, or null to resolve the method from the arguments
     * @param args the arguments (never null)
     */
    public record Request(byte op, long serverId, long id, String name, String[] signature, Object[] args)
            implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        /** Null arguments become none. */
        public Request {
            args = args == null ? new Object[0] : args;
        }

        @Override
        public String toString() {
            return "Request[op=" + op + ", id=" + id + ", name=" + name + ", signature=" + Arrays.toString(signature)
                    + ", " + args.length + " args]";
        }
    }

    /**
     * A reply.
     *
     * @param kind RETURN, ERROR, FAILURE or PROXY
     * @param value the value, exception, message or {@link ProxyRef}
     */
    public record Reply(byte kind, Object value) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }

    /**
     * Names one referent of one server: what a proxy holds and sends on.
     *
     * @param typeid the typeid it was made as
     * @param serverId the server's lifetime
     * @param id the referent's id in that server
     * @param address where the server listens
     */
    public record Token(String typeid, long serverId, long id, SocketAddress address) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        /** Checks the parts. */
        public Token {
            Objects.requireNonNull(typeid, "typeid");
            Objects.requireNonNull(address, "address");
        }
    }

    /**
     * A referent just made in the server, with one reference counted for the proxy the receiver makes.
     *
     * @param typeid its typeid
     * @param serverId the server's lifetime
     * @param id its id
     * @param interfaceName the proxy interface registered for the typeid, or null
     */
    public record ProxyRef(String typeid, long serverId, long id, String interfaceName) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }

    // ------------------------------------------------------------------------------------ frames

    /*
     * A frame is a fixed header written here, then its values as one Codec stream (the fast form for common
     * values, JDK serialization for a graph that needs it, so objects shared between arguments stay shared),
     * to the end of the frame. Big-endian:
     *   Request   0  byte   REQUEST 'M'
     *             1  byte   OP
     *             2  int64  SERVER_ID
     *            10  int64  ID
     *            18  byte   SIGNATURE  the index of one of SIGNATURES, or NO_SIGNATURE (null), or NAMED
     *            19  int32  NAME_LENGTH  of the name's UTF-8 bytes, -1 for a null name
     *            23  ...    the name's UTF-8 bytes
     *             then      Object[] args, or for NAMED Object[] {String[] signature, Object[] args}
     *   Reply     0  byte   REPLY 'm', or REPLY_REF 'p' when the value is a ProxyRef
     *             1  byte   KIND
     *             2  ...    the value; for REPLY_REF Object[] {typeid, serverId, id, interfaceName}
     * The name and the signature are written here, not by the Codec: a call's every request carries them,
     * and both ends would otherwise write and read them character by character.
     */
    private static final byte REQUEST = 'M';
    private static final byte REPLY = 'm';
    /**
     * A reply whose value is a {@link ProxyRef}, sent as its fields: a record's encoding links method handles
     * for its accessors and constructor on first use, tens of ms on each end of a manager's first proxy.
     */
    private static final byte REPLY_REF = 'p';
    private static final int OP = 1;
    private static final int SERVER_ID = 2;
    private static final int ID = 10;
    private static final int SIGNATURE = 18;
    private static final int NAME_LENGTH = 19;
    private static final int NAME = 23;
    private static final byte NO_SIGNATURE = -1;
    private static final byte NAMED = -2;
    private static final int KIND = 1;
    private static final int REPLY_VALUE = 2;

    /**
     * The signatures of the standard proxies' calls. A request whose signature is one of these arrays (the
     * same object: {@link #signature} gives it) carries its index instead of its names, which both ends
     * would otherwise write and read, character by character, on every call.
     */
    private static final String[][] SIGNATURES = {
        {},
        {"java.lang.Object"},
        {"java.lang.Object", "java.lang.Object"},
        {"java.lang.Object", "java.lang.Object", "java.lang.Object"},
        {"int"},
        {"int", "java.lang.Object"},
        {"int", "java.util.Collection"},
        {"java.util.Collection"},
        {"java.util.Map"},
        {"java.lang.String"},
        {"java.lang.String", "java.lang.Object"},
        {"java.time.Duration"},
        {"java.lang.Object", "java.time.Duration"},
    };

    /**
     * @param names the parameter types' names of a method
     * @return an array equal to {@code names}: the one the requests carry by index when there is one
     */
    public static String[] signature(String... names) {
        for (String[] known : SIGNATURES) {
            if (Arrays.equals(known, names)) {
                return known;
            }
        }
        return names;
    }

    /** @return the SIGNATURE byte: the index if it is one of {@link #SIGNATURES} (that very array) */
    private static byte signatureCode(String[] signature) {
        if (signature == null) {
            return NO_SIGNATURE;
        }
        for (int i = 0; i < SIGNATURES.length; i++) {
            if (SIGNATURES[i] == signature) {
                return (byte) i;
            }
        }
        return NAMED;
    }

    /**
     * @param req a request
     * @return its frame
     * @throws IllegalArgumentException naming what cannot be serialized
     */
    public static byte[] encodeRequest(Request req) {
        byte[] name = req.name() == null ? null : utf8(req.name());
        byte sig = signatureCode(req.signature());
        int values = NAME + (name == null ? 0 : name.length);
        byte[] frame = encode(sig == NAMED ? new Object[] {req.signature(), req.args()} : req.args(), values);
        frame[0] = REQUEST;
        frame[OP] = req.op();
        BigEndian.putLong(frame, SERVER_ID, req.serverId());
        BigEndian.putLong(frame, ID, req.id());
        frame[SIGNATURE] = sig;
        BigEndian.putInt(frame, NAME_LENGTH, name == null ? -1 : name.length);
        if (name != null) {
            System.arraycopy(name, 0, frame, NAME, name.length);
        }
        return frame;
    }

    /** @throws IllegalArgumentException if the name is not well-formed UTF-16 (a lone surrogate) */
    private static byte[] utf8(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < name.length(); i++) {
            if (Character.isSurrogate(name.charAt(i))) {
                // only a name with surrogates can have lost one to '?': decode it back to see
                if (!new String(bytes, StandardCharsets.UTF_8).equals(name)) {
                    throw new IllegalArgumentException("cannot send to the manager: the name '" + name
                            + "' is not well-formed UTF-16 (it has a lone surrogate)");
                }
                break;
            }
        }
        return bytes;
    }

    /**
     * @param frame what {@link #encodeRequest} made
     * @return the request
     * @throws IOException if the frame is malformed or a value cannot be deserialized
     * @throws ClassNotFoundException if a value's class cannot be loaded here
     */
    public static Request decodeRequest(byte[] frame) throws IOException, ClassNotFoundException {
        if (frame.length == 0 || frame[0] != REQUEST) {
            throw new StreamCorruptedException("not a manager's request");
        }
        if (frame.length < NAME) {
            throw new StreamCorruptedException("a manager's frame cut short (" + frame.length + " bytes)");
        }
        byte sig = frame[SIGNATURE];
        int nameLength = BigEndian.getInt(frame, NAME_LENGTH);
        if (sig < NAMED || sig >= SIGNATURES.length || nameLength < -1 || nameLength > frame.length - NAME) {
            throw new StreamCorruptedException("a manager's request with a bad signature (" + sig + ") or name length ("
                    + nameLength + ")");
        }
        String name = nameLength < 0 ? null : new String(frame, NAME, nameLength, StandardCharsets.UTF_8);
        Object values = values(frame, NAME + Math.max(nameLength, 0));
        String[] signature;
        Object args;
        if (sig == NAMED) {
            if (!(values instanceof Object[] v) || v.length != 2 || !(v[0] instanceof String[] named)) {
                throw new StreamCorruptedException("a manager's request without its signature and arguments");
            }
            signature = named;
            args = v[1];
        } else {
            signature = sig == NO_SIGNATURE ? null : SIGNATURES[sig];
            args = values;
        }
        if (!(args instanceof Object[] a)) {
            throw new StreamCorruptedException("a manager's request without its arguments");
        }
        return new Request(frame[OP], BigEndian.getLong(frame, SERVER_ID), BigEndian.getLong(frame, ID), name, signature, a);
    }

    /**
     * @param reply a reply
     * @return its frame
     * @throws IllegalArgumentException naming what cannot be serialized
     */
    public static byte[] encodeReply(Reply reply) {
        byte[] frame;
        if (reply.value() instanceof ProxyRef r) {
            frame = encode(new Object[] {r.typeid(), r.serverId(), r.id(), r.interfaceName()}, REPLY_VALUE);
            frame[0] = REPLY_REF;
        } else {
            frame = encode(reply.value(), REPLY_VALUE);
            frame[0] = REPLY;
        }
        frame[KIND] = reply.kind();
        return frame;
    }

    /**
     * @param frame what {@link #encodeReply} made
     * @return the reply
     * @throws IOException if the frame is malformed or the value cannot be deserialized
     * @throws ClassNotFoundException if the value's class cannot be loaded here
     */
    public static Reply decodeReply(byte[] frame) throws IOException, ClassNotFoundException {
        if (frame.length == 0 || frame[0] != REPLY && frame[0] != REPLY_REF) {
            throw new StreamCorruptedException("not a manager's reply");
        }
        Object value = values(frame, REPLY_VALUE);
        if (frame[0] == REPLY_REF) {
            if (!(value instanceof Object[] f && f.length == 4 && f[0] instanceof String typeid
                    && f[1] instanceof Long serverId && f[2] instanceof Long id
                    && (f[3] == null || f[3] instanceof String))) {
                throw new StreamCorruptedException("a manager's reply with a malformed reference");
            }
            value = new ProxyRef(typeid, serverId, id, (String) f[3]);
        }
        return new Reply(frame[KIND], value);
    }

    /** Decodes the Codec stream from {@code at} to the frame's end, as this JVM's filter allows. */
    private static Object values(byte[] frame, int at) throws IOException, ClassNotFoundException {
        if (frame.length <= at) {
            throw new StreamCorruptedException("a manager's frame cut short (" + frame.length + " bytes)");
        }
        try {
            return Codec.decode(frame, at, frame.length - at, null);
        } catch (EOFException e) {
            throw (IOException) new StreamCorruptedException("a manager's frame cut short (" + frame.length
                    + " bytes)").initCause(e);
        }
    }

    /**
     * @param obj what to send
     * @return its serialized form
     * @throws IllegalArgumentException naming what cannot be serialized
     */
    public static byte[] encode(Object obj) {
        return encode(obj, 0);
    }

    /** {@link #encode(Object)} behind {@code headroom} free bytes: a frame's header. */
    private static byte[] encode(Object obj, int headroom) {
        try {
            return Codec.encode(obj, headroom);
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException("cannot send to the manager: " + e.getMessage()
                    + " is not serializable", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot send to the manager: " + e, e);
        }
    }

    /**
     * Marks an exception with the server's process name and pid, and returns it if it can be serialized,
     * else a stand-in ({@link Codec#portable}).
     *
     * @param error the exception
     * @return something that serializes
     */
    static Throwable portable(Throwable error) {
        return Codec.portable(error, "raised in process '" + Identity.current().name() + "' (pid "
                + ProcessHandle.current().pid() + "), the manager's server");
    }

    /**
     * @param names class names, as {@link Class#getName()} gives them
     * @return them as a list (for messages)
     */
    static List<String> list(String[] names) {
        return names == null ? List.of() : Arrays.asList(names);
    }
}
