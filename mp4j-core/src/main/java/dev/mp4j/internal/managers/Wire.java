package dev.mp4j.internal.managers;

import dev.mp4j.internal.spawn.ProcessHooks;
import dev.mp4j.internal.wire.Codec;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.Serial;
import java.io.Serializable;
import java.io.StreamCorruptedException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The messages between a manager's clients and its server. After the authkey handshake, a connection
 * carries strictly alternating frames: the client sends a {@link Request} ({@link #encodeRequest}), the
 * server answers with one {@link Reply} ({@link #encodeReply}); never two requests in flight on one
 * connection. A frame is written field by field; only values other than strings, boxed primitives,
 * {@code byte[]} and {@code Duration} go through JDK serialization (see the layout below). Each client
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
 * NUMBER_OF_OBJECTS, DEBUG_INFO, AWAIT_OBJECTS and AWAIT_CALLS (diagnostics); PING (nothing, answered).
 * {@code serverId} names one server's lifetime, so a proxy from before a restart on the same address is
 * refused instead of reaching another object with the same id.
 */
public final class Wire {
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

    private Wire() {}

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
     * A frame is written by hand, not by JDK serialization, which costs most of a call's time (a stream
     * header and class descriptors in every frame). Layout, big-endian:
     *   Request: FORMAT op:byte serverId:long id:long name:str signature:(count:int, -1 for null; str...) values
     *   Reply:   FORMAT kind:byte values (one value)
     *   values:  INLINE count:int value...   when every value is null, a String, a boxed primitive, a
     *                                        byte[] or a Duration
     *            SERIALIZED length:int bytes  otherwise: the Object[] in one serialization stream, so objects
     *                                        shared between arguments stay shared
     *   value:   tag:byte payload
     *   str:     -1:int for null, else length:int then LATIN1 bytes or UTF16 chars (the tag says which)
     */
    private static final byte FORMAT = 0x4d;
    private static final byte INLINE = 1;
    private static final byte SERIALIZED = 2;
    private static final byte T_NULL = 0;
    private static final byte T_LATIN1 = 1;
    private static final byte T_UTF16 = 2;
    private static final byte T_INT = 3;
    private static final byte T_LONG = 4;
    private static final byte T_DOUBLE = 5;
    private static final byte T_TRUE = 6;
    private static final byte T_FALSE = 7;
    private static final byte T_BYTES = 8;
    private static final byte T_FLOAT = 9;
    private static final byte T_SHORT = 10;
    private static final byte T_BYTE = 11;
    private static final byte T_CHAR = 12;
    private static final byte T_DURATION = 13;

    /**
     * @param req a request
     * @return its frame
     * @throws IllegalArgumentException naming what cannot be serialized
     */
    public static byte[] encodeRequest(Request req) {
        Out out = new Out(64);
        out.put(FORMAT);
        out.put(req.op());
        out.putLong(req.serverId());
        out.putLong(req.id());
        out.putStr(req.name());
        String[] sig = req.signature();
        if (sig == null) {
            out.putInt(-1);
        } else {
            out.putInt(sig.length);
            for (String s : sig) {
                out.putStr(s);
            }
        }
        putValues(out, req.args());
        return out.bytes();
    }

    /**
     * @param frame what {@link #encodeRequest} made
     * @return the request
     * @throws IOException if the frame is malformed or a value cannot be deserialized
     * @throws ClassNotFoundException if a value's class cannot be loaded here
     */
    public static Request decodeRequest(byte[] frame) throws IOException, ClassNotFoundException {
        In in = new In(frame);
        if (in.get() != FORMAT) {
            throw new StreamCorruptedException("not a manager's request");
        }
        byte op = in.get();
        long serverId = in.getLong();
        long id = in.getLong();
        String name = in.getStr();
        int n = in.getInt();
        String[] sig = null;
        if (n >= 0) {
            sig = new String[in.count(n)];
            for (int i = 0; i < n; i++) {
                sig[i] = in.getStr();
            }
        }
        return new Request(op, serverId, id, name, sig, getValues(in));
    }

    /**
     * @param reply a reply
     * @return its frame
     * @throws IllegalArgumentException naming what cannot be serialized
     */
    public static byte[] encodeReply(Reply reply) {
        Out out = new Out(32);
        out.put(FORMAT);
        out.put(reply.kind());
        putValues(out, new Object[] {reply.value()});
        return out.bytes();
    }

    /**
     * @param frame what {@link #encodeReply} made
     * @return the reply
     * @throws IOException if the frame is malformed or the value cannot be deserialized
     * @throws ClassNotFoundException if the value's class cannot be loaded here
     */
    public static Reply decodeReply(byte[] frame) throws IOException, ClassNotFoundException {
        In in = new In(frame);
        if (in.get() != FORMAT) {
            throw new StreamCorruptedException("not a manager's reply");
        }
        byte kind = in.get();
        Object[] v = getValues(in);
        if (v.length != 1) {
            throw new StreamCorruptedException("a manager's reply with " + v.length + " values");
        }
        return new Reply(kind, v[0]);
    }

    private static void putValues(Out out, Object[] values) {
        for (Object v : values) {
            if (!inline(v)) {
                out.put(SERIALIZED);
                byte[] b = encode(values);
                out.putInt(b.length);
                out.put(b, b.length);
                return;
            }
        }
        out.put(INLINE);
        out.putInt(values.length);
        for (Object v : values) {
            putValue(out, v);
        }
    }

    private static boolean inline(Object v) {
        return v == null || v instanceof String || v instanceof Integer || v instanceof Long || v instanceof Boolean
                || v instanceof Double || v instanceof byte[] || v instanceof Duration || v instanceof Float
                || v instanceof Short || v instanceof Byte || v instanceof Character;
    }

    private static void putValue(Out out, Object v) {
        switch (v) {
            case null -> out.put(T_NULL);
            case String s -> {
                int len = s.length();
                boolean latin1 = true;
                for (int i = 0; i < len && latin1; i++) {
                    latin1 = s.charAt(i) < 256;
                }
                if (latin1) {
                    out.put(T_LATIN1);
                    out.putInt(len);
                    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
                    out.put(b, b.length);
                } else {
                    out.put(T_UTF16);
                    out.putInt(len);
                    out.room(2L * len);
                    for (int i = 0; i < len; i++) {
                        out.putChar(s.charAt(i));
                    }
                }
            }
            case Integer i -> {
                out.put(T_INT);
                out.putInt(i);
            }
            case Long l -> {
                out.put(T_LONG);
                out.putLong(l);
            }
            case Double d -> {
                out.put(T_DOUBLE);
                out.putLong(Double.doubleToRawLongBits(d));
            }
            case Boolean b -> out.put(b ? T_TRUE : T_FALSE);
            case byte[] b -> {
                out.put(T_BYTES);
                out.putInt(b.length);
                out.put(b, b.length);
            }
            case Float f -> {
                out.put(T_FLOAT);
                out.putInt(Float.floatToRawIntBits(f));
            }
            case Short s -> {
                out.put(T_SHORT);
                out.putChar((char) (short) s);
            }
            case Byte b -> {
                out.put(T_BYTE);
                out.put(b);
            }
            case Character c -> {
                out.put(T_CHAR);
                out.putChar(c);
            }
            case Duration d -> {
                out.put(T_DURATION);
                out.putLong(d.getSeconds());
                out.putInt(d.getNano());
            }
            default -> throw new AssertionError(v.getClass());
        }
    }

    private static Object[] getValues(In in) throws IOException, ClassNotFoundException {
        byte how = in.get();
        if (how == SERIALIZED) {
            byte[] b = in.getBytes(in.count(in.getInt()));
            in.end();
            if (Codec.decode(b, null) instanceof Object[] values) {
                return values;
            }
            throw new StreamCorruptedException("a manager's frame whose values are not an Object[]");
        }
        if (how != INLINE) {
            throw new StreamCorruptedException("a manager's frame with values of kind " + how);
        }
        Object[] values = new Object[in.count(in.getInt())];
        for (int i = 0; i < values.length; i++) {
            values[i] = getValue(in);
        }
        in.end();
        return values;
    }

    private static Object getValue(In in) throws IOException {
        byte tag = in.get();
        return switch (tag) {
            case T_NULL -> null;
            case T_LATIN1, T_UTF16 -> in.getStr(tag);
            case T_INT -> in.getInt();
            case T_LONG -> in.getLong();
            case T_DOUBLE -> Double.longBitsToDouble(in.getLong());
            case T_TRUE -> Boolean.TRUE;
            case T_FALSE -> Boolean.FALSE;
            case T_BYTES -> in.getBytes(in.count(in.getInt()));
            case T_FLOAT -> Float.intBitsToFloat(in.getInt());
            case T_SHORT -> (short) in.getChar();
            case T_BYTE -> in.get();
            case T_CHAR -> in.getChar();
            case T_DURATION -> Duration.ofSeconds(in.getLong(), in.getInt());
            default -> throw new StreamCorruptedException("a manager's frame with a value of tag " + tag);
        };
    }

    /** A growing byte array. */
    private static final class Out {
        private byte[] buf;
        private int pos;

        Out(int size) {
            buf = new byte[size];
        }

        void room(long n) {
            if (pos + n > buf.length) {
                long want = Math.max(pos + n, 2L * buf.length);
                if (want > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException("cannot send to the manager: the message is too long");
                }
                buf = Arrays.copyOf(buf, (int) want);
            }
        }

        void put(byte b) {
            room(1);
            buf[pos++] = b;
        }

        void put(byte[] b, int n) {
            room(n);
            System.arraycopy(b, 0, buf, pos, n);
            pos += n;
        }

        void putChar(char c) {
            room(2);
            buf[pos++] = (byte) (c >>> 8);
            buf[pos++] = (byte) c;
        }

        void putInt(int v) {
            room(4);
            for (int s = 24; s >= 0; s -= 8) {
                buf[pos++] = (byte) (v >>> s);
            }
        }

        void putLong(long v) {
            room(8);
            for (int s = 56; s >= 0; s -= 8) {
                buf[pos++] = (byte) (v >>> s);
            }
        }

        void putStr(String s) {
            if (s == null) {
                putInt(-1);
            } else {
                putValue(this, s);
            }
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, pos);
        }
    }

    /** Reads what {@link Out} wrote, checking every length against what is left. */
    private static final class In {
        private final byte[] buf;
        private int pos;

        In(byte[] buf) {
            this.buf = buf;
        }

        private void need(long n) throws StreamCorruptedException {
            if (n < 0 || pos + n > buf.length) {
                throw new StreamCorruptedException("a manager's frame cut short (" + buf.length + " bytes)");
            }
        }

        /** A count of items of at least one byte each: checked against what is left. */
        int count(int n) throws StreamCorruptedException {
            need(n);
            return n;
        }

        void end() throws StreamCorruptedException {
            if (pos != buf.length) {
                throw new StreamCorruptedException("a manager's frame with " + (buf.length - pos) + " bytes too many");
            }
        }

        byte get() throws StreamCorruptedException {
            need(1);
            return buf[pos++];
        }

        char getChar() throws StreamCorruptedException {
            need(2);
            char c = (char) ((buf[pos] & 0xff) << 8 | buf[pos + 1] & 0xff);
            pos += 2;
            return c;
        }

        int getInt() throws StreamCorruptedException {
            need(4);
            int v = 0;
            for (int i = 0; i < 4; i++) {
                v = v << 8 | buf[pos++] & 0xff;
            }
            return v;
        }

        long getLong() throws StreamCorruptedException {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = v << 8 | buf[pos++] & 0xff;
            }
            return v;
        }

        byte[] getBytes(int n) throws StreamCorruptedException {
            need(n);
            byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return b;
        }

        /** A str: an int -1 for null, else a string value. */
        String getStr() throws StreamCorruptedException {
            need(4);
            if (buf[pos] == -1 && buf[pos + 1] == -1 && buf[pos + 2] == -1 && buf[pos + 3] == -1) {
                pos += 4;
                return null;
            }
            byte tag = get();
            if (tag != T_LATIN1 && tag != T_UTF16) {
                throw new StreamCorruptedException("a manager's frame with a name of tag " + tag);
            }
            return getStr(tag);
        }

        String getStr(byte tag) throws StreamCorruptedException {
            int len = getInt();
            if (tag == T_LATIN1) {
                need(len);
                String s = new String(buf, pos, len, StandardCharsets.ISO_8859_1);
                pos += len;
                return s;
            }
            need(2L * len);
            char[] cs = new char[len];
            for (int i = 0; i < len; i++) {
                cs[i] = getChar();
            }
            return new String(cs);
        }
    }

    /**
     * @param obj what to send
     * @return its serialized form
     * @throws IllegalArgumentException naming what cannot be serialized
     */
    public static byte[] encode(Object obj) {
        try {
            return Codec.encode(obj);
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
        return Codec.portable(error, "raised in process '" + ProcessHooks.get().currentName() + "' (pid "
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
