package dev.mp4j.multiprocessing.managers;

import dev.mp4j.function.SerializableFunction;
import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.function.SerializableSupplier;
import dev.mp4j.internal.conn.SocketConnection;
import dev.mp4j.internal.conn.SocketListener;
import dev.mp4j.internal.managers.Client;
import dev.mp4j.internal.managers.ManagerServer;
import dev.mp4j.internal.managers.Refs;
import dev.mp4j.internal.managers.TypeSpec;
import dev.mp4j.internal.managers.WarmUp;
import dev.mp4j.internal.managers.ManagerMessages;
import dev.mp4j.internal.spi.Managers;
import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.ProcessError;
import dev.mp4j.multiprocessing.RemoteTraceback;

import java.lang.ref.Cleaner;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Python's {@code multiprocessing.managers.BaseManager}: a server that holds shared objects, and the
 * factory of proxies to them.
 *
 * <p>Register typeids first ({@link #register}), then either {@link #start()} a server process,
 * {@linkplain #getServer() serve} in this process, or {@link #connect()} to a server running elsewhere
 * (another JVM, or another machine: give an {@link java.net.InetSocketAddress} and the server's authkey).
 * Then {@link #create} makes a referent in the server and returns a typed proxy to it. Typeids are
 * registered per manager object (Python registers them per class): a subclass registers its own in its
 * constructor.
 *
 * <p>States, guarded by an internal lock:
 * <pre>
 *   INITIAL --start()--&gt; STARTED --shutdown()/close()--&gt; SHUTDOWN
 *   INITIAL --getServer()--&gt; SERVING --shutdown()/close(), or a client's shutdown request--&gt; SHUTDOWN
 *   INITIAL --connect()--&gt; CONNECTED --close()--&gt; SHUTDOWN (the server is not touched)
 *   INITIAL --close()--&gt; SHUTDOWN
 * </pre>
 * {@code create} works in STARTED, SERVING and CONNECTED; in INITIAL it throws {@link IllegalStateException}
 * ("Manager has not been started"), in SHUTDOWN too ("Manager has shut down").
 *
 * <p>The server calls the referents' methods reflectively: a proxy may call a public method declared by a
 * public type that is exported to {@code dev.mp4j}. From the class path every package qualifies; on the
 * module path, open the package of your referent classes to it ({@code opens my.pkg to dev.mp4j;}) unless
 * the methods come from a public interface of an exported package.
 *
 * <p>The server process started by {@link #start()} is a daemon of this process (it is stopped when this
 * JVM exits, and never holds the exit up), though inside it may start processes of its own. It is shut
 * down by {@link #shutdown()}, or when this manager and every proxy it made become unreachable.
 *
 * <p>For example:
 * {@snippet :
 * // the server side: a queue that clients on other machines reach by name
 * Queue<String> queue = Multiprocessing.queue();
 * BaseManager server = new BaseManager(new InetSocketAddress(50000), "abracadabra".getBytes(UTF_8));
 * server.register("get_queue", () -> queue);
 * server.getServer().serveForever();
 *
 * // a client
 * BaseManager client = new BaseManager(new InetSocketAddress("server.example", 50000), "abracadabra".getBytes(UTF_8));
 * client.register("get_queue");
 * client.connect();
 * Queue<String> remote = client.create("get_queue", Queue.class);
 * remote.put("hello");
 * }
 *
 * @since 0.1
 */
public class BaseManager implements AutoCloseable {
    // How a module's manager with no registry of its own (a cluster's) makes register throw, without a public
    // method for it: see Managers.
    static {
        Managers.install((manager, why) -> manager.registrationRefused = why);
    }

    private static final Cleaner CLEANER = Cleaner.create();
    /** The keys of the managers this JVM started, serves or connected to, by address (for proxies received). */
    private static final Map<SocketAddress, byte[]> KNOWN_KEYS = new ConcurrentHashMap<>();

    private enum State { INITIAL, STARTED, SERVING, CONNECTED, SHUTDOWN }

    private final Object lock = new Object();
    private final byte[] authkey;
    private final Context context;
    private final Map<String, TypeSpec> registry = new LinkedHashMap<>();   // guarded by lock
    private volatile SocketAddress address;                                 // set under lock
    private State state = State.INITIAL;                                    // guarded by lock
    private ServerProcess serverProcess;                                    // guarded by lock; STARTED
    private ManagerServer localServer;                                      // guarded by lock; SERVING
    private Cleaner.Cleanable stopper;                                      // guarded by lock; STARTED
    private volatile String registrationRefused;                            // null, or why register throws

    /** A manager whose server will listen on a Unix-domain socket chosen for it, with this process's authkey. */
    public BaseManager() {
        this(null, null, null, Map.of());
    }

    /**
     * @param address where the server listens (an {@link java.net.InetSocketAddress}, port 0 for any free
     *     port, or a {@link java.net.UnixDomainSocketAddress}); null to have one chosen
     * @param authkey the key clients must prove they hold; null for this process's authkey
     * @throws IllegalArgumentException for another kind of address
     */
    public BaseManager(SocketAddress address, byte[] authkey) {
        this(address, authkey, null, Map.of());
    }

    /**
     * @param address where the server listens; null to have one chosen
     * @param authkey the key; null for this process's authkey
     * @param context the context whose start method and JVM options the server process gets; null for the
     *     default context (Python's {@code ctx})
     * @throws IllegalArgumentException for an address that is neither AF_INET nor AF_UNIX
     */
    public BaseManager(SocketAddress address, byte[] authkey, Context context) {
        this(address, authkey, context, Map.of());
    }

    BaseManager(SocketAddress address, byte[] authkey, Context context, Map<String, TypeSpec> types) {
        if (address != null) {
            SocketConnection.checkFamily(address);
        }
        this.address = address;
        this.authkey = authkey != null ? authkey.clone() : Multiprocessing.currentProcess().authkey();
        this.context = context;
        this.registry.putAll(types);
    }

    // ------------------------------------------------------------------------------------ registration

    /**
     * Registers a typeid whose referents {@code callable} makes; proxies may call all its public methods.
     *
     * @param typeid the type identifier
     * @param callable makes a referent (in the server process: it is serialized there with the registry)
     * @throws IllegalStateException after {@code start()} or {@code getServer()}
     * @throws UnsupportedOperationException on a manager that has no registry of its own (a cluster context's,
     *     whose structures are the cluster's), as every {@code register} and {@code registerFactory}
     */
    public final void register(String typeid, SerializableSupplier<?> callable) {
        register(typeid, callable, null, null, null, true);
    }

    /**
     * Python's {@code register(typeid, callable, proxytype, exposed, method_to_typeid, create_method)}.
     *
     * @param typeid the type identifier
     * @param callable makes a referent; null when this manager only connects to a server that has one, or
     *     when the typeid is only reached through another typeid's {@code methodToTypeid}
     * @param proxyInterface the interface the proxies of this typeid implement when a method's result
     *     becomes one of them; null for untyped proxies
     * @param exposed the names of the methods proxies may call; null for all public methods
     * @param methodToTypeid method name to the typeid its result stays in the server as (a proxy is
     *     returned instead of a copy); null for none
     * @param createMethod whether {@link #create} may make this typeid
     * @throws IllegalStateException after {@code start()} or {@code getServer()}
     * @throws IllegalArgumentException if {@code proxyInterface} is not an interface
     */
    public final void register(String typeid, SerializableSupplier<?> callable, Class<?> proxyInterface,
                               List<String> exposed, Map<String, String> methodToTypeid, boolean createMethod) {
        put(new TypeSpec(Objects.requireNonNull(typeid, "typeid"), callable, null, proxyInterface, exposed,
                methodToTypeid, createMethod));
    }

    /**
     * Registers a typeid whose referents are made from {@link #create}'s arguments; proxies may call all
     * their public methods.
     *
     * @param typeid the type identifier
     * @param factory receives {@code create}'s arguments and makes the referent
     * @throws IllegalStateException after {@code start()} or {@code getServer()}
     */
    public final void registerFactory(String typeid, SerializableFunction<Object[], ?> factory) {
        register(typeid, factory, null, null, null);
    }

    /**
     * Python's {@code register(typeid, callable, proxytype, exposed, method_to_typeid)} with a callable that
     * takes arguments: as {@link #registerFactory}, and the referents' proxies limited to {@code exposed},
     * with {@code methodToTypeid}'s results kept in the server, as in the supplier form of
     * {@code register}. {@link #create} may make the typeid (Python's {@code create_method=True}: a factory
     * is only called by {@code create}).
     *
     * @param typeid the type identifier
     * @param factory receives {@code create}'s arguments and makes the referent (in the server process)
     * @param proxyInterface the interface the proxies of this typeid implement when a method's result
     *     becomes one of them; null for untyped proxies
     * @param exposed the names of the methods proxies may call; null for all public methods
     * @param methodToTypeid method name to the typeid its result stays in the server as (a proxy is
     *     returned instead of a copy); null for none
     * @throws IllegalStateException after {@code start()} or {@code getServer()}
     * @throws IllegalArgumentException if {@code proxyInterface} is not an interface
     * @throws NullPointerException if {@code typeid} or {@code factory} is null
     */
    public final void register(String typeid, SerializableFunction<Object[], ?> factory, Class<?> proxyInterface,
                               List<String> exposed, Map<String, String> methodToTypeid) {
        put(new TypeSpec(Objects.requireNonNull(typeid, "typeid"), null, Objects.requireNonNull(factory, "factory"),
                proxyInterface, exposed, methodToTypeid, true));
    }

    /**
     * The client side of a remote manager (Python's {@code register('get_queue')}): the typeid exists in
     * the server this manager connects to.
     *
     * @param typeid the type identifier
     */
    public final void register(String typeid) {
        register(typeid, null, null, null, null, true);
    }

    private void put(TypeSpec spec) {
        String refused = registrationRefused;
        if (refused != null) {
            throw new UnsupportedOperationException(refused);
        }
        synchronized (lock) {
            if (state == State.STARTED || state == State.SERVING) {
                throw new IllegalStateException("register typeids before start() or getServer(): the server has"
                        + " its registry already");
            }
            registry.put(spec.typeid(), spec);
        }
    }

    // ------------------------------------------------------------------------------------ lifecycle

    /**
     * Starts a server process. Waits until it listens.
     *
     * @throws IllegalStateException if this manager was started, connected or shut down
     * @throws IllegalArgumentException if a registered callable cannot be serialized
     * @throws java.io.UncheckedIOException if the server cannot listen on the address (in use, say)
     * @throws ProcessError if the server process fails to start
     */
    public void start() {
        start(null);
    }

    /**
     * Starts a server process that first runs {@code initializer}.
     *
     * @param initializer run in the server process before it serves; null for none (its exception ends
     *     the process and is raised here)
     * @throws IllegalStateException if this manager was started, connected or shut down
     * @throws IllegalArgumentException if a registered callable or the initializer cannot be serialized
     * @throws ProcessError if the server process fails to start
     */
    public void start(SerializableRunnable initializer) {
        synchronized (lock) {
            checkInitial();
            Context ctx = context != null ? context : Multiprocessing.getContext();
            Process p;
            Object got;
            // The server reports on a socket of this JVM: sockets are what both ends use next anyway, where a
            // Pipe would link the rings' native calls in both JVMs for this one message.
            try (SocketListener report = new SocketListener(null, 1, authkey, SocketListener.HANDSHAKE_TIMEOUT, null)) {
                p = ctx.process(ServerProcess.job(ServerProcess.Registry.of(registry), address, authkey,
                        ((UnixDomainSocketAddress) report.address()).getPath().toString(), initializer));
                String kind = getClass().getSimpleName().isEmpty() ? "BaseManager" : getClass().getSimpleName();
                String n = p.name();
                p.setName(kind.concat(n.substring(n.indexOf('-'))));
                p.setDaemon(true);
                p.start();
                // what this JVM's first requests to the server run, done while the server boots and binds
                WarmUp.client();
                got = ServerProcess.awaitReport(report, p);
            }
            if (got instanceof Throwable t) {
                p.join(ServerProcess.SHUTDOWN_TIMEOUT);
                t.addSuppressed(new RemoteTraceback("raised in the manager's server process " + p.name()));
                if (t instanceof RuntimeException e) {
                    throw e;
                }
                throw new ProcessError("the manager's server process failed to start: " + t, t);
            }
            SocketAddress bound = (SocketAddress) got;
            address = bound;
            serverProcess = new ServerProcess(p, bound, authkey);
            stopper = CLEANER.register(this, serverProcess);
            KNOWN_KEYS.put(bound, authkey);
            Refs.startedHere(bound);
            state = State.STARTED;
        }
    }

    /**
     * Python's {@code get_server()}: a server in this process, bound to the address now; call its
     * {@link Server#serveForever()} to serve (it returns once the server is shut down: by
     * {@link #shutdown()} from another thread, or a client's shutdown request). This manager may make
     * proxies meanwhile, from other threads.
     *
     * @return the server
     * @throws IllegalStateException if this manager was started, connected or shut down
     * @throws java.io.UncheckedIOException if the address cannot be bound
     */
    public Server getServer() {
        synchronized (lock) {
            checkInitial();
            ManagerServer s = new ManagerServer(registry, address, authkey);
            localServer = s;
            address = s.address();
            KNOWN_KEYS.put(s.address(), authkey);
            state = State.SERVING;
            return s;
        }
    }

    /**
     * Python's {@code connect()}: uses the server already running at the address.
     *
     * @throws IllegalStateException if this manager was started, connected or shut down, or has no address
     * @throws dev.mp4j.multiprocessing.AuthenticationError if the server refuses this manager's authkey
     * @throws java.io.UncheckedIOException if no server can be reached there
     */
    public void connect() {
        synchronized (lock) {
            checkInitial();
            if (address == null) {
                throw new IllegalStateException("connect() needs the server's address");
            }
            ManagerMessages.Reply r = Client.request(address, authkey, new ManagerMessages.Request(ManagerMessages.PING, 0, 0, null, null, null));
            if (r.kind() != ManagerMessages.RETURN) {
                throw new RemoteError(String.valueOf(r.value()));
            }
            KNOWN_KEYS.put(address, authkey);
            state = State.CONNECTED;
        }
    }

    private void checkInitial() {
        switch (state) {
            case INITIAL -> { }
            case SHUTDOWN -> throw new IllegalStateException("Manager has shut down");
            default -> throw new IllegalStateException("Already started server");
        }
    }

    /**
     * Stops the server: the process {@link #start()} started (a shutdown request; after a second, SIGTERM,
     * then SIGKILL), or the server {@link #getServer()} made. Proxies to it fail from then on. Idempotent.
     *
     * @throws IllegalStateException if this manager was neither started nor serving (a connected manager
     *     does not stop the server it uses)
     */
    public void shutdown() {
        Cleaner.Cleanable stop;
        ManagerServer local;
        SocketAddress a;
        synchronized (lock) {
            switch (state) {
                case SHUTDOWN -> {
                    return;
                }
                case STARTED, SERVING -> { }
                default -> throw new IllegalStateException("shutdown() is only available after start() or"
                        + " getServer()");
            }
            state = State.SHUTDOWN;
            stop = stopper;
            local = localServer;
            a = address;
        }
        if (stop != null) {
            stop.clean();
        }
        if (local != null) {
            local.stop();
        }
        Client.forget(a);
    }

    /**
     * What leaving a try-with-resources block does: {@link #shutdown()} when this manager started or serves
     * a server; otherwise it only marks this manager shut down.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (state != State.STARTED && state != State.SERVING) {
                if (state == State.CONNECTED && address != null) {
                    Client.forget(address);
                }
                state = State.SHUTDOWN;
                return;
            }
        }
        shutdown();
    }

    /** @return the server's address; null before {@code start()} when none was given */
    public SocketAddress address() {
        return address;
    }

    // ------------------------------------------------------------------------------------ proxies

    /**
     * Makes a referent of {@code typeid} in the server and returns a proxy implementing {@code proxyInterface}
     * whose methods call the referent's methods of the same name and parameter types (Python's
     * {@code manager.typeid(*args)}).
     *
     * @param typeid a registered typeid
     * @param proxyInterface the interface the proxy implements
     * @param args the arguments of a factory-registered typeid; none for a supplier-registered one
     * @param <T> the interface
     * @return the proxy (serializable: it may be sent to other processes)
     * @throws IllegalArgumentException if the typeid is not registered or not creatable, if arguments are
     *     given to a supplier-registered typeid, or if {@code proxyInterface} is not an interface
     * @throws IllegalStateException if this manager is not started, serving or connected
     */
    public <T> T create(String typeid, Class<T> proxyInterface, Object... args) {
        Objects.requireNonNull(proxyInterface, "proxyInterface");
        if (!proxyInterface.isInterface()) {
            throw new IllegalArgumentException(proxyInterface.getName() + " is not an interface");
        }
        return proxyInterface.cast(BaseProxy.typed(createProxy(typeid, args), proxyInterface));
    }

    /**
     * Makes a referent of {@code typeid} in the server and returns an untyped proxy to it.
     *
     * @param typeid a registered typeid
     * @param args the arguments of a factory-registered typeid; none for a supplier-registered one
     * @return the proxy
     * @throws IllegalArgumentException if the typeid is not registered or not creatable, or if arguments are
     *     given to a supplier-registered typeid
     * @throws IllegalStateException if this manager is not started, serving or connected
     */
    public BaseProxy createProxy(String typeid, Object... args) {
        Object[] a = args == null ? new Object[0] : args;
        TypeSpec spec;
        SocketAddress at;
        synchronized (lock) {
            checkUsable();
            spec = registry.get(Objects.requireNonNull(typeid, "typeid"));
            at = address;
        }
        if (spec == null) {
            throw new IllegalArgumentException("typeid '" + typeid + "' is not registered with this manager");
        }
        if (!spec.createMethod()) {
            throw new IllegalArgumentException("typeid '" + typeid + "' was registered with createMethod=false");
        }
        if (spec.supplier() != null && a.length > 0) {
            throw new IllegalArgumentException("typeid '" + typeid + "' was registered with a supplier, which takes"
                    + " no arguments (" + a.length + " given)");
        }
        ManagerMessages.Reply r = Client.request(at, authkey, new ManagerMessages.Request(ManagerMessages.CREATE, 0, 0, typeid, null, a));
        BaseProxy maker = new BaseProxy(new ManagerMessages.Token(typeid, 0, 0, at), authkey, this);
        Object made = maker.result(r, null);
        if (!(made instanceof ManagerMessages.ProxyRef ref)) {
            throw new RemoteError("unexpected reply to create: " + made);
        }
        return BaseProxy.adopt(new ManagerMessages.Token(typeid, ref.serverId(), ref.id(), at), authkey, this);
    }

    private void checkUsable() {
        switch (state) {
            case STARTED, SERVING, CONNECTED -> { }
            case INITIAL -> throw new IllegalStateException("Manager has not been started");
            case SHUTDOWN -> throw new IllegalStateException("Manager has shut down");
        }
    }

    // ------------------------------------------------------------------------------------ package

    static byte[] knownKey(SocketAddress address) {
        byte[] k = KNOWN_KEYS.get(address);
        return k == null ? null : k.clone();
    }

    /** @return the server process, or null when this manager did not start one */
    Process serverProcess() {
        synchronized (lock) {
            return serverProcess == null ? null : serverProcess.process;
        }
    }

    private Object debug(byte op, Object... args) {
        SocketAddress at;
        synchronized (lock) {
            checkUsable();
            at = address;
        }
        ManagerMessages.Reply r = Client.request(at, authkey, new ManagerMessages.Request(op, 0, 0, null, null, args));
        if (r.kind() != ManagerMessages.RETURN) {
            throw new RemoteError(String.valueOf(r.value()));
        }
        return r.value();
    }

    /** Python's {@code _number_of_objects()}: how many referents the server holds. */
    int numberOfObjects() {
        return (Integer) debug(ManagerMessages.NUMBER_OF_OBJECTS);
    }

    /** Python's {@code _debug_info()}. */
    String debugInfo() {
        return (String) debug(ManagerMessages.DEBUG_INFO);
    }

    /**
     * Collects garbage in the server and waits until it holds at most {@code atMost} referents.
     *
     * @return how many it holds
     */
    int awaitNumberOfObjects(int atMost, Duration timeout) {
        return (Integer) debug(ManagerMessages.AWAIT_OBJECTS, atMost, timeout);
    }

    /**
     * Waits until exactly {@code n} calls of referents' methods are in progress in the server.
     *
     * @return how many are
     */
    int awaitCalls(int n, Duration timeout) {
        return (Integer) debug(ManagerMessages.AWAIT_CALLS, n, timeout);
    }
}
