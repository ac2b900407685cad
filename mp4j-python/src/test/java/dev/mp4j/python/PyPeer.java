package dev.mp4j.python;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A CPython process a test starts (a script of the test resources, on loopback): its standard output read line by
 * line with a timeout, its standard error kept in a file for the failure message, and, on {@link #close}, awaited
 * for a bounded time and then killed by its own handle.
 */
final class PyPeer implements AutoCloseable {
    private static final String EOF = "\u0000EOF";

    private final Process process;
    private final Path stderr;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread reader;

    private PyPeer(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        this.reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (IOException e) {
                // the process went away
            } finally {
                lines.add(EOF);
            }
        });
    }

    /**
     * @param python the interpreter
     * @param dir where the script is copied
     * @param script a script of the test resources (with pickle_oracle.py beside it, importable)
     * @param args its arguments
     * @return the started peer
     */
    static PyPeer start(Pythons.Python python, Path dir, String script, String... args) {
        Pythons.script("pickle_oracle.py", dir);
        Path s = Pythons.script(script, dir);
        List<String> command = new ArrayList<>(List.of(python.executable().toString(), "-u", s.toString()));
        command.addAll(List.of(args));
        try {
            Path err = Files.createTempFile(dir, "peer", ".err");
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectError(err.toFile());
            pb.environment().put("PYTHONIOENCODING", "utf-8");
            return new PyPeer(pb.start(), err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the next line the script printed; fails the test if none comes within {@code timeout} */
    String line(Duration timeout) {
        try {
            String l = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (l == null) {
                throw new AssertionError("no line from the Python peer within " + timeout + "; its stderr:\n"
                        + stderr());
            }
            if (l.equals(EOF)) {
                lines.add(EOF);
                throw new AssertionError("the Python peer ended; its stderr:\n" + stderr());
            }
            return l;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** @return {@code port} on the loopback address, where the peers listen */
    static java.net.InetSocketAddress loopback(int port) {
        return new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port);
    }

    /** @return the port the script printed as its first line */
    int port() {
        return Integer.parseInt(line(Duration.ofSeconds(30)).trim());
    }

    /** @return the exit code, once the script ends within {@code timeout} (else it is killed and this fails) */
    int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the Python peer did not end within " + timeout + "; its stderr:\n"
                        + stderr());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    String stderr() {
        try {
            return Files.readString(stderr, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close(); // a peer that serves until its stdin closes ends now
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            reader.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
