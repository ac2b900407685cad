package dev.mp4j.multiprocessing.managers;

import java.io.Serial;

/**
 * A {@link Namespace} whose attributes live in a manager's server. {@code get} of an attribute never set
 * throws {@link java.util.NoSuchElementException} (Python's AttributeError); {@code toString} is the
 * referent's: {@code Namespace(name='Bob', job='Builder')}.
 */
final class NamespaceProxy extends ForwardingProxy implements Namespace {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final String[] NAME = BaseProxy.sig(String.class);
    private static final String[] NAME_VALUE = BaseProxy.sig(String.class, Object.class);

    NamespaceProxy(BaseProxy proxy) {
        super(proxy);
    }

    @Override
    public <T> T get(String name) {
        return proxy.callAs("get", NAME, name);
    }

    @Override
    public void set(String name, Object value) {
        proxy.call("set", NAME_VALUE, name, value);
    }

    /**
     * Python's {@code del ns.name}.
     *
     * @param name the attribute to remove
     */
    void delete(String name) {
        proxy.call("delete", NAME, name);
    }

    /**
     * Python's {@code hasattr(ns, name)}.
     *
     * @param name an attribute's name
     * @return whether it is set
     */
    boolean has(String name) {
        return proxy.callAs("has", NAME, name);
    }

    @Override
    public String toString() {
        return proxy.referentToString();
    }
}
