package dev.mp4j.internal.spawn;

import dev.mp4j.internal.ffm.Linked;
import dev.mp4j.internal.tracker.ResourceTracker;
import dev.mp4j.internal.util.LifecycleLog;
import dev.mp4j.internal.util.OwnPid;
import dev.mp4j.internal.util.ProcessTrees;
import dev.mp4j.internal.util.Quietly;
import dev.mp4j.internal.wire.FrameChannel;
import dev.mp4j.multiprocessing.ChildOutput;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Boots a child JVM and returns it connected, waiting for its job.
 *
 * <p>The child is the parent's own {@code java} (or the context's executable) with the options mp4j needs
 * ({@link JvmOptions}), the parent's own options, then the context's options, the parent's class path and
 * module path ({@link LaunchLayout}: also a Spring Boot jar's and a runtime image's), and the main class of the
 * {@link Spec} (the child JVM's composition root, which the layer above names: launching knows nothing of
 * what runs in the child). Its stdout and stderr are the parent's (or labelled copies of their lines,
 * {@link ChildStreams}); its stdin is a pipe that the parent writes
 * the {@link LaunchHeader} to, then the frames of the control channel; the child writes its frames to a FIFO
 * of the {@link Rendezvous} (and watches its parent's pid, from the header, to end with it).
 */
public final class Launch {
    /** How long a booting child may take to connect back. */
    static final long BOOT_TIMEOUT_SECONDS = 120;

    private Launch() {}

    /**
     * What a child JVM is started with.
     *
     * @param java the java binary
     * @param jvmOptions extra JVM options, after mp4j's own and the inherited ones
     * @param main the child's main class: it reads the {@link LaunchHeader} from stdin, connects back and
     *     runs the job it is sent
     * @param inherit whether the child gets the parent JVM's own options ({@link JvmOptions#inherited})
     * @param classPath the child's class path instead of the parent's; empty for the parent's
     * @param output where the child's stdout and stderr go
     * @param preload the classes a forkserver spare loads and initializes while it waits for its job
     */
    public record Spec(Path java, List<String> jvmOptions, Class<?> main, boolean inherit, List<Path> classPath,
                       ChildOutput output, List<String> preload) {
        /** Copies the lists. */
        public Spec {
            Objects.requireNonNull(java, "java");
            jvmOptions = List.copyOf(jvmOptions);
            Objects.requireNonNull(main, "main");
            classPath = List.copyOf(classPath);
            Objects.requireNonNull(output, "output");
            preload = List.copyOf(preload);
        }

        // equals and hashCode written out: a record's own are bootstrapped through method handles at their first
        // call, 10-25 ms each of a fresh JVM here, and a spec is a map key on the way to the first child's exec

        @Override
        public boolean equals(Object o) {
            return o instanceof Spec s && java.equals(s.java) && jvmOptions.equals(s.jvmOptions) && main == s.main
                    && inherit == s.inherit && classPath.equals(s.classPath) && output == s.output
                    && preload.equals(s.preload);
        }

        @Override
        public int hashCode() {
            int h = java.hashCode();
            h = 31 * h + jvmOptions.hashCode();
            h = 31 * h + main.hashCode();
            h = 31 * h + Boolean.hashCode(inherit);
            h = 31 * h + classPath.hashCode();
            h = 31 * h + output.hashCode();
            return 31 * h + preload.hashCode();
        }

        /**
         * @param main the child's main class
         * @return the running JVM's own java binary, no extra options, the options of this JVM inherited, its
         *     class path, its streams
         */
        public static Spec defaults(Class<?> main) {
            return new Spec(ownJava(), List.of(), main, true, List.of(), ChildOutput.INHERIT, List.of());
        }

        /** @return the running JVM's own java binary */
        public static Path ownJava() {
            return Path.of(System.getProperty("java.home"), "bin", "java");
        }

        /**
         * @param options the extra JVM options
         * @return this spec with those options instead
         */
        public Spec withJvmOptions(List<String> options) {
            return new Spec(java, options, main, inherit, classPath, output, preload);
        }

        /**
         * @param binary the java binary
         * @return this spec with that binary instead
         */
        public Spec withJava(Path binary) {
            return new Spec(binary, jvmOptions, main, inherit, classPath, output, preload);
        }

        /**
         * @param inheritOptions whether the child gets the parent JVM's options
         * @return this spec with that choice
         */
        public Spec withInherit(boolean inheritOptions) {
            return new Spec(java, jvmOptions, main, inheritOptions, classPath, output, preload);
        }

        /**
         * @param paths the child's class path; empty for the parent's
         * @return this spec with that class path
         */
        public Spec withClassPath(List<Path> paths) {
            return new Spec(java, jvmOptions, main, inherit, paths, output, preload);
        }

        /**
         * @param where where the child's stdout and stderr go
         * @return this spec with that choice
         */
        public Spec withOutput(ChildOutput where) {
            return new Spec(java, jvmOptions, main, inherit, classPath, where, preload);
        }

        /**
         * @param classNames what a forkserver spare loads and initializes while it waits
         * @return this spec with those classes
         */
        public Spec withPreload(List<String> classNames) {
            return new Spec(java, jvmOptions, main, inherit, classPath, output, classNames);
        }

        /**
         * @return whether the user chose something a child JVM might refuse: options of the spec's own, another
         *     java binary, another class path (the inherited options and this JVM's java and class path are
         *     known to start a JVM)
         */
        public boolean chosen() {
            return !jvmOptions.isEmpty() || !java.equals(ownJava()) || !classPath.isEmpty();
        }

        /** @return the options the user decides: the inherited ones (if inherited), then the spec's own */
        List<String> userOptions() {
            if (!inherit) {
                return jvmOptions;
            }
            List<String> all = new ArrayList<>(JvmOptions.inherited());
            all.addAll(jvmOptions);
            return all;
        }
    }

    /**
     * Prepares, on background threads, what the first child of this JVM needs and takes long to make: the
     * inherited options ({@link JvmOptions#inherited}), then the check that the children find their main class
     * ({@link #check}) and the name of their AOT cache for {@code spec}, and the rendezvous (its directory, the
     * resource tracker, the first batch of FIFOs: a command each, run and waited for). A child started
     * meanwhile takes what is ready, waits for what is being made (while it boots: it is started at once), and
     * makes the rest itself. The calling thread (a program's first pool or process, on its way to the first child's exec)
     * only starts the threads: it initializes none of those classes.
     *
     * @param spec how the children are likely to be started
     */
    public static void readAhead(Spec spec) {
        if (spec.inherit()) {
            Thread.ofPlatform().daemon().name("mp4j-jvm-options").start(new ReadOptions());
        }
        Thread.ofPlatform().daemon().name("mp4j-launch-ahead").start(new ReadAhead(spec));
        Thread.ofPlatform().daemon().name("mp4j-rendezvous-ahead").start(new MakeRendezvous());
    }

    // The threads' work are classes, not lambdas: cold, a lambda costs more.

    /** {@link JvmOptions#inherited}, on its own thread. */
    private static final class ReadOptions implements Runnable {
        @Override
        public void run() {
            try {
                JvmOptions.inherited();
            } catch (RuntimeException e) {
                // the first start reads them again, and reports what fails
            }
        }
    }

    /** {@link Rendezvous#makeAhead}, on its own thread. */
    private static final class MakeRendezvous implements Runnable {
        @Override
        public void run() {
            try {
                Rendezvous.makeAhead();
            } catch (RuntimeException e) {
                // the JVM is exiting, say: the first start makes its FIFO itself, and reports what fails
            }
        }
    }

    /** The rest of {@link #readAhead}'s work for a spec, on its own thread. */
    private static final class ReadAhead implements Runnable {
        private final Spec spec;

        ReadAhead(Spec spec) {
            this.spec = spec;
        }

        @Override
        public void run() {
            // the check first: it needs nothing, while the cache's name waits for the inherited options
            try {
                LaunchLayout.check(spec);
            } catch (IOException | RuntimeException e) {
                // the first start does it again, and reports what fails
            }
            try {
                AotCache.readAhead(spec);
            } catch (RuntimeException e) {
                // the first start does it again
            }
        }
    }

    /**
     * Fails when a child of {@code spec} cannot be started — a native image, a java binary that is not
     * there, mp4j's classes out of the children's reach — naming the case and the remedy; nothing is started.
     *
     * @param spec how children are started
     * @throws IOException saying why
     */
    public static void check(Spec spec) throws IOException {
        LaunchLayout.check(spec);
    }

    /**
     * Fails when a child of {@code spec} could not read an object of {@code type}: a class of a class loader
     * that children do not have, from a place not on their class path.
     *
     * @param spec how children are started
     * @param type the class of a process or of its target
     * @throws IOException saying why
     */
    public static void checkReachable(Spec spec, Class<?> type) throws IOException {
        LaunchLayout.checkReachable(spec, type);
    }

    /**
     * Boots a child and waits until it has connected (said hello through its FIFO).
     *
     * @param spec how to start it
     * @return the connected child, waiting for its job
     * @throws IOException if the JVM cannot be started, exits before connecting, or does not connect in time
     */
    public static ChildJvm start(Spec spec) throws IOException {
        return begin(spec).await();
    }

    /**
     * Starts a child JVM's OS process and returns at once; {@link Booting#await()} waits for it to connect.
     *
     * @param spec how to start it
     * @return the booting child
     * @throws IOException if the JVM cannot be started
     */
    public static Booting begin(Spec spec) throws IOException {
        return begin(spec, false, false);
    }

    /**
     * {@link #begin(Spec)} for a ProcessPoolExecutor's worker, or for any child.
     *
     * @param spec how to start it
     * @param executorWorker whether the child is a ProcessPoolExecutor's worker, which starts with a smaller
     *     heap ({@link JvmOptions#WORKER_INITIAL_HEAP})
     * @return the booting child
     * @throws IOException if the JVM cannot be started
     */
    public static Booting begin(Spec spec, boolean executorWorker) throws IOException {
        return begin(spec, false, false, List.of(), executorWorker);
    }

    /**
     * @param spec how to start it
     * @param spare the child is a forkserver spare: it warms up before it says hello
     * @param preload the child loads the spec's {@link Spec#preload} classes before its job runs (a
     *     forkserver child's)
     * @return the booting child
     * @throws IOException if the JVM cannot be started
     */
    static Booting begin(Spec spec, boolean spare, boolean preload) throws IOException {
        return begin(spec, spare, preload, List.of());
    }

    /**
     * @param spec how to start it
     * @param spare the child is a forkserver spare: it warms up before it says hello
     * @param preload the child loads the spec's {@link Spec#preload} classes before its job runs (a
     *     forkserver child's)
     * @param load the classes a spare loads and links, not initializes, while it waits for its job
     * @return the booting child
     * @throws IOException if the JVM cannot be started
     */
    static Booting begin(Spec spec, boolean spare, boolean preload, List<String> load) throws IOException {
        return begin(spec, spare, preload, load, false);
    }

    private static Booting begin(Spec spec, boolean spare, boolean preload, List<String> load,
                                 boolean executorWorker) throws IOException {
        check(spec);
        List<String> command = command(spec, AotCache.options(spec), LaunchLayout.of(spec), executorWorker);
        java.lang.Process process;
        String tree;
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .redirectOutput(ChildStreams.redirect(spec.output()))
                    .redirectError(ChildStreams.redirect(spec.output()));
            tree = ProcessTrees.mark(builder.environment());
            process = builder.start();
        } catch (IOException e) {
            throw new IOException("cannot start a child JVM with " + command.getFirst() + ": " + e.getMessage(), e);
        }
        // What the child needs only once it has booted is made while it boots: its FIFO (the first time also
        // the FIFOs' directory and the resource tracker, each a command run and waited for, unless made ahead),
        // which the header names before it is there, then the level its job carries (which may start the
        // parent's logging framework).
        Rendezvous rendezvous;
        Rendezvous.Slot fifo;
        try {
            rendezvous = Rendezvous.get();
            fifo = rendezvous.next(); // which starts a thread, and may fail as a thread's start can
        } catch (RuntimeException | Error e) {
            process.destroyForcibly();
            Quietly.close(process.getOutputStream());
            throw e;
        }
        OutputStream stdin = process.getOutputStream();
        try {
            new LaunchHeader(fifo.path().toString(), OwnPid.get(), spare,
                    spare && Linked.semaphores(), ResourceTracker.fifoName(),
                    preload ? spec.preload() : List.of(), spare ? load : List.of()).write(stdin);
        } catch (IOException e) {
            // the child died at once; its exit is reported by await()
        }
        AtomicReference<String> name = new AtomicReference<>();
        ChildStreams.pump(process, spec.output(), name);
        CompletableFuture<FrameChannel> connected = rendezvous.admit(fifo, process, stdin,
                new ExitedFirst(process, command));
        LifecycleLog.readAhead();
        return new Booting(process, connected, name, tree);
    }

    /** The error of a child that exited before it connected back. */
    private static final class ExitedFirst implements Supplier<IOException> {
        private final java.lang.Process process;
        private final List<String> command;

        ExitedFirst(java.lang.Process process, List<String> command) {
            this.process = process;
            this.command = command;
        }

        @Override
        public IOException get() {
            return new IOException("the child JVM (pid " + process.pid() + ") exited with code " + process.exitValue()
                    + " before it connected back; its stderr above says why. Command: " + String.join(" ", command));
        }
    }

    /**
     * A child JVM whose process runs but which may not have connected yet.
     *
     * @param process the OS process
     * @param connected completes with the control channel (which owns the child's stdin) once the child said
     *     hello
     * @param name the child's process name, once it has one (its output's lines are labelled with it)
     * @param tree the token its environment carries for its descendants ({@link ProcessTrees#mark})
     */
    public record Booting(java.lang.Process process, CompletableFuture<FrameChannel> connected,
                          AtomicReference<String> name, String tree) {
        /**
         * @return the connected child
         * @throws IOException if it exits before connecting, or does not connect in time (it is then killed)
         */
        public ChildJvm await() throws IOException {
            try {
                FrameChannel channel = connected.get(BOOT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                return new ChildJvm(process, channel, name, tree);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            } catch (TimeoutException e) {
                process.destroyForcibly();
                connected.thenAccept(FrameChannel::close); // should it connect even so: the channel owns its stdin
                throw new IOException("the child JVM (pid " + process.pid() + ") did not connect back within "
                        + BOOT_TIMEOUT_SECONDS + " s; it was killed");
            } catch (InterruptedException e) {
                process.destroyForcibly();
                connected.thenAccept(FrameChannel::close);
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while a child JVM was booting", e);
            }
        }
    }

    /**
     * @param spec how the child is started
     * @param aotOptions the options of its AOT cache
     * @return its command line: java, mp4j's defaults (unless the user's options decide the same), the AOT
     *     options, the inherited options, the spec's, then the class path or module path and the main class
     */
    static List<String> command(Spec spec, List<String> aotOptions) {
        return command(spec, aotOptions, LaunchLayout.of(spec));
    }

    /**
     * @param spec how the child is started
     * @param aotOptions the options of its AOT cache
     * @param layout its class path or module path and main class
     * @return its command line, as {@link #command(Spec, List)} with that layout
     */
    static List<String> command(Spec spec, List<String> aotOptions, LaunchLayout layout) {
        return command(spec, aotOptions, layout, false);
    }

    /**
     * @param spec how the child is started
     * @param aotOptions the options of its AOT cache
     * @param layout its class path or module path and main class
     * @param executorWorker whether the child is a ProcessPoolExecutor's worker
     * @return its command line, as {@link #command(Spec, List)} with that layout
     */
    static List<String> command(Spec spec, List<String> aotOptions, LaunchLayout layout, boolean executorWorker) {
        List<String> user = spec.userOptions();
        List<String> cmd = new ArrayList<>();
        cmd.add(spec.java().toString());
        cmd.add("--enable-native-access=".concat(layout.nativeAccess())); // no indy concat on the way to an exec
        cmd.addAll(JvmOptions.defaults(user, executorWorker));
        cmd.addAll(aotOptions);
        cmd.addAll(user);
        cmd.addAll(layout.args());
        return cmd;
    }
}
