package dev.mp4j.multiprocessing.managers;

import java.io.Serial;
import java.io.Serializable;

/**
 * What the small typed proxies (values, arrays, namespaces) share: the {@link BaseProxy} they forward to, and
 * equality, hash and text taken from it — two proxies of the same kind are equal when they name the same
 * referent, and {@code toString} is the referent's.
 */
abstract class ForwardingProxy implements BaseProxy.Proxied, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The untyped proxy every call goes through. */
    final BaseProxy proxy;

    ForwardingProxy(BaseProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    public final BaseProxy baseProxy() {
        return proxy;
    }

    @Override
    public final boolean equals(Object o) {
        return o == this || o != null && o.getClass() == getClass() && ((ForwardingProxy) o).proxy.equals(proxy);
    }

    @Override
    public final int hashCode() {
        return proxy.hashCode();
    }

    @Override
    public final String toString() {
        return proxy.referentToString();
    }
}
