package dev.mp4j.python;

import java.util.Objects;

/**
 * A bare reference to a Python class or function ({@code float}, or {@code os.getpid} unpickled without a call):
 * only its name. It pickles back to the same global; nothing is looked up or run on the Java side.
 *
 * @param module the module, e.g. {@code "builtins"}
 * @param name the qualified name within the module, e.g. {@code "float"}
 */
public record PyGlobal(String module, String name) {
    /**
     * @param module the module
     * @param name the qualified name
     * @throws NullPointerException if either is null
     */
    public PyGlobal {
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
        return module + "." + name;
    }
}
