package dev.mp4j.python;

/**
 * A proxy of an object a CPython manager server keeps (Python's {@code BaseProxy}), obtained from
 * {@link PyManager#create} or {@link PyManager#call}, or returned by a method whose result the server keeps.
 * Thread-safe: concurrent calls go over separate connections.
 */
public interface PyProxy extends AutoCloseable {
    /**
     * Python's {@code proxy._callmethod(name, args)}.
     *
     * @param name the method, e.g. {@code "put"} or {@code "__getitem__"}
     * @param args its arguments (values of {@link Pickle}'s mapping)
     * @return its result; a {@link PyProxy} when the server keeps the result (a {@code #PROXY} reply)
     * @throws PythonError what the method raised (e.g. type {@code "builtins.KeyError"}), or the server's failure
     *     with its traceback (type {@code "multiprocessing.managers.RemoteError"}, e.g. a method not exposed)
     * @throws IllegalStateException if this proxy or its manager is closed
     */
    Object callMethod(String name, Object... args);

    /** @return the typeid the server made the object with ({@code "dict"}, {@code "get_queue"} ...) */
    String typeid();

    /** Drops this proxy's reference to the object on the server ({@code decref}); idempotent. */
    @Override
    void close();
}
