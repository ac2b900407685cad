package dev.mp4j.internal.wire;

import java.io.ObjectInputFilter;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.util.Objects;
import java.util.Set;

/**
 * The serial filters a context may carry ({@code Context.withSerialFilter}): checked when the context is made,
 * combined with mp4j's default limits, and put in a form that can travel to child JVMs.
 */
public final class SerialFilters {
    /** The class of the filters {@link ObjectInputFilter.Config#createFilter} makes; their toString is the pattern. */
    private static final String JDK_PATTERN_FILTER = "java.io.ObjectInputFilter$Config$Global";

    /** The packages of mp4j's public API (its internal packages are all under dev.mp4j.internal). */
    private static final Set<String> MP4J_PACKAGES = Set.of("dev.mp4j", "dev.mp4j.function", "dev.mp4j.futures",
            "dev.mp4j.threading", "dev.mp4j.multiprocessing", "dev.mp4j.multiprocessing.managers");

    private SerialFilters() {}

    /**
     * @param filter a filter given to a context whose children must apply it too
     * @return a serializable filter deciding as {@code filter} does: the filter itself when it is
     *     {@link Serializable}, or, for a pattern filter of {@link ObjectInputFilter.Config#createFilter}, one
     *     that remakes it from its pattern in the child
     * @throws IllegalArgumentException if the filter cannot reach a child JVM
     */
    public static ObjectInputFilter portable(ObjectInputFilter filter) {
        Objects.requireNonNull(filter, "filter");
        if (filter instanceof Serializable) {
            return filter;
        }
        if (filter.getClass().getName().equals(JDK_PATTERN_FILTER)) {
            return new Pattern(filter.toString());
        }
        throw new IllegalArgumentException("filter " + filter + " (" + filter.getClass().getName() + ") cannot be sent "
                + "to child JVMs: it must implement java.io.Serializable, or be a pattern filter made by "
                + "ObjectInputFilter.Config.createFilter");
    }

    /**
     * @param filter a context's filter, or null
     * @return null when {@code filter} is null (a decoder then applies this JVM's default: {@code Codec.decode}'s
     *     null); otherwise the filter a decoder applies: the context's filter, then mp4j's default limits
     *     ({@link Codec#DEFAULT_FILTER}) (either one's rejection rejects, and the JDK's
     *     meaning of an undecided status holds). mp4j's own classes (its jobs, handles, exceptions) and
     *     {@link SerializedLambda} (the form a serializable lambda travels in; what it captured is still checked)
     *     are not put to the context's filter: an application's allow-list names its own classes, not mp4j's.
     */
    public static ObjectInputFilter effective(ObjectInputFilter filter) {
        return filter == null ? null : ObjectInputFilter.merge(new Scoped(filter), Codec.DEFAULT_FILTER);
    }

    /** An application's filter, consulted for everything but mp4j's own classes and serialized lambdas. */
    private record Scoped(ObjectInputFilter filter) implements ObjectInputFilter {
        @Override
        public Status checkInput(FilterInfo info) {
            Class<?> c = info.serialClass();
            while (c != null && c.isArray()) {
                c = c.getComponentType();
            }
            if (c != null && (c == SerializedLambda.class || isMp4j(c.getPackageName()))) {
                return Status.UNDECIDED;
            }
            return filter.checkInput(info);
        }

        private static boolean isMp4j(String pkg) {
            return MP4J_PACKAGES.contains(pkg) || pkg.startsWith("dev.mp4j.internal.");
        }

        @Override
        public String toString() {
            return filter.toString();
        }
    }

    /** A JDK pattern filter that travels as its pattern and is remade from it in the receiving JVM. */
    static final class Pattern implements ObjectInputFilter, Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        private final String pattern;
        private final transient ObjectInputFilter filter;

        Pattern(String pattern) {
            this.pattern = pattern;
            this.filter = ObjectInputFilter.Config.createFilter(pattern);
        }

        @Override
        public Status checkInput(FilterInfo info) {
            return filter.checkInput(info);
        }

        @Serial
        private Object readResolve() throws ObjectStreamException {
            return new Pattern(pattern);
        }

        @Override
        public String toString() {
            return pattern;
        }
    }
}
