package dev.mp4j.multiprocessing.managers;

import java.io.Serial;

/** A {@link Value} held by a manager's server; {@code toString} is the referent's: {@code Value(42)}. */
final class ValueProxy<T> implements Value<T>, BaseProxy.Proxied {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final String[] OBJ = BaseProxy.sig(Object.class);

    private final BaseProxy proxy;

    ValueProxy(BaseProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    public BaseProxy baseProxy() {
        return proxy;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T get() {
        return (T) proxy.call("get", BaseProxy.NO_PARAMS);
    }

    @Override
    public void set(T value) {
        proxy.call("set", OBJ, value);
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof ValueProxy<?> v && v.proxy.equals(proxy);
    }

    @Override
    public int hashCode() {
        return proxy.hashCode();
    }

    @Override
    public String toString() {
        return proxy.referentToString();
    }
}
