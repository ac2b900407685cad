package dev.mp4j.multiprocessing.managers;

import java.io.Serial;

/**
 * A {@link Namespace} whose attributes live in a manager's server. {@code toString} is the referent's:
 * {@code Namespace(job='Builder', name='Bob')}.
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

    @Override
    public void delete(String name) {
        proxy.call("delete", NAME, name);
    }

    @Override
    public boolean has(String name) {
        return proxy.callAs("has", NAME, name);
    }

    @Override
    public String toString() {
        return proxy.referentToString();
    }
}
