package dev.mp4j.internal.spawn;

import dev.mp4j.internal.ffm.Linked;
import dev.mp4j.internal.tracker.ResourceTracker;
import dev.mp4j.internal.util.ProcessTrees;
import dev.mp4j.internal.wire.FrameChannel;

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

/**
 * Boots a child JVM and returns it connected, waiting for its job.
 *
 * <p>The child is the parent's own {@code java} (or the context's executable) with the parent's class path
 * and module path, the options mp4j needs, then the context's options, and the main class of the
 * {@link Spec} (the child JVM's composition root, which the layer above names: launching knows nothing of
 * what runs in the child). Its stdout and stderr are the parent's; its stdin is a pipe that the parent writes
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
     * @param jvmOptions extra JVM options, after mp4j's own
     * @param main the child's main class: it reads the {@link LaunchHeader} from stdin, connects back and
     *     runs the job it is sent
     */
    public record Spec(Path java, List<String> jvmOptions, Class<?> main) {
        /** Copies the options. */
        public Spec {
            jvmOptions = List.copyOf(jvmOptions);
            Objects.requireNonNull(main, "main");
        }

        /**
         * @param main the child's main class
         * @return the running JVM's own java binary, no extra options
         */
        public static Spec defaults(Class<?> main) {
            return new Spec(Path.of(System.getProperty("java.home"), "bin", "java"), List.of(), main);
        }

        /**
         * @param options the extra JVM options
         * @return this spec with those options instead
         */
        public Spec withJvmOptions(List<String> options) {
            return new Spec(java, options, main);
        }

        /**
         * @param binary the java binary
         * @return this spec with that binary instead
         */
        public Spec withJava(Path binary) {
            return new Spec(binary, jvmOptions, main);
        }
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
        return begin(spec, false);
    }

    /**
     * @param spec how to start it
     * @param spare the child is a forkserver spare: it warms up while it waits for a job
     * @return the booting child
     * @throws IOException if the JVM cannot be started
     */
    static Booting begin(Spec spec, boolean spare) throws IOException {
        Rendezvous rendezvous = Rendezvous.get();
        Path fifo = rendezvous.newFifo();
        List<String> command = command(spec, AotCache.options(spec));
        java.lang.Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            ProcessTrees.mark(builder.environment());
            process = builder.start();
        } catch (IOException e) {
            Rendezvous.forget(fifo);
            throw new IOException("cannot start a child JVM with " + command.getFirst() + ": " + e.getMessage(), e);
        }
        OutputStream stdin = process.getOutputStream();
        CompletableFuture<FrameChannel> connected = rendezvous.admit(fifo, process, stdin, () -> new IOException(
                "the child JVM (pid " + process.pid() + ") exited with code " + process.exitValue()
                        + " before it connected back; its stderr above says why. Command: " + String.join(" ", command)));
        String tracker = ResourceTracker.fifo();
        try {
            new LaunchHeader(fifo.toString(), ProcessHandle.current().pid(), spare, spare && Linked.semaphores(),
                    tracker == null ? "" : tracker).write(stdin);
        } catch (IOException e) {
            // the child died at once; its exit is reported by await()
        }
        return new Booting(process, connected);
    }

    /**
     * A child JVM whose process runs but which may not have connected yet.
     *
     * @param process the OS process
     * @param connected completes with the control channel (which owns the child's stdin) once the child said
     *     hello
     */
    public record Booting(java.lang.Process process, CompletableFuture<FrameChannel> connected) {
        /**
         * @return the connected child
         * @throws IOException if it exits before connecting, or does not connect in time (it is then killed)
         */
        public ChildJvm await() throws IOException {
            try {
                FrameChannel channel = connected.get(BOOT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                return new ChildJvm(process, channel);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            } catch (TimeoutException e) {
                process.destroyForcibly();
                throw new IOException("the child JVM (pid " + process.pid() + ") did not connect back within "
                        + BOOT_TIMEOUT_SECONDS + " s; it was killed");
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while a child JVM was booting", e);
            }
        }
    }

    static List<String> command(Spec spec, List<String> aotOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(spec.java().toString());
        Module module = spec.main().getModule();
        boolean modular = module.isNamed();
        cmd.add("--enable-native-access=" + (modular ? module.getName() : "ALL-UNNAMED"));
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:-UsePerfData");
        cmd.addAll(aotOptions);
        cmd.addAll(spec.jvmOptions());
        String classPath = System.getProperty("java.class.path", "");
        if (!classPath.isEmpty()) {
            cmd.add("-cp");
            cmd.add(classPath);
        }
        if (modular) {
            cmd.add("-p");
            cmd.add(System.getProperty("jdk.module.path", ""));
            cmd.add("--add-modules");
            cmd.add("ALL-MODULE-PATH");
            cmd.add("-m");
            cmd.add(module.getName() + "/" + spec.main().getName());
        } else {
            cmd.add(spec.main().getName());
        }
        return cmd;
    }
}
