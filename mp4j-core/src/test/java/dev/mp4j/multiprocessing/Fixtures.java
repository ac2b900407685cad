package dev.mp4j.multiprocessing;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;

/**
 * What the targets of the tests' processes do in the child (write files, sleep), and how the tests read
 * those files back. Paths travel as Strings, so that a target's captures are serializable.
 */
final class Fixtures {
    private Fixtures() {}

    /** Writes {@code text} to {@code file}, replacing it. */
    static void write(String file, String text) {
        try {
            Files.writeString(Path.of(file), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends a line to {@code file}. */
    static void append(String file, String line) {
        try {
            Files.writeString(Path.of(file), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes key/value pairs to {@code file} at once (a reader never sees half of them). */
    static void report(String file, String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        StringWriter w = new StringWriter();
        try {
            p.store(w, null);
            Path target = Path.of(file);
            Path tmp = target.resolveSibling(target.getFileName() + ".part");
            Files.writeString(tmp, w.toString(), StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads what {@link #report} wrote. */
    static Map<String, String> readReport(Path file) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        Map<String, String> m = new HashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    /** In a child: sends its stderr to {@code file} (as CPython's tests replace sys.stderr). */
    static void stderrTo(String file) {
        try {
            System.setErr(new PrintStream(new FileOutputStream(file), true, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sleeps as a workload. */
    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static String str(Path p) {
        return p.toString();
    }
}
