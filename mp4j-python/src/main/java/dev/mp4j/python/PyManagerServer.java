package dev.mp4j.python;

import dev.mp4j.function.SerializableSupplier;
import dev.mp4j.multiprocessing.AuthenticationError;
import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.EOFError;
import dev.mp4j.multiprocessing.Listener;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A manager server in this JVM for CPython clients: what a {@code BaseManager} server is to Python clients, with
 * Java objects as the referents. A Python client connects with its own {@code BaseManager} subclass:
 * <pre>
 *   class M(SyncManager): pass                    # SyncManager: its DictProxy, ListProxy and Iterator
 *   M.register('get_dict', proxytype=DictProxy)
 *   M.register('get_list', proxytype=ListProxy)
 *   M.register('get_queue')                       # AutoProxy, from the methods the server exposes
 *   m = M(address=('127.0.0.1', port), authkey=key); m.connect()
 * </pre>
 * and Java registers the same names: {@code server.register("get_dict", () -> map)}. A referent that is a
 * {@link Map} answers as a dict, a {@link List} as a list, a {@link java.util.concurrent.BlockingQueue} as a
 * {@code queue.Queue} ({@code put}/{@code get} with {@code block} and {@code timeout}, {@code queue.Full} and
 * {@code queue.Empty}); any other object exposes no method and only its value ({@code _getvalue()}). Map and list
 * methods hold the referent's monitor, so Java code that synchronizes on the same object sees each call whole.
 *
 * <h2>The protocol</h2>
 * CPython's {@code Server} ({@code managers.py}): each connection is authenticated with the authkey (both
 * challenges), then its first request {@code (None, function, args, kwds)} names one of the server's functions:
 * {@code create}, {@code incref}, {@code decref}, {@code dummy}, {@code get_methods}, {@code number_of_objects},
 * {@code debug_info} (one request, one reply, closed), or {@code accept_connection} (after which the connection
 * carries method calls {@code (ident, method, args, kwds)} until the client closes it). Replies are
 * {@code (#RETURN, result)}, {@code (#ERROR, exception)} for an exception the method raised (Python's
 * {@code KeyError}, {@code IndexError} ...), {@code (#TRACEBACK, text)} for a failure of the server (an unknown
 * typeid or ident, a method not exposed), {@code (#PROXY, (exposed, token))} for {@code dict.__iter__}, and
 * {@code (#UNSERIALIZABLE, text)} for a result mp4j cannot pickle. An object lives while its count of references
 * ({@code create} makes it one, {@code incref}/{@code decref}) is above zero. {@code shutdown} is refused: the
 * server belongs to this JVM, which stops it with {@link #close()}.
 *
 * <h2>Security</h2>
 * The authkey is required. What clients send is read as data only ({@link Pickle}); nothing a client sends names
 * Java code: the callables are the ones registered here, the methods those listed above.
 */
public final class PyManagerServer implements AutoCloseable {
    private final SocketAddress requested;
    private final byte[] authkey;
    private final Map<String, SerializableSupplier<?>> registry = new ConcurrentHashMap<>();
    private final Map<String, Referents.Served> objects = new ConcurrentHashMap<>();
    private final Map<String, Long> refcounts = new HashMap<>(); // guarded by itself
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final Pickle.Loader loader = Pickle.loader();
    private final Pickle.Dumper dumper = Pickle.dumper();
    private volatile Listener listener;
    private volatile boolean closed;
    private long nextId;

    /**
     * @param address where to listen ({@link InetSocketAddress}, port 0 for any free port, or a
     *     {@link UnixDomainSocketAddress}); null for a Unix-domain socket in a private directory
     * @param authkey the key clients must prove they hold
     * @throws IllegalArgumentException if the authkey is null (before anything listens)
     */
    public PyManagerServer(SocketAddress address, byte[] authkey) {
        if (authkey == null) {
            throw new IllegalArgumentException("a PyManagerServer needs an authkey (its clients unpickle what it "
                    + "sends, and it serves Java objects); got null");
        }
        this.requested = address;
        this.authkey = authkey.clone();
    }

    /**
     * Python's {@code BaseManager.register(typeid, callable)}: a client's {@code manager.typeid()} calls
     * {@code callable} here and gets a proxy of the result. Registering after {@link #start} is allowed.
     *
     * @param typeid the name the Python client registers too
     * @param callable makes (or returns) the referent; called once per client request
     */
    public void register(String typeid, SerializableSupplier<?> callable) {
        registry.put(Objects.requireNonNull(typeid, "typeid"), Objects.requireNonNull(callable, "callable"));
    }

    /**
     * Listens and serves, each connection on a virtual thread of its own.
     *
     * @throws IllegalStateException if it was started or closed already
     * @throws UncheckedIOException if the address cannot be bound
     */
    public synchronized void start() {
        if (listener != null || closed) {
            throw new IllegalStateException(closed ? "this PyManagerServer is closed" : "already started");
        }
        Listener l = new Listener(requested, 16, authkey);
        listener = l;
        Thread acceptor = Thread.ofPlatform().daemon().name("mp4j-python-manager-" + l.address()).start(this::accept);
        threads.add(acceptor);
    }

    /**
     * @return the address clients connect to (with the port chosen, for port 0)
     * @throws IllegalStateException if it is not started
     */
    public SocketAddress address() {
        Listener l = listener;
        if (l == null) {
            throw new IllegalStateException("not started");
        }
        return l.address();
    }

    /** Stops listening, closes every client connection and drops every object. Idempotent. */
    @Override
    public void close() {
        Listener l;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            l = listener;
        }
        if (l != null) {
            l.close();
        }
        for (Connection c : open) {
            c.close();
        }
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        objects.clear();
    }

    // ---- serving ----

    private void accept() {
        while (!closed) {
            Connection c;
            try {
                c = listener.accept();
            } catch (AuthenticationError e) {
                continue; // that client is refused; the server goes on
            } catch (RuntimeException e) {
                return; // closed
            }
            open.add(c);
            Thread t = Thread.ofVirtual().unstarted(() -> {
                try {
                    handle(c);
                } finally {
                    open.remove(c);
                    c.close();
                    threads.remove(Thread.currentThread());
                }
            });
            threads.add(t);
            t.start();
            if (closed) {
                c.close();
            }
        }
    }

    private void handle(Connection c) {
        Object[] request;
        try {
            request = request(c);
        } catch (RuntimeException e) {
            return; // not a request (or gone): the connection is dropped, as CPython drops it
        }
        String function = request[1] instanceof String s ? s : null;
        if (request[0] != null || function == null) {
            send(c, traceback("the first request of a connection must call a function of the server, got "
                    + request[1]));
            return;
        }
        if (function.equals("accept_connection")) {
            if (!send(c, new PyTuple("#RETURN", null))) {
                return;
            }
            serveClient(c);
            return;
        }
        Object reply;
        try {
            reply = new PyTuple("#RETURN", function(function, (List<?>) request[2]));
        } catch (RuntimeException e) {
            reply = traceback(e);
        }
        send(c, reply);
    }

    /** @return {ident, methodname, args, kwds}, checked */
    private Object[] request(Connection c) {
        Object r = loader.loads(c.recvBytes());
        if (!(r instanceof List<?> t) || t.size() != 4 || !(t.get(2) instanceof List<?>)
                || !(t.get(3) instanceof Map<?, ?>)) {
            throw new PickleError("a request that is not (ident, methodname, args, kwds): " + r);
        }
        return t.toArray();
    }

    private Object function(String function, List<?> args) {
        switch (function) {
            case "dummy" -> {
                return null;
            }
            case "create" -> {
                if (args.isEmpty() || !(args.get(0) instanceof String typeid)) {
                    throw new IllegalArgumentException("create needs a typeid");
                }
                SerializableSupplier<?> callable = registry.get(typeid);
                if (callable == null) {
                    throw new IllegalArgumentException("typeid " + typeid + " is not registered with this server");
                }
                if (args.size() > 1) {
                    throw new IllegalArgumentException("the callable of " + typeid + " takes no arguments, got "
                            + args.subList(1, args.size()));
                }
                Object referent;
                try {
                    referent = callable.get();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException("the callable of " + typeid + " threw " + e, e);
                }
                Referents.Served served = Referents.of(referent);
                return new PyTuple(keep(served), PyTuple.of(served.exposed()));
            }
            case "incref" -> {
                String id = ident(args);
                synchronized (refcounts) {
                    Long n = refcounts.get(id);
                    if (n == null) {
                        throw new IllegalArgumentException("no object " + id);
                    }
                    refcounts.put(id, n + 1);
                }
                return null;
            }
            case "decref" -> {
                String id = ident(args);
                synchronized (refcounts) {
                    Long n = refcounts.get(id);
                    if (n == null) {
                        throw new IllegalArgumentException("no object " + id);
                    }
                    if (n <= 1) {
                        refcounts.remove(id);
                        objects.remove(id);
                    } else {
                        refcounts.put(id, n - 1);
                    }
                }
                return null;
            }
            case "get_methods" -> {
                Object token = args.isEmpty() ? null : args.get(0);
                String id = token instanceof PyObject p && p.state() instanceof List<?> s && s.size() == 3
                        ? String.valueOf(s.get(2)) : null;
                Referents.Served served = id == null ? null : objects.get(id);
                if (served == null) {
                    throw new IllegalArgumentException("no object for " + token);
                }
                return PyTuple.of(served.exposed());
            }
            case "number_of_objects" -> {
                return (long) objects.size();
            }
            case "debug_info" -> {
                return objects.size() + " objects served by an mp4j PyManagerServer";
            }
            case "shutdown" -> throw new UnsupportedOperationException("this server belongs to a Java process, "
                    + "which stops it; a client cannot shut it down");
            default -> throw new IllegalArgumentException(function + " unrecognized");
        }
    }

    private static String ident(List<?> args) {
        if (args.size() != 1 || !(args.get(0) instanceof String id)) {
            throw new IllegalArgumentException("expected one ident, got " + args);
        }
        return id;
    }

    private String keep(Referents.Served served) {
        String id;
        synchronized (refcounts) {
            id = Long.toHexString(++nextId);
            objects.put(id, served);
            refcounts.put(id, 1L);
        }
        return id;
    }

    private void serveClient(Connection c) {
        while (!closed) {
            Object[] request;
            try {
                request = request(c);
            } catch (EOFError | IllegalStateException | UncheckedIOException e) {
                return; // the client closed, or the server did
            } catch (PickleError e) {
                if (!send(c, traceback(e))) {
                    return;
                }
                continue;
            }
            if (!send(c, call(request))) {
                return;
            }
        }
    }

    private Object call(Object[] request) {
        Object ident = request[0];
        Object method = request[1];
        @SuppressWarnings("unchecked")
        List<Object> args = (List<Object>) request[2];
        Map<?, ?> kwds = (Map<?, ?>) request[3];
        Referents.Served served = ident instanceof String id ? objects.get(id) : null;
        if (served == null) {
            return traceback(new IllegalArgumentException("KeyError: no object " + ident));
        }
        if (!(method instanceof String name)) {
            return traceback(new IllegalArgumentException("a method name that is not a str: " + method));
        }
        try {
            switch (name) {
                case "#GETVALUE" -> {
                    return new PyTuple("#RETURN", served.value());
                }
                case "__str__", "__repr__" -> {
                    return new PyTuple("#RETURN", String.valueOf(served.value()));
                }
                default -> {
                }
            }
            if (!served.exposed().contains(name)) {
                return traceback(new IllegalArgumentException("AttributeError: method '" + name
                        + "' of the served object is not exposed (exposed: " + served.exposed() + ")"));
            }
            Object result = served.call(name, args, kwds);
            String typeid = served.typeidOf(name);
            if (typeid != null) {
                Referents.Served proxied = Referents.of(result);
                String id = keep(proxied);
                PyObject token = PyObject.viaNew("multiprocessing.managers", "Token", List.of(),
                        new PyTuple(typeid, addressForPython(), id));
                return new PyTuple("#PROXY", new PyTuple(PyTuple.of(proxied.exposed()), token));
            }
            return new PyTuple("#RETURN", result);
        } catch (PythonError e) {
            return new PyTuple("#ERROR", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return traceback(e);
        } catch (RuntimeException e) {
            return traceback(e);
        }
    }

    private Object addressForPython() {
        SocketAddress a = address();
        if (a instanceof InetSocketAddress i) {
            return new PyTuple(i.getHostString(), (long) i.getPort());
        }
        return a instanceof UnixDomainSocketAddress u ? u.getPath().toString() : a.toString();
    }

    private static PyTuple traceback(Throwable e) {
        StringWriter w = new StringWriter();
        w.append("Traceback (from the mp4j PyManagerServer, Java):\n");
        e.printStackTrace(new PrintWriter(w));
        return new PyTuple("#TRACEBACK", w.toString());
    }

    private static PyTuple traceback(String message) {
        return new PyTuple("#TRACEBACK", "Traceback (from the mp4j PyManagerServer):\n" + message + "\n");
    }

    /** @return whether the reply went out (false: the connection is gone) */
    private boolean send(Connection c, Object reply) {
        byte[] data;
        try {
            data = dumper.dumps(reply);
        } catch (IllegalArgumentException e) {
            data = dumper.dumps(new PyTuple("#UNSERIALIZABLE", e.toString()));
        }
        try {
            c.sendBytes(data);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        Listener l = listener;
        return "PyManagerServer[" + (l == null ? "not started" : l.address()) + (closed ? ", closed]" : "]");
    }

    /** @return a snapshot of the idents served (tests) */
    List<String> idents() {
        return new ArrayList<>(objects.keySet());
    }
}
