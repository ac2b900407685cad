package dev.mp4j.internal.managers;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.conn.SocketConnection;
import dev.mp4j.internal.conn.SocketListener;
import dev.mp4j.internal.ring.Pids;
import dev.mp4j.internal.util.LazyLogger;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.internal.util.Urandom;
import dev.mp4j.multiprocessing.AuthenticationError;
import dev.mp4j.multiprocessing.EOFError;
import dev.mp4j.multiprocessing.managers.Server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * A manager's server (Python's {@code managers.Server}): listens with the authkey, holds the referents in a
 * table with reference counts, and serves each authenticated connection on a thread of its own (see
 * {@link ManagerMessages} for the messages).
 *
 * <p>States: listening (made: bound, accepting once {@link #serveForever()} runs) --{@link #stop()} or a
 * SHUTDOWN request--&gt; stopped (listener closed, every connection closed, threads blocked in a referent's
 * method interrupted). {@code serveForever} returns when the server stops; on an interrupt it stops the
 * server and throws {@link InterruptedError}.
 *
 * <p>Locks: {@code table} (its monitor) guards {@code objects}, {@code ids} and {@code nextId}; a referent's
 * method is never called while holding it. Each {@link Session}'s monitor guards its call state. The
 * referents themselves are called from several threads at once (one per client thread), as Python's are.
 *
 * <p>A client that goes away while its call blocks in the server (its JVM killed in a queue's {@code get},
 * its thread interrupted in a lock's {@code acquire}) closes its connection; the {@link Watchdog} sees that
 * and interrupts the call, so the server does not later take an item or a lock for nobody.
 *
 * <p>A client process that dies holding references (killed, or ended by SIGTERM, which runs no exit hook, as
 * in Python): on a Unix-domain socket each connection names its process first (HELLO), and the references
 * counted through a process's connections are its own. Once it has no connection left and is found dead (its
 * pid gone, or reused by a process started at another time), they are given back, so the referents it alone
 * kept go (Python's server keeps them until it stops). TCP clients may be on other hosts, where a pid says
 * nothing: their references keep Python's rule.
 */
public final class ManagerServer implements Server {
    private static final System.Logger LOG = LazyLogger.of("dev.mp4j.multiprocessing.managers");
    /** The servers made in this JVM, by address: proxies unpickled here count their references directly. */
    private static final Map<SocketAddress, ManagerServer> LOCAL = new ConcurrentHashMap<>();
    private static final AtomicInteger SESSIONS = new AtomicInteger();
    /** The server whose thread runs a typeid's callable (for callables that take referents by id). */
    private static final ThreadLocal<ManagerServer> CURRENT = new ThreadLocal<>();

    private final Map<String, TypeSpec> registry;
    private final SocketListener listener;
    private final SocketAddress address;
    private final long serverId;
    private final Watchdog watchdog;

    private final Object table = new Object();
    private final Map<Long, Entry> objects = new HashMap<>();        // guarded by table
    private final Map<Object, Long> ids = new IdentityHashMap<>();  // guarded by table
    private long nextId;                                            // guarded by table

    /** The references each client process on this host counted through its connections (HELLO). */
    private final Map<Owner, Map<Long, Integer>> held = new HashMap<>();      // guarded by table
    /** Each such process's open connections. */
    private final Map<Owner, Integer> connected = new HashMap<>();           // guarded by table
    /** Processes with references and no connection left: given back their references once found dead. */
    private final Set<Owner> orphans = new HashSet<>();                      // guarded by table

    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final Map<String, Set<String>> exposedSets = new ConcurrentHashMap<>(); // by typeid
    private final Object calls = new Object();
    private int inCall;                   // guarded by calls: referent calls in progress
    private boolean serving;              // guarded by this
    private volatile boolean stopped;     // set under this

    /** One referent in the table. */
    private static final class Entry {
        final Object obj;
        TypeSpec spec;   // guarded by table
        int refs;        // guarded by table

        Entry(Object obj, TypeSpec spec) {
            this.obj = obj;
            this.spec = spec;
        }
    }

    /**
     * A client process on this host, as its HELLO named it ({@link Pids}). Its hash and equality are written
     * out: a record's are linked through method handles on first use, which a server's first client waits for.
     */
    private record Owner(int pid, int start) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Owner w && w.pid == pid && w.start == start;
        }

        @Override
        public int hashCode() {
            return pid * 31 + start;
        }
    }

    /**
     * Binds the listener.
     *
     * @param registry the typeids this server can make and serve
     * @param address where to listen; null for a Unix-domain socket in a private temporary directory
     * @param authkey the key clients must prove they hold
     * @throws UncheckedIOException if the address cannot be bound
     */
    public ManagerServer(Map<String, TypeSpec> registry, SocketAddress address, byte[] authkey) {
        this.registry = Map.copyOf(registry);
        this.listener = new SocketListener(address, 128, authkey.clone(), SocketListener.HANDSHAKE_TIMEOUT, null);
        this.address = listener.address();
        long id;
        do {
            id = java.nio.ByteBuffer.wrap(Urandom.bytes(8)).getLong();
        } while (id == 0);
        this.serverId = id;
        try {
            this.watchdog = new Watchdog();
        } catch (IOException e) {
            listener.close();
            throw new UncheckedIOException("cannot open a selector", e);
        }
        LOCAL.put(this.address, this);
    }

    /**
     * @param address an address
     * @param serverId a server lifetime
     * @return the server of this JVM with both, or null
     */
    public static ManagerServer local(SocketAddress address, long serverId) {
        ManagerServer s = LOCAL.get(address);
        return s != null && s.serverId == serverId && !s.stopped ? s : null;
    }

    @Override
    public SocketAddress address() {
        return address;
    }

    /** @return this server's lifetime id */
    public long serverId() {
        return serverId;
    }

    /**
     * Accepts and serves connections until the server stops.
     *
     * @throws IllegalStateException if it is already serving, or stopped
     * @throws InterruptedError if the thread is interrupted (the server is stopped first)
     */
    @Override
    public void serveForever() {
        synchronized (this) {
            if (stopped) {
                throw new IllegalStateException("the server is stopped");
            }
            if (serving) {
                throw new IllegalStateException("the server is already serving");
            }
            serving = true;
        }
        Thread.ofPlatform().daemon().name("mp4j-manager-watchdog").start(watchdog);
        try {
            while (!stopped) {
                SocketConnection c;
                try {
                    c = listener.accept();
                } catch (AuthenticationError e) {
                    log(System.Logger.Level.DEBUG, "refused a client: " + e.getMessage());
                    continue;
                } catch (IllegalStateException closed) {
                    break;
                } catch (UncheckedIOException e) {
                    if (stopped) {
                        break;
                    }
                    log(System.Logger.Level.WARNING, "accept failed: " + e.getMessage());
                    continue;
                }
                Session s = new Session(c);
                sessions.add(s);
                if (stopped) {
                    s.close();
                    break;
                }
                s.thread.start();
            }
        } finally {
            stop();
        }
    }

    /** Stops listening, closes every connection and interrupts calls in progress; idempotent. */
    public void stop() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        LOCAL.remove(address, this);
        listener.close();
        watchdog.close();
        for (Session s : sessions) {
            s.close();
        }
        synchronized (table) {
            table.notifyAll();
        }
    }

    /** @return whether the server was stopped */
    public boolean stopped() {
        return stopped;
    }

    // ------------------------------------------------------------------------------------ the table

    /** Puts a referent in the table (or counts one more reference to it, the session's) and returns its id. */
    private long register(Object obj, TypeSpec spec, Session session) {
        synchronized (table) {
            Long known = ids.get(obj);
            long id;
            if (known != null) {
                Entry e = objects.get(known);
                e.refs++;
                e.spec = spec;
                id = known;
            } else {
                id = ++nextId;
                Entry e = new Entry(obj, spec);
                e.refs = 1;
                objects.put(id, e);
                ids.put(obj, id);
            }
            own(session, id, 1);
            return id;
        }
    }

    /** Counts a reference as the session's process's (or one fewer); nothing for a session without HELLO. */
    private void own(Session session, long id, int delta) {
        Owner o = session.owner;
        if (o == null) {
            return;
        }
        Map<Long, Integer> refs = held.get(o);
        if (refs == null) {
            refs = new HashMap<>();
            held.put(o, refs);
        }
        int n = refs.getOrDefault(id, 0) + delta;
        if (n > 0) {
            refs.put(id, n);
        } else {
            refs.remove(id);
            if (refs.isEmpty()) {
                held.remove(o);
                orphans.remove(o);
            }
        }
    }

    /** HELLO: the session's references are counted as its process's, on a Unix-domain socket only (this host). */
    private ManagerMessages.Reply hello(ManagerMessages.Request req, Session session) {
        if (address instanceof UnixDomainSocketAddress && session.owner == null && req.args().length == 2
                && req.args()[0] instanceof Integer pid && req.args()[1] instanceof Integer start) {
            synchronized (table) {
                session.owner = new Owner(pid, start);
                Integer n = connected.get(session.owner);
                connected.put(session.owner, n == null ? 1 : n + 1);
                orphans.remove(session.owner);
            }
        }
        return new ManagerMessages.Reply(ManagerMessages.RETURN, null);
    }

    /** A session ended: a process left with references and no connection is checked by {@link #reclaim}. */
    private void disconnected(Session session) {
        Owner o = session.owner;
        if (o == null) {
            return;
        }
        synchronized (table) {
            Integer n = connected.get(o);
            if (n == null || n <= 1) {
                connected.remove(o);
                if (held.containsKey(o)) {
                    orphans.add(o);
                }
            } else {
                connected.put(o, n - 1);
            }
        }
    }

    /**
     * Gives back the references of the processes that died holding them (killed, or ended without running
     * their exit hooks): a process has none of its connections left when it is found dead, so no request of
     * its can still arrive. Logged at WARNING with what was given back.
     */
    private void reclaim() {
        List<Owner> candidates;
        synchronized (table) {
            if (orphans.isEmpty()) {
                return;
            }
            candidates = new ArrayList<>(orphans);
        }
        for (Owner o : candidates) {
            if (Pids.alive(o.pid(), o.start())) {
                continue;
            }
            Map<Long, Integer> refs;
            synchronized (table) {
                if (connected.containsKey(o) || !orphans.remove(o)) {
                    continue;
                }
                refs = held.remove(o);
            }
            if (refs == null) {
                continue;
            }
            int count = 0;
            for (Map.Entry<Long, Integer> r : refs.entrySet()) {
                for (int i = 0; i < r.getValue(); i++) {
                    decref(r.getKey());
                    count++;
                }
            }
            log(System.Logger.Level.WARNING, "gave back " + count + " reference(s) to " + refs.size()
                    + " shared object(s) held by process " + o.pid() + ", which died holding them");
        }
    }

    /**
     * One more reference to a referent.
     *
     * @param id its id
     * @return false if there is no such referent
     */
    public boolean incref(long id) {
        synchronized (table) {
            Entry e = objects.get(id);
            if (e == null) {
                return false;
            }
            e.refs++;
            return true;
        }
    }

    private boolean incref(long id, Session session) {
        synchronized (table) {
            if (!incref(id)) {
                return false;
            }
            own(session, id, 1);
            return true;
        }
    }

    private void decref(long id, Session session) {
        synchronized (table) {
            own(session, id, -1);
        }
        decref(id);
    }

    /**
     * One reference fewer; the referent leaves the table at zero. An unknown id is ignored.
     *
     * @param id its id
     */
    public void decref(long id) {
        Object gone = null;
        synchronized (table) {
            Entry e = objects.get(id);
            if (e != null && --e.refs <= 0) {
                objects.remove(id);
                ids.remove(e.obj);
                gone = e.obj;
                table.notifyAll();
            }
        }
        if (gone != null) {
            log(System.Logger.Level.DEBUG, "disposed of object with id 0x" + Long.toHexString(id));
        }
    }

    /**
     * @return the server running the typeid callable that calls this
     * @throws IllegalStateException outside such a callable
     */
    public static ManagerServer current() {
        ManagerServer s = CURRENT.get();
        if (s == null) {
            throw new IllegalStateException("not in a manager's server making a shared object");
        }
        return s;
    }

    /**
     * @param serverId the lifetime the id belongs to
     * @param id a referent's id
     * @return the referent
     * @throws IllegalArgumentException if {@code serverId} is not this server's, or the id is not in the table
     */
    public Object referent(long serverId, long id) {
        if (serverId != this.serverId) {
            throw new IllegalArgumentException("the shared object belongs to another manager's server");
        }
        synchronized (table) {
            Entry e = objects.get(id);
            if (e == null) {
                throw new IllegalArgumentException("no shared object with id 0x" + Long.toHexString(id)
                        + " (it was released)");
            }
            return e.obj;
        }
    }

    /** @return how many referents the table holds */
    public int numberOfObjects() {
        synchronized (table) {
            return objects.size();
        }
    }

    private int awaitObjects(int atMost, Duration timeout) {
        System.gc(); // proxies held by referents that left the table release theirs when collected
        return awaitOn(table, () -> objects.size() <= atMost, objects::size, timeout);
    }

    private int awaitCalls(int n, Duration timeout) {
        return awaitOn(calls, () -> inCall == n, () -> inCall, timeout);
    }

    /**
     * Waits on {@code monitor} (whose changes are notified on it) until {@code done}, the server's stop or the
     * timeout, whichever comes first.
     *
     * @param done read holding the monitor
     * @param count read holding the monitor, at the end
     * @return the last {@code count}
     */
    private int awaitOn(Object monitor, BooleanSupplier done, IntSupplier count, Duration timeout) {
        long deadline = Timeouts.deadline(Timeouts.toNanos(timeout));
        synchronized (monitor) {
            while (!done.getAsBoolean() && !stopped) {
                long left = Timeouts.remaining(deadline);
                if (left == 0) {
                    break;
                }
                try {
                    monitor.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    throw InterruptedError.restore(e);
                }
            }
            return count.getAsInt();
        }
    }

    private void counted(int delta) {
        synchronized (calls) {
            inCall += delta;
            calls.notifyAll();
        }
    }

    /** @return a line per referent: id, reference count, typeid and class */
    public String debugInfo() {
        List<Object[]> rows = new ArrayList<>();
        synchronized (table) {
            for (Map.Entry<Long, Entry> e : objects.entrySet()) {
                rows.add(new Object[] {e.getKey(), e.getValue().refs, e.getValue().spec.typeid(), e.getValue().obj});
            }
        }
        StringBuilder sb = new StringBuilder();
        for (Object[] r : rows) {
            String text = r[3].getClass().getName(); // not its toString: it may call proxies, even of itself
            sb.append(String.format("0x%x:  refcount=%d  typeid='%s'%n    %s%n", r[0], r[1], r[2], text));
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------ requests

    /** Answers one request; null when the client went away during the call (nothing to answer). */
    private ManagerMessages.Reply handle(ManagerMessages.Request req, Session session) {
        return switch (req.op()) {
            case ManagerMessages.PING, ManagerMessages.SHUTDOWN -> new ManagerMessages.Reply(ManagerMessages.RETURN, null);
            case ManagerMessages.CALL -> call(req, session);
            case ManagerMessages.CREATE -> create(req, session);
            case ManagerMessages.INCREF -> {
                if (req.serverId() != serverId) {
                    yield stale();
                }
                yield incref(req.id(), session) ? new ManagerMessages.Reply(ManagerMessages.RETURN, null)
                        : failure("no shared object with id 0x" + Long.toHexString(req.id()) + " (it was released)");
            }
            case ManagerMessages.DECREF -> {
                if (req.serverId() == serverId) {
                    decref(req.id(), session);
                }
                yield new ManagerMessages.Reply(ManagerMessages.RETURN, null);
            }
            case ManagerMessages.DECREF_MANY -> {
                if (req.serverId() == serverId && req.args().length == 1 && req.args()[0] instanceof long[] many) {
                    for (long id : many) {
                        decref(id, session);
                    }
                }
                yield new ManagerMessages.Reply(ManagerMessages.RETURN, null);
            }
            case ManagerMessages.HELLO -> hello(req, session);
            case ManagerMessages.NUMBER_OF_OBJECTS -> new ManagerMessages.Reply(ManagerMessages.RETURN, numberOfObjects());
            case ManagerMessages.DEBUG_INFO -> new ManagerMessages.Reply(ManagerMessages.RETURN, debugInfo());
            case ManagerMessages.AWAIT_OBJECTS -> new ManagerMessages.Reply(ManagerMessages.RETURN,
                    awaitObjects((Integer) req.args()[0], (Duration) req.args()[1]));
            case ManagerMessages.AWAIT_CALLS -> new ManagerMessages.Reply(ManagerMessages.RETURN,
                    awaitCalls((Integer) req.args()[0], (Duration) req.args()[1]));
            default -> failure("unknown request " + req.op());
        };
    }

    private static ManagerMessages.Reply failure(String message) {
        return new ManagerMessages.Reply(ManagerMessages.FAILURE, message);
    }

    private static ManagerMessages.Reply stale() {
        return failure("the proxy belongs to an earlier server at this address (the manager was shut down and"
                + " another one started there)");
    }

    private ManagerMessages.Reply call(ManagerMessages.Request req, Session session) {
        if (req.serverId() != serverId) {
            return stale();
        }
        Entry e;
        TypeSpec spec;
        synchronized (table) {
            e = objects.get(req.id());
            spec = e == null ? null : e.spec;
        }
        if (e == null) {
            return failure("no shared object with id 0x" + Long.toHexString(req.id()) + " (it was released)");
        }
        Object obj = e.obj;
        String name = req.name();
        if (ManagerMessages.GET_VALUE.equals(name)) {
            return new ManagerMessages.Reply(ManagerMessages.RETURN, obj);
        }
        Object[] args = req.args();
        if (!Methods.isObjectMethod(name, args.length)) {
            Set<String> exposed = spec.exposed() != null
                    ? exposedSets.computeIfAbsent(spec.typeid(), t -> Set.copyOf(spec.exposed()))
                    : Methods.publicNames(obj.getClass());
            if (!exposed.contains(name)) {
                return failure("method '" + name + "' of " + obj.getClass().getName() + " object is not in exposed="
                        + new java.util.TreeSet<>(exposed));
            }
        }
        Invoker m;
        try {
            m = Methods.find(obj.getClass(), name, req.signature(), args);
        } catch (NoSuchMethodException | ClassNotFoundException ex) {
            return failure("cannot call " + name + ManagerMessages.list(req.signature()) + " on " + obj.getClass().getName() + ": "
                    + ex.getMessage());
        }
        Object result;
        session.enterCall();
        try {
            result = m.invoke(obj, args);
        } catch (InvocationTargetException ex) {
            if (session.leaveCall()) {
                return null;
            }
            return new ManagerMessages.Reply(ManagerMessages.ERROR, ManagerMessages.portable(ex.getCause()));
        } catch (IllegalAccessException | IllegalArgumentException ex) {
            session.leaveCall();
            return failure("cannot call " + m.method + " with " + args.length + " argument(s): " + ex);
        } catch (RuntimeException | Error ex) {
            session.leaveCall();
            throw ex;
        }
        if (session.leaveCall()) {
            return null;
        }
        String typeid = spec.methodToTypeid().get(name);
        if (typeid != null && result != null) {
            TypeSpec rs = registry.get(typeid);
            if (rs == null) {
                return failure("method " + name + " returns typeid '" + typeid + "', which this server does not know");
            }
            long id = register(result, rs, session);
            return new ManagerMessages.Reply(ManagerMessages.PROXY, new ManagerMessages.ProxyRef(typeid, serverId, id,
                    rs.proxyInterface() == null ? null : rs.proxyInterface().getName()));
        }
        return new ManagerMessages.Reply(ManagerMessages.RETURN, result);
    }

    private ManagerMessages.Reply create(ManagerMessages.Request req, Session session) {
        String typeid = req.name();
        TypeSpec spec = typeid == null ? null : registry.get(typeid);
        if (spec == null) {
            return new ManagerMessages.Reply(ManagerMessages.ERROR, ManagerMessages.portable(new IllegalArgumentException(
                    "typeid '" + typeid + "' is not registered with the manager's server")));
        }
        Object[] args = req.args();
        if (!spec.hasCallable()) {
            return new ManagerMessages.Reply(ManagerMessages.ERROR, ManagerMessages.portable(new IllegalArgumentException(
                    "typeid '" + typeid + "' has no callable in the manager's server: it cannot be created")));
        }
        if (spec.supplier() != null && args.length > 0) {
            return new ManagerMessages.Reply(ManagerMessages.ERROR, ManagerMessages.portable(new IllegalArgumentException("typeid '" + typeid
                    + "' was registered with a supplier, which takes no arguments (" + args.length + " given)")));
        }
        Object obj;
        session.enterCall();
        CURRENT.set(this);
        try {
            obj = spec.supplier() != null ? spec.supplier().get() : spec.factory().apply(args);
        } catch (Exception ex) {
            if (session.leaveCall()) {
                return null;
            }
            return new ManagerMessages.Reply(ManagerMessages.ERROR, ManagerMessages.portable(ex));
        } catch (Error ex) {
            session.leaveCall();
            throw ex;
        } finally {
            CURRENT.remove();
        }
        if (session.leaveCall()) {
            return null;
        }
        if (obj == null) {
            return new ManagerMessages.Reply(ManagerMessages.ERROR, ManagerMessages.portable(new IllegalArgumentException(
                    "the callable of typeid '" + typeid + "' returned null")));
        }
        long id = register(obj, spec, session);
        return new ManagerMessages.Reply(ManagerMessages.RETURN, new ManagerMessages.ProxyRef(typeid, serverId, id,
                spec.proxyInterface() == null ? null : spec.proxyInterface().getName()));
    }

    private static void log(System.Logger.Level level, String message) {
        if (LOG.isLoggable(level)) {
            LOG.log(level, message);
        }
    }

    // ------------------------------------------------------------------------------------ connections

    /**
     * One client connection and the thread serving it. Call state, guarded by this: IDLE --enterCall--&gt;
     * IN_CALL --leaveCall--&gt; IDLE, or IN_CALL --the watchdog finds the client gone--&gt; ABORTED (the thread
     * is interrupted) --leaveCall--&gt; IDLE, and the session ends without answering.
     */
    private final class Session implements Runnable {
        private static final int IDLE = 0;
        private static final int IN_CALL = 1;
        private static final int ABORTED = 2;

        final SocketConnection conn;
        final Thread thread;
        /** The client's process (HELLO), or null; set under {@code table} by the session thread. */
        Owner owner;
        private SelectionKey key;   // set by the session thread before its first call
        private int state;          // guarded by this
        /** Whether the watchdog watches the connection (its key's interest is OP_READ). */
        private boolean armed;      // guarded by this

        Session(SocketConnection conn) {
            this.conn = conn;
            this.thread = Thread.ofPlatform().daemon().name("mp4j-manager-session-" + SESSIONS.incrementAndGet())
                    .unstarted(this);
        }

        @Override
        public void run() {
            try {
                key = watchdog.register(conn, this);
                serve();
            } catch (IOException | RuntimeException e) {
                if (!stopped) {
                    log(System.Logger.Level.DEBUG, "connection ended: " + e);
                }
            } finally {
                close();
                sessions.remove(this);
                disconnected(this);
            }
        }

        private void serve() {
            while (!stopped) {
                byte[] frame;
                try {
                    frame = conn.recvBytes();
                } catch (EOFError | IllegalStateException gone) {
                    return;
                }
                ManagerMessages.Request req;
                ManagerMessages.Reply reply;
                try {
                    req = ManagerMessages.decodeRequest(frame);
                    reply = handle(req, this);
                } catch (IOException | ClassNotFoundException e) {
                    req = null;
                    reply = failure("cannot read the request: " + e);
                } catch (InterruptedError e) {
                    return; // stopped meanwhile
                } catch (RuntimeException | StackOverflowError e) {
                    req = null;
                    reply = failure("the server failed: " + e);
                }
                if (reply == null) {
                    return; // the client went away during its call
                }
                byte[] out;
                try {
                    out = ManagerMessages.encodeReply(reply);
                } catch (IllegalArgumentException e) {
                    String what = reply.value() == null ? "null" : reply.value().getClass().getName();
                    out = ManagerMessages.encodeReply(failure("the result (" + what + ") cannot be sent back: "
                            + (e.getCause() != null ? e.getCause() : e)));
                }
                conn.sendBytes(out);
                if (req != null && req.op() == ManagerMessages.SHUTDOWN) {
                    stop();
                    return;
                }
            }
        }

        void enterCall() {
            counted(1);
            synchronized (this) {
                state = IN_CALL;
            }
        }

        /** @return whether the client went away during the call (the interrupt is then cleared) */
        boolean leaveCall() {
            synchronized (this) {
                if (armed) {
                    watchdog.disarm(key);
                    armed = false;
                }
                boolean aborted = state == ABORTED;
                if (aborted) {
                    Thread.interrupted();
                }
                state = IDLE;
                counted(-1);
                return aborted || stopped;
            }
        }

        /**
         * The watchdog's round: a call in progress has its connection watched from now until it ends (a call
         * is entered after the key is set, under this monitor).
         */
        synchronized void watchIfInCall() {
            if (state == IN_CALL && !armed) {
                watchdog.arm(key);
                armed = true;
            }
        }

        /**
         * The watchdog saw the connection readable: during a call that means the client is gone. The watch
         * stops, unless the call goes on with its client there.
         */
        synchronized void check() {
            if (state != IN_CALL) {
                return;
            }
            boolean gone;
            try {
                gone = conn.poll();
            } catch (RuntimeException e) {
                gone = true;
            }
            if (gone) {
                state = ABORTED;
                thread.interrupt();
                watchdog.disarm(key);
                armed = false;
            }
        }

        void close() {
            conn.close();
            if (stopped && Thread.currentThread() != thread) {
                thread.interrupt();
            }
        }
    }

    /**
     * Watches the connections of sessions in a call: one selector, a key per session whose interest is
     * OP_READ only during a call. A client sends nothing while its call runs, so a connection that becomes
     * readable then was closed (or is misused): the session is told to abort the call. A call does not arm
     * its key itself (that would cost every call two interest changes): the watchdog arms those in progress
     * every {@link #SLICE_MILLIS} ms, so a call is watched once it has lasted up to that long, which is when
     * it matters; the call disarms its key when it ends, if it was armed.
     */
    private final class Watchdog implements Runnable {
        private static final long SLICE_MILLIS = 100;
        /** How often processes that left references and no connection are checked ({@link #reclaim}). */
        private static final long RECLAIM_NANOS = 500_000_000L;
        private final Selector selector;

        Watchdog() throws IOException {
            this.selector = Selector.open();
        }

        SelectionKey register(SocketConnection c, Session s) throws IOException {
            return c.channel().register(selector, 0, s);
        }

        void arm(SelectionKey k) {
            try {
                k.interestOps(SelectionKey.OP_READ);
            } catch (CancelledKeyException | ClosedSelectorException ignored) {
                // the connection or the server is closing
            }
        }

        void disarm(SelectionKey k) {
            try {
                k.interestOps(0);
            } catch (CancelledKeyException | ClosedSelectorException ignored) {
                // the connection or the server is closing
            }
        }

        @Override
        public void run() {
            long sweep = System.nanoTime();
            try {
                while (!stopped) {
                    if (System.nanoTime() - sweep >= RECLAIM_NANOS) {
                        reclaim();
                        sweep = System.nanoTime();
                    }
                    for (Session s : sessions) {
                        s.watchIfInCall();
                    }
                    selector.select(SLICE_MILLIS);
                    for (SelectionKey k : selector.selectedKeys()) {
                        ((Session) k.attachment()).check();
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException | ClosedSelectorException e) {
                // closed
            }
        }

        void close() {
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }
}
