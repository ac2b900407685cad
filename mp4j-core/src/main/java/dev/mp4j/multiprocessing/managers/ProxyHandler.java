package dev.mp4j.multiprocessing.managers;

import dev.mp4j.internal.managers.ManagerMessages;

import java.io.Serial;
import java.io.Serializable;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;

/**
 * The invocation handler of a typed proxy: each method of the interface calls the referent's method of the
 * same name and parameter types. {@code equals} is true for a proxy of the same referent and otherwise
 * asks the referent; {@code hashCode} and {@code toString} are the referent's. A default method whose
 * arguments cannot be sent (a lambda, say) runs here, on the proxy, through the interface's other methods.
 * Serializable, so the typed proxy is too.
 */
final class ProxyHandler implements InvocationHandler, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final String[] EQUALS = BaseProxy.sig(Object.class);

    final BaseProxy proxy;

    ProxyHandler(BaseProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    public Object invoke(Object self, Method m, Object[] args) throws Throwable {
        Object[] a = args == null ? new Object[0] : args;
        String[] signature;
        if (m.getDeclaringClass() == Object.class) {
            if (m.getName().equals("equals")) {
                BaseProxy other = BaseProxy.find(a[0]);
                if (a[0] == self || proxy.equals(other)) {
                    return true;
                }
                signature = EQUALS;
            } else {
                signature = BaseProxy.NO_PARAMS;
            }
        } else {
            signature = BaseProxy.sig(m.getParameterTypes());
            if (m.isDefault() && a.length > 0 && !sendable(a)) {
                return InvocationHandler.invokeDefault(self, m, args);
            }
        }
        try {
            return proxy.result(proxy.request(m.getName(), signature, a), m);
        } catch (BaseProxy.Rethrow r) {
            throw r.getCause();
        }
    }

    private static boolean sendable(Object[] args) {
        try {
            ManagerMessages.encode(args);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
