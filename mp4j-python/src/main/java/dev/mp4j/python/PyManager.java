package dev.mp4j.python;

import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.Connections;

import java.lang.ref.Cleaner;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client of a CPython {@code multiprocessing.managers.BaseManager} server ({@code SyncManager}, or an
 * application's subclass with its own {@code register}ed typeids), as the docs' "Using a remote manager" connects
 * to one: {@code manager.connect()}, then {@code manager.get_queue()}.
 *
 * <h2>The wire protocol (CPython's {@code managers.py})</h2>
 * Every connection is a {@code multiprocessing.connection} with the authkey's two challenges; every message a
 * pickle. A request is {@code (ident, methodname, args, kwds)}; a reply {@code (kind, result)} with kind
 * {@code #RETURN} (the result), {@code #ERROR} (the exception the method raised, as {@link PythonError}),
 * {@code #TRACEBACK} and {@code #UNSERIALIZABLE} (the server's traceback text, as a {@link PythonError} of type
 * {@code multiprocessing.managers.RemoteError}), {@code #PROXY} ({@code (exposed, Token)}: the method returned an
 * object the server keeps, as a new {@link PyProxy}). The server's own functions ({@code dummy}, {@code create},
 * {@code incref}, {@code decref}) each take a fresh connection that carries one request, as CPython's client
 * does. Method calls go over connections opened with {@code accept_connection}, after which the server serves
 * {@code (ident, ...)} requests on them; CPython keeps one per thread, this client keeps a pool and gives each call
 * one connection to itself, so that as many calls run at once as threads make them.
 *
 * <h2>References</h2>
 * {@code create} leaves the server's count of the new object at one, owned by the returned proxy; a
 * {@code #PROXY} reply does the same. The reference is dropped ({@code decref}) by {@link PyProxy#close()}, by
 * {@link #close()} for every proxy still open, or by a {@link Cleaner} once the proxy is unreachable; the server
 * frees the object when its count reaches zero. A proxy passed as an argument is written as CPython writes one
 * ({@code RebuildProxy(AutoProxy, token, ...)}; the server must then know itself by the address this client
 * connected to, an IP literal and port), and a proxy inside a result becomes a {@link PyProxy} holding a reference
 * of its own ({@code incref}), as in CPython's client.
 *
 * <h2>Security</h2>
 * The server unpickles what this client sends, so it must be a server you trust with the authkey, as a Python
 * client would. What this client accepts from the server is data only ({@link Pickle}).
 */
public final class PyManager implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final SocketAddress address;
    private final byte[] authkey;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    private final Map<RemoteProxy.Ref, Boolean> live = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Pickle.Loader loader = Pickle.loader();
    private final Pickle.Dumper dumper = Pickle.dumper();

    private PyManager(SocketAddress address, byte[] authkey) {
        this.address = address;
        this.authkey = authkey.clone();
        dumper.replacing(o -> o instanceof RemoteProxy r && r.manager == this ? r.reduce(pythonAddress()) : null);
        loader.allow("multiprocessing.managers", "RebuildProxy", this::rebuild);
    }

    /** @return the server's address as the server writes it in its tokens: {@code (ip, port)}, or the path */
    private Object pythonAddress() {
        if (address instanceof java.net.InetSocketAddress i) {
            String host = i.getAddress() != null ? i.getAddress().getHostAddress() : i.getHostString();
            return new PyTuple(host, (long) i.getPort());
        }
        return address instanceof java.net.UnixDomainSocketAddress u ? u.getPath().toString() : address.toString();
    }

    /**
     * A proxy the server sends inside a result ({@code RebuildProxy(func, token, serializer, kwds)}, e.g. a queue
     * proxy kept in a managed dict): a new reference ({@code incref}), as CPython's client takes one.
     */
    private Object rebuild(List<Object> args) {
        if (args.size() != 4 || !(args.get(1) instanceof PyObject token) || !token.name().equals("Token")
                || !(token.state() instanceof List<?> state) || state.size() != 3
                || !(state.get(0) instanceof String typeid) || !(state.get(2) instanceof String id)) {
            throw new IllegalArgumentException("a RebuildProxy that is not (func, Token, serializer, kwds): " + args);
        }
        Object exposed = args.get(3) instanceof Map<?, ?> kwds ? kwds.get("exposed") : null;
        dispatch("incref", new PyTuple(id));
        return adopt(typeid, id, exposed);
    }

    /**
     * Python's {@code BaseManager(address, authkey).connect()}: checks that the server is there and accepts the key.
     *
     * @param address the server's address ({@link java.net.InetSocketAddress}, or a Unix-domain address)
     * @param authkey the server's authkey
     * @return the client
     * @throws IllegalArgumentException if the authkey is null (before any connection)
     * @throws dev.mp4j.multiprocessing.AuthenticationError if the server refuses the key, or the key it proves is
     *     another
     * @throws java.io.UncheckedIOException if the server cannot be reached
     */
    public static PyManager connect(SocketAddress address, byte[] authkey) {
        Objects.requireNonNull(address, "address");
        if (authkey == null) {
            throw new IllegalArgumentException("a PyManager needs the server's authkey (the server unpickles what "
                    + "it is sent); got null");
        }
        PyManager m = new PyManager(address, authkey);
        m.dispatch("dummy", PyTuple.EMPTY);
        return m;
    }

    /**
     * Python's {@code BaseManager._create(typeid, *args)}: the server calls the callable registered for
     * {@code typeid} and keeps the result.
     *
     * @param typeid a typeid registered in the server ({@code "dict"}, {@code "list"}, {@code "Queue"} of a
     *     {@code SyncManager}, or an application's)
     * @param args the callable's arguments (values of {@link Pickle}'s mapping)
     * @return a proxy of the result
     * @throws PythonError if the server fails (an unknown typeid, the callable raised: its traceback is included)
     * @throws IllegalStateException if this client is closed
     */
    public PyProxy create(String typeid, Object... args) {
        Objects.requireNonNull(typeid, "typeid");
        checkOpen();
        Object[] request = new Object[args.length + 1];
        request[0] = typeid;
        System.arraycopy(args, 0, request, 1, args.length);
        Object made = dispatch("create", PyTuple.owning(request));
        if (!(made instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof String id)) {
            throw new PickleError("a reply to create that is not (ident, exposed): " + made);
        }
        return adopt(typeid, id, pair.get(1));
    }

    /**
     * The manager method of the docs' example ({@code manager.get_queue()}): the same request as {@link #create},
     * named as the application's {@code register('get_queue', callable=...)} names it.
     *
     * @param typeid the registered name
     * @param args the callable's arguments
     * @return a proxy of what it returned
     * @throws PythonError if the server fails
     * @throws IllegalStateException if this client is closed
     */
    public PyProxy call(String typeid, Object... args) {
        return create(typeid, args);
    }

    /**
     * @param <E> the item type
     * @param proxy a proxy of a {@code queue.Queue} (a {@code SyncManager}'s {@code Queue}, or an application's
     *     queue returned through {@code register})
     * @return a {@link dev.mp4j.multiprocessing.Queue} view of it: {@code put}/{@code get} with timeouts as
     *     Python's, {@code queue.Full}/{@code queue.Empty} as {@link dev.mp4j.multiprocessing.Full}/
     *     {@link dev.mp4j.multiprocessing.Empty}
     */
    public <E> dev.mp4j.multiprocessing.Queue<E> queue(PyProxy proxy) {
        return new PyViews.QueueView<>(remote(proxy));
    }

    /**
     * @param <K> the key type
     * @param <V> the value type
     * @param proxy a proxy of a dict of a {@code SyncManager} (typeid {@code "dict"}: a {@code DictProxy})
     * @return a {@link Map} view of it; each method is one or two calls to the server (see {@link PyViews})
     */
    public <K, V> Map<K, V> dict(PyProxy proxy) {
        return new PyViews.DictView<>(remote(proxy));
    }

    /**
     * @param <E> the item type
     * @param proxy a proxy of a list of a {@code SyncManager} (typeid {@code "list"}: a {@code ListProxy})
     * @return a {@link List} view of it; an index out of range is {@link IndexOutOfBoundsException}
     */
    public <E> List<E> list(PyProxy proxy) {
        return new PyViews.ListView<>(remote(proxy));
    }

    private RemoteProxy remote(PyProxy proxy) {
        if (!(proxy instanceof RemoteProxy r) || r.manager != this) {
            throw new IllegalArgumentException("not a proxy of this PyManager: " + proxy);
        }
        return r;
    }

    /**
     * Drops the references of the proxies still open ({@code decref}) and closes the connections. Idempotent. The
     * server goes on (it is not this client's).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (RemoteProxy.Ref ref : new ArrayList<>(live.keySet())) {
            ref.run();
        }
        for (Connection c; (c = idle.poll()) != null; ) {
            c.close();
        }
    }

    @Override
    public String toString() {
        return "PyManager[" + address + (closed.get() ? ", closed]" : "]");
    }

    // ---- the proxies' side ----

    PyProxy adopt(String typeid, String id, Object exposed) {
        List<String> methods = new ArrayList<>();
        if (exposed instanceof List<?> l) {
            for (Object o : l) {
                methods.add(String.valueOf(o));
            }
        }
        RemoteProxy.Ref ref = new RemoteProxy.Ref(this, id);
        RemoteProxy p = new RemoteProxy(this, typeid, id, List.copyOf(methods), ref);
        live.put(ref, Boolean.TRUE);
        ref.cleanable = CLEANER.register(p, ref);
        return p;
    }

    /** Drops the server's reference of a proxy, once; on a closed client, only after {@link #close} began it. */
    void decref(RemoteProxy.Ref ref) {
        if (live.remove(ref) == null) {
            return;
        }
        try {
            dispatch("decref", new PyTuple(ref.id));
        } catch (RuntimeException e) {
            // the server is gone or refused: nothing is left to release
        }
    }

    /** One request on its own connection, for the server's functions (create, incref, decref, dummy). */
    Object dispatch(String function, PyTuple args) {
        try (Connection c = Connections.client(address, authkey)) {
            return reply(c, request(c, null, function, args));
        }
    }

    /** A method call of a proxied object, on a method connection of the pool. */
    Object callMethod(String id, String method, PyTuple args) {
        checkOpen();
        Connection c = idle.pollFirst();
        if (c == null) {
            c = Connections.client(address, authkey);
            try {
                Object r = reply(c, request(c, null, "accept_connection",
                        new PyTuple("mp4j|" + Thread.currentThread().getName())));
                if (r != null) {
                    throw new PickleError("a reply to accept_connection that is not None: " + r);
                }
            } catch (RuntimeException e) {
                c.close();
                throw e;
            }
        }
        Object result;
        try {
            result = request(c, id, method, args);
        } catch (RuntimeException | Error e) {
            c.close(); // in an unknown state: a reply may still come
            throw e;
        }
        if (closed.get()) {
            c.close();
        } else {
            idle.addFirst(c);
        }
        return reply(c, result);
    }

    private Object request(Connection c, String id, String method, PyTuple args) {
        c.sendBytes(dumper.dumps(new PyTuple(id, method, args, Map.of())));
        return loader.loads(c.recvBytes());
    }

    /** @return the result of a {@code (kind, result)} reply, or throws what it stands for */
    private Object reply(Connection c, Object message) {
        if (!(message instanceof PyTuple t) || t.size() != 2 || !(t.get(0) instanceof String kind)) {
            throw new PickleError("a manager reply that is not (kind, result): " + message);
        }
        Object result = t.get(1);
        switch (kind) {
            case "#RETURN" -> {
                return result;
            }
            case "#PROXY" -> {
                if (!(result instanceof List<?> pair) || pair.size() != 2
                        || !(pair.get(1) instanceof PyObject token) || !token.name().equals("Token")
                        || !(token.state() instanceof List<?> state) || state.size() != 3
                        || !(state.get(0) instanceof String typeid) || !(state.get(2) instanceof String id)) {
                    throw new PickleError("a #PROXY reply that is not (exposed, Token): " + result);
                }
                return adopt(typeid, id, pair.get(0));
            }
            case "#ERROR" -> {
                if (result instanceof PythonError e) {
                    throw e;
                }
                throw new PythonError("multiprocessing.managers.RemoteError", List.of(String.valueOf(result)));
            }
            case "#TRACEBACK" -> throw new PythonError("multiprocessing.managers.RemoteError", List.of(text(result)),
                    text(result));
            case "#UNSERIALIZABLE" -> throw new PythonError("multiprocessing.managers.RemoteError",
                    List.of("Unserializable message: " + text(result)), text(result));
            default -> throw new PickleError("a manager reply of unknown kind " + kind);
        }
    }

    private static String text(Object o) {
        return o instanceof String s ? s : String.valueOf(o);
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this PyManager is closed: " + address);
        }
    }
}
