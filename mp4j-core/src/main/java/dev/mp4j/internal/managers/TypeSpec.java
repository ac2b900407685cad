package dev.mp4j.internal.managers;

import dev.mp4j.function.SerializableFunction;
import dev.mp4j.function.SerializableSupplier;

import java.io.Serial;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a manager knows of one typeid (Python's registry entry): how the server makes a referent, which of
 * its methods proxies may call, which methods' results stay in the server as new referents, and whether
 * clients may create it directly. Sent to the server process with the rest of the registry.
 *
 * @param typeid the type identifier
 * @param supplier makes a referent without arguments, or null
 * @param factory makes a referent from {@code create}'s arguments, or null (at most one of the two is set;
 *     neither: a client-side registration, or a typeid only reached through {@code methodToTypeid})
 * @param proxyInterface the interface proxies of this typeid implement, or null (untyped)
 * @param exposed the method names proxies may call, or null for every public method
 * @param methodToTypeid method name to the typeid its result is kept as (never null; may be empty)
 * @param createMethod whether {@code create(typeid)} is allowed
 */
public record TypeSpec(String typeid, SerializableSupplier<?> supplier, SerializableFunction<Object[], ?> factory,
                       Class<?> proxyInterface, List<String> exposed, Map<String, String> methodToTypeid,
                       boolean createMethod) implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Checks and copies the parts. */
    public TypeSpec {
        Objects.requireNonNull(typeid, "typeid");
        if (supplier != null && factory != null) {
            throw new IllegalArgumentException("a typeid has a supplier or a factory, not both");
        }
        if (proxyInterface != null && !proxyInterface.isInterface()) {
            throw new IllegalArgumentException("proxyInterface " + proxyInterface.getName() + " is not an interface");
        }
        exposed = exposed == null ? null : List.copyOf(exposed);
        methodToTypeid = methodToTypeid == null ? Map.of() : Map.copyOf(methodToTypeid);
    }

    /** @return whether the server can make referents of this typeid */
    public boolean hasCallable() {
        return supplier != null || factory != null;
    }
}
