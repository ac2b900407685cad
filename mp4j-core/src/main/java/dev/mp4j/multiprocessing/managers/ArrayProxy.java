package dev.mp4j.multiprocessing.managers;

import java.io.Serial;
import java.util.List;

/** An {@link Array} held by a manager's server; {@code toString} is the referent's: {@code array(int, [1, 2])}. */
final class ArrayProxy<T> extends ForwardingProxy implements Array<T> {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final String[] INT = BaseProxy.sig(int.class);
    private static final String[] SET = BaseProxy.sig(int.class, Object.class);

    ArrayProxy(BaseProxy proxy) {
        super(proxy);
    }

    @Override
    public int length() {
        return proxy.callAs("length", BaseProxy.NO_PARAMS);
    }

    @Override
    public T get(int index) {
        return proxy.callAs("get", INT, index);
    }

    @Override
    public void set(int index, T value) {
        proxy.call("set", SET, index, value);
    }

    @Override
    public List<T> toList() {
        return proxy.callAs("toList", BaseProxy.NO_PARAMS);
    }

    @Override
    public String toString() {
        return proxy.referentToString();
    }
}
