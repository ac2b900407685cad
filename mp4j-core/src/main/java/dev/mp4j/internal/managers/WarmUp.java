package dev.mp4j.internal.managers;

import dev.mp4j.internal.ring.Pids;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A manager's first start in a fresh JVM, done ahead on samples while the JVM would otherwise wait: the
 * manager's JVM while its server process boots and binds ({@link #client}), the server process while its
 * main thread binds and reports ({@link #server}). Each runs once per JVM, on a daemon thread of its own, and
 * touches nothing but classes: a connection's handshake, the messages' forms (the codec builds the
 * {@link ManagerMessages.ProxyRef} record of a create's reply through method handles it links on first use),
 * the classes of the client's connection and of a session, and the server's lookup of a shared dict's
 * methods. Whatever it has not done when the real call comes, the real call does as it would have; a failure
 * here only leaves it to the real call.
 */
public final class WarmUp implements Runnable {
    private static final AtomicBoolean CLIENT = new AtomicBoolean();
    private static final AtomicBoolean SERVER = new AtomicBoolean();

    /**
     * The classes of an authenticated connection's handshake, which neither JVM has used before the server's
     * report (the JDK's AOT cache of a child holds none of them).
     */
    private static final String[] HANDSHAKE = {"dev.mp4j.internal.util.Timeouts", "dev.mp4j.internal.conn.Auth",
        "dev.mp4j.internal.wire.Handshake", "dev.mp4j.internal.wire.Sha256", "dev.mp4j.internal.wire.Frames",
        "dev.mp4j.internal.util.CpuCrowd"};

    /** The client's classes of its first proxies, by name: some are not public. */
    private static final String[] CLIENT_CLASSES = {"dev.mp4j.internal.managers.Refs",
        "dev.mp4j.multiprocessing.managers.BaseProxy", "dev.mp4j.multiprocessing.managers.DictProxy"};
    /** The server's classes of a session, by name: some are not public. */
    private static final String[] SERVER_CLASSES = {"dev.mp4j.internal.managers.ManagerServer$Session",
        "dev.mp4j.internal.managers.ManagerServer$Entry", "dev.mp4j.internal.managers.ManagerServer$Owner",
        "dev.mp4j.internal.managers.Invoker"};

    private final boolean server;
    private final String[] classes;

    private WarmUp(boolean server, String[] classes) {
        this.server = server;
        this.classes = classes;
    }

    /** Starts the client side's warm-up, once per JVM. */
    public static void client() {
        if (CLIENT.compareAndSet(false, true)) {
            start(new WarmUp(false, CLIENT_CLASSES));
        }
    }

    /** Starts the server side's warm-up, once per JVM. */
    public static void server() {
        if (SERVER.compareAndSet(false, true)) {
            start(new WarmUp(true, SERVER_CLASSES));
        }
    }

    private static void start(WarmUp w) {
        Thread t = new Thread(w, "mp4j-manager-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    @Override
    public void run() {
        try {
            warm();
        } catch (Exception | LinkageError e) {
            // left to the real calls, which report what fails
        }
    }

    /**
     * @param server the server's side; else the client's
     * @return a warm-up of that side, to run on the calling thread (for tests)
     */
    static WarmUp of(boolean server) {
        return new WarmUp(server, server ? SERVER_CLASSES : CLIENT_CLASSES);
    }

    /** The warm-up itself: it throws what fails. */
    void warm() throws Exception {
        ClassLoader loader = WarmUp.class.getClassLoader();
        for (String name : HANDSHAKE) {
            Class.forName(name, true, loader);
        }
        for (String name : classes) {
            Class.forName(name, true, loader);
        }
        ManagerMessages.Request call = new ManagerMessages.Request(ManagerMessages.CALL, 1, 1, "get", null,
                new Object[] {"a"});
        ManagerMessages.Reply made = new ManagerMessages.Reply(ManagerMessages.RETURN,
                new ManagerMessages.ProxyRef("dict", 1, 1, null));
        if (server) {
            ManagerMessages.decodeRequest(ManagerMessages.encodeRequest(call));
            ManagerMessages.decodeRequest(ManagerMessages.encodeRequest(new ManagerMessages.Request(
                    ManagerMessages.HELLO, 0, 0, null, null, new Object[] {1, 1})));
            ManagerMessages.encodeReply(made);
            ManagerMessages.encodeReply(new ManagerMessages.Reply(ManagerMessages.RETURN, null));
            Class<?> dict = Collections.synchronizedMap(new LinkedHashMap<>()).getClass();
            Methods.publicNames(dict);
            // as a dict proxy's get finds it: by DictProxy's signature, which the lookup's cache is keyed by
            Methods.find(dict, "get", ManagerMessages.signature("java.lang.Object"), new Object[] {"a"});
        } else {
            Class.forName(Client.class.getName(), true, loader);
            Class.forName(Pids.class.getName(), true, loader); // the connection's HELLO reads it
            ManagerMessages.encodeRequest(call);
            ManagerMessages.decodeReply(ManagerMessages.encodeReply(made));
            ManagerMessages.decodeReply(ManagerMessages.encodeReply(
                    new ManagerMessages.Reply(ManagerMessages.RETURN, null)));
        }
    }
}
