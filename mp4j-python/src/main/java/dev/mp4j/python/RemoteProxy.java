package dev.mp4j.python;

import java.lang.ref.Cleaner;
import java.util.List;

/** A {@link PyProxy} of a {@link PyManager}: the object's ident, and the reference the client holds. */
final class RemoteProxy implements PyProxy {
    final PyManager manager;
    private final String typeid;
    private final String id;
    private final List<String> exposed;
    private final Ref ref;

    RemoteProxy(PyManager manager, String typeid, String id, List<String> exposed, Ref ref) {
        this.manager = manager;
        this.typeid = typeid;
        this.id = id;
        this.exposed = exposed;
        this.ref = ref;
    }

    @Override
    public Object callMethod(String name, Object... args) {
        if (ref.released) {
            throw new IllegalStateException("this proxy is closed: " + this);
        }
        return manager.callMethod(id, name, new PyTuple(args));
    }

    @Override
    public String typeid() {
        return typeid;
    }

    /** @return the methods the server exposes for this object (empty when it did not say) */
    List<String> exposed() {
        return exposed;
    }

    /**
     * @param address the server's address as Python writes it ({@code (host, port)} or a path)
     * @return this proxy as CPython pickles one: {@code RebuildProxy(AutoProxy, token, 'pickle', {'exposed': ...})}
     */
    PyObject reduce(Object address) {
        PyObject token = PyObject.viaNew("multiprocessing.managers", "Token", List.of(),
                new PyTuple(typeid, address, id));
        java.util.Map<Object, Object> kwds = new java.util.LinkedHashMap<>();
        kwds.put("exposed", PyTuple.of(exposed));
        return new PyObject("multiprocessing.managers", "RebuildProxy",
                List.of(new PyGlobal("multiprocessing.managers", "AutoProxy"), token, "pickle", kwds), null);
    }

    @Override
    public void close() {
        ref.cleanable.clean();
    }

    @Override
    public String toString() {
        return "PyProxy[" + typeid + " " + id + "]";
    }

    /** The server's reference to one object, dropped once: by close, by the manager's close, or by the cleaner. */
    static final class Ref implements Runnable {
        private final PyManager manager;
        final String id;
        volatile boolean released;
        Cleaner.Cleanable cleanable;

        Ref(PyManager manager, String id) {
            this.manager = manager;
            this.id = id;
        }

        @Override
        public void run() {
            released = true;
            manager.decref(this);
        }
    }
}
