package dev.mp4j.multiprocessing;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.spawn.ChildJvm;
import dev.mp4j.internal.spawn.Launch;
import dev.mp4j.internal.spawn.Launcher;
import dev.mp4j.internal.spawn.Spares;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/** The start methods mp4j offers, and their contexts. */
final class Contexts {
    static final String SPAWN = "spawn";
    static final String FORKSERVER = "forkserver";
    static final List<String> METHODS = List.of(SPAWN, FORKSERVER);

    private Contexts() {}

    static Base of(String method) {
        Objects.requireNonNull(method, "method");
        return switch (method) {
            case SPAWN -> new Base(SPAWN, Launch.Spec.defaults());
            case FORKSERVER -> new Base(FORKSERVER, Launch.Spec.defaults());
            case "fork" -> throw new IllegalArgumentException("the 'fork' start method is not available: a JVM "
                    + "cannot be forked (only the forking thread would survive, and the JIT, GC and locks would "
                    + "be left in an undefined state). Use 'spawn' (a fresh JVM per process, the default) or "
                    + "'forkserver' (a warm spare JVM is handed over, the fastest start)");
            default -> throw new IllegalArgumentException("cannot find context for '" + method
                    + "': the start methods are " + METHODS);
        };
    }

    static Base defaultContext() {
        return (Base) Multiprocessing.getContext();
    }

    /** A start method with its launch settings. */
    record Base(String method, Launch.Spec spec) implements Context, Launcher {
        Base {
            if (method.equals(FORKSERVER)) {
                Spares.prime(spec);
            }
        }

        @Override
        public String startMethod() {
            return method;
        }

        @Override
        public Context withJvmOptions(List<String> options) {
            Objects.requireNonNull(options, "options");
            for (String o : options) {
                Objects.requireNonNull(o, "an option in options is null");
            }
            return new Base(method, new Launch.Spec(spec.java(), options));
        }

        @Override
        public Context withExecutable(Path java) {
            Objects.requireNonNull(java, "java");
            if (!Files.isExecutable(java)) {
                throw new IllegalArgumentException("java executable " + java + " does not exist or is not executable");
            }
            return new Base(method, new Launch.Spec(java, spec.jvmOptions()));
        }

        @Override
        public Process process(SerializableRunnable target) {
            Process p = new Process(target);
            p.bindContext(this);
            return p;
        }

        /** @return a booted child waiting for its job: a new one (spawn) or a warm spare (forkserver) */
        ChildJvm obtain() throws IOException {
            return obtain(p -> { });
        }

        @Override
        public ChildJvm obtain(Consumer<java.lang.Process> started) throws IOException {
            if (method.equals(FORKSERVER)) {
                ChildJvm spare = Spares.take(spec);
                started.accept(spare.process());
                return spare;
            }
            Launch.Booting booting = Launch.begin(spec);
            started.accept(booting.process());
            return booting.await();
        }

        @Override
        public String toString() {
            return "<Context " + method + " java=" + spec.java() + " options=" + spec.jvmOptions() + ">";
        }
    }
}
