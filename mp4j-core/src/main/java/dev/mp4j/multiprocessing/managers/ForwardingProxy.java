package dev.mp4j.multiprocessing.managers;

import java.io.Serial;
import java.io.Serializable;

/**
 * What the proxies that wrap a {@link BaseProxy} share (a {@link SyncManager}'s synchronization objects, queues,
 * values, arrays, namespaces): the {@code BaseProxy} every call goes through, and equality and hash taken from
 * it — two proxies of the same kind are equal when they name the same referent. {@code toString} describes the
 * proxy as Python's {@code repr} does, with this class's name: {@code <LockProxy object, typeid 'Lock' at 0x1
 * on ...>}; a proxy that stands for a plain value shows the referent's text instead.
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
    public String toString() {
        return proxy.toString().replace("<BaseProxy", "<" + getClass().getSimpleName());
    }
}
