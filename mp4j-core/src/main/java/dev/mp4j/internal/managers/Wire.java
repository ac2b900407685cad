package dev.mp4j.internal.managers;

import dev.mp4j.internal.spawn.ProcessHooks;
import dev.mp4j.internal.wire.Codec;
import dev.mp4j.multiprocessing.ProcessError;
import dev.mp4j.multiprocessing.RemoteTraceback;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.Serial;
import java.io.Serializable;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The messages between a manager's clients and its server. After the authkey handshake, a connection
 * carries strictly alternating frames, each one serialized object: the client sends a {@link Request}, the
 * server answers with one {@link Reply}; never two requests in flight on one connection. Each client
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
     * Marks an exception with where it was raised and returns it if it serializes, else a
     * {@link ProcessError} stand-in with its class, message, stack trace and mark.
     *
     * @param error the exception
     * @return something that serializes
     */
    static Throwable portable(Throwable error) {
        RemoteTraceback where = new RemoteTraceback("raised in process '" + ProcessHooks.get().currentName()
                + "' (pid " + ProcessHandle.current().pid() + "), the manager's server");
        error.addSuppressed(where);
        try {
            Codec.encode(error);
            return error;
        } catch (IOException e) {
            ProcessError standIn = new ProcessError(error.getClass().getName() + ": " + error.getMessage()
                    + " (the exception itself could not be serialized: " + e + ")");
            standIn.setStackTrace(error.getStackTrace());
            standIn.addSuppressed(where);
            return standIn;
        }
    }

    /**
     * @param names class names, as {@link Class#getName()} gives them
     * @return them as a list (for messages)
     */
    static List<String> list(String[] names) {
        return names == null ? List.of() : Arrays.asList(names);
    }
}
