package dev.mp4j.internal.spawn;

import dev.mp4j.internal.util.LazyLogger;
import dev.mp4j.multiprocessing.ChildOutput;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The stdout and stderr of a child JVM whose context says {@link ChildOutput#PREFIXED} or
 * {@link ChildOutput#LOGGER}: a daemon thread per stream reads it line by line until the child closes it and
 * writes each line, labelled {@code "[ProcessName pid]"}, to the parent's stream or logger. (With
 * {@link ChildOutput#INHERIT} the child writes to the parent's streams itself and nothing runs here.)
 */
final class ChildStreams {
    private static final System.Logger CHILD_LOG = LazyLogger.of("dev.mp4j.child");
    private static final Charset NATIVE = nativeCharset();

    private ChildStreams() {}

    /**
     * @param output where the lines go
     * @return how the child's two streams are redirected
     */
    static ProcessBuilder.Redirect redirect(ChildOutput output) {
        return output == ChildOutput.INHERIT ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.PIPE;
    }

    /**
     * Starts the threads that carry a child's lines, if its output is not inherited.
     *
     * @param process the child
     * @param output where the lines go
     * @param name the child's process name, asked for each line (a spare gets its name only with its job)
     */
    static void pump(java.lang.Process process, ChildOutput output, AtomicReference<String> name) {
        if (output == ChildOutput.INHERIT) {
            return;
        }
        start(process, process.getInputStream(), false, output, name);
        start(process, process.getErrorStream(), true, output, name);
    }

    private static void start(java.lang.Process process, InputStream in, boolean err, ChildOutput output,
                              AtomicReference<String> name) {
        Thread.ofPlatform().daemon().name("mp4j-child-" + (err ? "stderr-" : "stdout-") + process.pid()).start(() -> {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    int from = 0;
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == '\n') {
                            line.write(buf, from, i - from);
                            emit(line, err, output, label(name, process));
                            from = i + 1;
                        }
                    }
                    line.write(buf, from, n - from);
                }
            } catch (IOException e) {
                // the child is gone: what it wrote so far is passed on below
            }
            if (line.size() > 0) {
                emit(line, err, output, label(name, process));
            }
        });
    }

    private static String label(AtomicReference<String> name, java.lang.Process process) {
        String n = name.get();
        return "[" + (n == null ? "" : n + " ") + process.pid() + "] ";
    }

    /** Passes one line on (without its line end) and empties {@code line}. */
    private static void emit(ByteArrayOutputStream line, boolean err, ChildOutput output, String label) {
        if (output == ChildOutput.LOGGER) {
            String text = line.toString(NATIVE);
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            CHILD_LOG.log(err ? System.Logger.Level.WARNING : System.Logger.Level.INFO, label + text);
        } else {
            PrintStream to = err ? System.err : System.out;
            byte[] prefix = label.getBytes(NATIVE);
            byte[] text = line.toByteArray();
            byte[] all = new byte[prefix.length + text.length + 1];
            System.arraycopy(prefix, 0, all, 0, prefix.length);
            System.arraycopy(text, 0, all, prefix.length, text.length);
            all[all.length - 1] = '\n';
            to.write(all, 0, all.length); // one call: the lines of two children do not mix
            to.flush();
        }
        line.reset();
    }

    /** @return the charset a child writes to a pipe with ({@code native.encoding}) */
    private static Charset nativeCharset() {
        try {
            return Charset.forName(System.getProperty("native.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }
}
