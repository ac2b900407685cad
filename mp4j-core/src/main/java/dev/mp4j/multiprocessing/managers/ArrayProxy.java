package dev.mp4j.multiprocessing.managers;

import java.io.Serial;
import java.util.List;

/** An {@link Array} held by a manager's server; {@code toString} is the referent's: {@code array(int, [1, 2])}. */
final class ArrayProxy<T> implements Array<T>, BaseProxy.Proxied {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final String[] INT = BaseProxy.sig(int.class);
    private static final String[] SET = BaseProxy.sig(int.class, Object.class);

    private final BaseProxy proxy;

    ArrayProxy(BaseProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    public BaseProxy baseProxy() {
        return proxy;
    }

    @Override
    public int length() {
        return (Integer) proxy.call("length", BaseProxy.NO_PARAMS);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T get(int index) {
        return (T) proxy.call("get", INT, index);
    }

    @Override
    public void set(int index, T value) {
        proxy.call("set", SET, index, value);
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<T> toList() {
        return (List<T>) proxy.call("toList", BaseProxy.NO_PARAMS);
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof ArrayProxy<?> a && a.proxy.equals(proxy);
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
