package dev.mp4j.multiprocessing.managers;

import dev.mp4j.internal.managers.Client;
import dev.mp4j.internal.managers.ManagerServer;
import dev.mp4j.internal.managers.Refs;
import dev.mp4j.internal.managers.ManagerMessages;
import dev.mp4j.internal.spi.Pools;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pool;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletionException;

/**
 * Python's {@code managers.BaseProxy}: a handle on an object (its <em>referent</em>) that lives in a
 * manager's server. {@link #callMethod} calls one of the referent's methods there and returns a copy of the
 * result; the referent's exception is raised here, unchanged when unchecked (checked ones arrive wrapped
 * in {@link CompletionException}), carrying a suppressed
 * {@link dev.mp4j.multiprocessing.RemoteTraceback} that names the server's process. A call the server
 * cannot make (a method that is not exposed, a released referent ...) raises {@link RemoteError}.
 *
 * <p>Typed proxies ({@link BaseManager#create}) and the proxies of a {@link SyncManager} wrap one of
 * these; {@link #of(Object)} finds it.
 *
 * <p>Reference counting, as Python's: the server counts one reference per proxy object. A proxy made here
 * counts the reference its server made for it; a proxy deserialized in any process (sent through a queue,
 * captured by a child's target, or as an argument of another proxy's call) counts one more. The reference
 * is given back when the proxy becomes unreachable (a {@link java.lang.ref.Cleaner}), when a process exits,
 * or, for a queue proxy, on {@code close()}; the referent leaves the server with its last reference.
 *
 * <p>Authentication, as Python's: the authkey is not serialized with the proxy; the receiving process uses
 * the key of a manager it has for the same address, else its own {@link
 * dev.mp4j.multiprocessing.Process#authkey()} (inherited from its parent). Only when a proxy is sent to a
 * child being started (captured by its target) does it carry its key: the child reads it before it knows
 * its own.
 *
 * <p>Thread-safe: each thread talks to the server on its own connection.
 *
 * @since 0.1
 */
public class BaseProxy implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final ManagerMessages.Token token;
    private transient byte[] authkey;
    /** Keeps the manager that made this proxy reachable (its server stops when the manager is collected). */
    @SuppressWarnings({"unused", "serial"})
    private transient Object owner;
    /** Gives this proxy's reference back; null when it holds none. */
    private transient Cleaner.Cleanable ref;
    private transient volatile boolean released;
    /**
     * The line to the server of the thread that called last, kept for its next call. It keeps that thread's
     * connection reachable after the thread ends, until another thread calls or this proxy is collected.
     */
    private transient volatile Client.Line line;

    BaseProxy(ManagerMessages.Token token, byte[] authkey, Object owner) {
        this.token = token;
        this.authkey = authkey;
        this.owner = owner;
    }

    /** A proxy for a reference its server counted for it. */
    static BaseProxy adopt(ManagerMessages.Token token, byte[] authkey, Object owner) {
        BaseProxy p = new BaseProxy(token, authkey, owner);
        p.ref = Refs.track(p, token, authkey);
        return p;
    }

    /**
     * Python's {@code _callmethod}: calls a method of the referent, chosen by name and by the runtime types
     * of the arguments (the most specific public method that accepts them).
     *
     * @param name the method's name
     * @param args its arguments (serializable; proxies are fine)
     * @return a copy of the result, or a proxy when the method's typeid registration maps it to a typeid
     *     (typed when an interface is registered for that typeid)
     * @throws RemoteError if the server cannot make the call
     * @throws IllegalArgumentException if an argument cannot be serialized
     * @throws IllegalStateException if this proxy was released
     * @throws dev.mp4j.multiprocessing.EOFError if the server stopped or died during the call
     * @throws java.io.UncheckedIOException if the server cannot be reached
     */
    public Object callMethod(String name, Object... args) {
        return call(name, null, args == null ? new Object[0] : args);
    }

    /**
     * Python's {@code _getvalue}.
     *
     * @return a copy of the referent
     * @throws RemoteError if the referent cannot be serialized
     */
    public Object getValue() {
        return call(ManagerMessages.GET_VALUE, null);
    }

    /** @return the referent's own {@code toString()} (Python's {@code str(proxy)}) */
    public String referentToString() {
        return (String) call("toString", NO_PARAMS);
    }

    /** @return a description of the proxy: its typeid, the referent's id and the server's address */
    @Override
    public String toString() {
        return "<BaseProxy object, typeid '" + token.typeid() + "' at 0x" + Long.toHexString(token.id()) + " on "
                + token.address() + ">";
    }

    /** @return whether {@code o} is a proxy of the same referent */
    @Override
    public boolean equals(Object o) {
        return o instanceof BaseProxy p && p.token.id() == token.id() && p.token.serverId() == token.serverId()
                && p.token.address().equals(token.address());
    }

    @Override
    public int hashCode() {
        return Long.hashCode(token.id()) * 31 + Long.hashCode(token.serverId());
    }

    /**
     * The proxy behind a typed proxy ({@link BaseManager#create}) or a {@link SyncManager}'s proxy.
     *
     * @param proxy a proxy
     * @return its {@code BaseProxy} (itself, if it is one)
     * @throws IllegalArgumentException if it is not a manager's proxy
     */
    public static BaseProxy of(Object proxy) {
        BaseProxy p = find(proxy);
        if (p == null) {
            throw new IllegalArgumentException("not a manager's proxy: "
                    + (proxy == null ? "null" : proxy.getClass().getName()));
        }
        return p;
    }

    static BaseProxy find(Object o) {
        if (o instanceof BaseProxy p) {
            return p;
        }
        if (o instanceof Proxied p) {
            return p.baseProxy();
        }
        if (o instanceof Pool pool && Pools.strategyOf(pool) instanceof Proxied p) {
            return p.baseProxy(); // a manager's pool: a Pool over a PoolProxy
        }
        if (o != null && Proxy.isProxyClass(o.getClass()) && Proxy.getInvocationHandler(o) instanceof ProxyHandler h) {
            return h.proxy;
        }
        return null;
    }

    // ------------------------------------------------------------------------------------ package

    /** Implemented by the proxies that wrap a {@code BaseProxy}. */
    interface Proxied {
        BaseProxy baseProxy();
    }

    static final String[] NO_PARAMS = ManagerMessages.signature();

    /** @return the types' names, as a call's signature ({@link ManagerMessages#signature}) */
    static String[] sig(Class<?>... types) {
        String[] names = new String[types.length];
        for (int i = 0; i < types.length; i++) {
            names[i] = types[i].getName();
        }
        return ManagerMessages.signature(names);
    }

    private static final ThreadLocal<java.util.Set<BaseProxy>> PRINTING = ThreadLocal.withInitial(java.util.HashSet::new);

    /**
     * A collection proxy's text: {@code body}, unless this thread is already making this proxy's text (a
     * shared collection that holds a proxy of itself), then the proxy's description.
     */
    String text(java.util.function.Supplier<String> body) {
        java.util.Set<BaseProxy> busy = PRINTING.get();
        if (!busy.add(this)) {
            return toString();
        }
        try {
            return body.get();
        } finally {
            busy.remove(this);
        }
    }

    /**
     * A collection proxy's {@code equals}: true for a proxy of the same referent, else whether {@code o} is of
     * {@code kind} and equal to a copy of the referent.
     */
    boolean equalsCopy(Object o, Class<?> kind) {
        return equals(find(o)) || kind.isInstance(o) && getValue().equals(o);
    }

    /** @return a collection proxy's text: a copy of the referent's (see {@link #text}) */
    String copyText() {
        return text(() -> getValue().toString());
    }

    ManagerMessages.Token token() {
        return token;
    }

    byte[] authkey() {
        return authkey;
    }

    /**
     * Calls a method: its value, or the exception thrown (unchecked as is, checked in a CompletionException).
     *
     * @param signature the parameter types' names, or null to choose from the arguments
     */
    Object call(String name, String[] signature, Object... args) {
        return result(request(name, signature, args), null);
    }

    /** As {@link #call}, the value cast to the type the caller expects: the referent's method's return type. */
    @SuppressWarnings("unchecked")
    <T> T callAs(String name, String[] signature, Object... args) {
        return (T) call(name, signature, args);
    }

    /** Sends a CALL and returns the raw reply. */
    ManagerMessages.Reply request(String name, String[] signature, Object[] args) {
        if (released) {
            throw new IllegalStateException("the proxy was released: " + this);
        }
        try {
            Client.Line l = line;
            if (l == null || !l.current()) {
                l = new Client.Line(token.address(), authkey);
                line = l;
            }
            return Client.request(l, new ManagerMessages.Request(ManagerMessages.CALL, token.serverId(), token.id(),
                    name, signature, args));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * @param reply a CALL's reply
     * @param method the interface method called, or null: decides the typed proxy a PROXY reply becomes, and
     *     which checked exceptions pass unwrapped
     * @return the value
     */
    Object result(ManagerMessages.Reply reply, Method method) {
        switch (reply.kind()) {
            case ManagerMessages.RETURN:
                return reply.value();
            case ManagerMessages.PROXY:
                ManagerMessages.ProxyRef r = (ManagerMessages.ProxyRef) reply.value();
                BaseProxy p = adopt(new ManagerMessages.Token(r.typeid(), r.serverId(), r.id(), token.address()), authkey, owner);
                Class<?> iface = method != null && method.getReturnType().isInterface() ? method.getReturnType()
                        : load(r.interfaceName());
                return iface == null ? p : typed(p, iface);
            case ManagerMessages.FAILURE:
                throw new RemoteError(String.valueOf(reply.value()));
            case ManagerMessages.ERROR:
                Throwable t = (Throwable) reply.value();
                if (t instanceof RuntimeException e) {
                    throw e;
                }
                if (t instanceof Error e) {
                    throw e;
                }
                if (method != null) {
                    for (Class<?> declared : method.getExceptionTypes()) {
                        if (declared.isInstance(t)) {
                            throw new Rethrow(t);
                        }
                    }
                }
                throw new CompletionException(t);
            default:
                throw new RemoteError("unknown reply kind " + reply.kind());
        }
    }

    /** Carries a checked exception the interface method declares out to the invocation handler. */
    static final class Rethrow extends RuntimeException {
        @Serial
        private static final long serialVersionUID = 1L;

        Rethrow(Throwable checked) {
            super(checked);
        }
    }

    private Class<?> load(String name) {
        if (name == null) {
            return null;
        }
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        try {
            return Class.forName(name, false, context != null ? context : BaseProxy.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return null; // an untyped proxy then
        }
    }

    /** @return a {@link Proxy} implementing {@code iface} whose calls go to this proxy's referent */
    static Object typed(BaseProxy p, Class<?> iface) {
        ClassLoader loader = iface.getClassLoader();
        if (loader == null) {
            loader = BaseProxy.class.getClassLoader();
        }
        return Proxy.newProxyInstance(loader, new Class<?>[] {iface}, new ProxyHandler(p));
    }

    /** Gives this proxy's reference back now; later calls throw IllegalStateException. Idempotent. */
    void release() {
        released = true;
        Cleaner.Cleanable r = ref;
        if (r != null) {
            r.clean();
        }
    }

    boolean released() {
        return released;
    }

    // ------------------------------------------------------------------------------------ serialization

    @Serial
    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        out.writeObject(spawning() ? authkey : null);
    }

    @Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        byte[] sent = (byte[]) in.readObject();
        byte[] known = BaseManager.knownKey(token.address());
        authkey = sent != null ? sent : known != null ? known : Multiprocessing.currentProcess().authkey();
        boolean counted;
        ManagerServer local = ManagerServer.local(token.address(), token.serverId());
        if (local != null) {
            counted = local.incref(token.id());
        } else {
            try {
                counted = Client.request(token.address(), authkey, new ManagerMessages.Request(ManagerMessages.INCREF, token.serverId(),
                        token.id(), null, null, null)).kind() == ManagerMessages.RETURN;
            } catch (RuntimeException e) {
                counted = false; // the server is gone or refuses: calls will say so
            }
        }
        if (counted) {
            ref = Refs.track(this, token, authkey);
        }
    }

    /** Python's {@code get_spawning_popen()}: is this thread serializing a process it is starting? */
    private static boolean spawning() {
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(
                f -> f.getClassName().equals("dev.mp4j.multiprocessing.Process") && f.getMethodName().equals("start")));
    }
}
