package dev.mp4j.internal.ffm;

import dev.mp4j.internal.util.SystemPrograms;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Named pipes, made by the {@code mkfifo(1)} command: one fork and exec for as many FIFOs as one call asks
 * for, about 3 ms of CPU here, which callers spread over many FIFOs by asking for several at once (the
 * rendezvous of child JVMs makes them in batches that grow, {@code spawn.Rendezvous}). Not {@code mkfifo(3)}
 * through FFM: linking that downcall cost a fresh JVM 40–70 ms of CPU (a hundred JDK classes, method handles
 * spun), as much as a dozen batches, in the middle of the program's first starts; and the command needs no
 * native access.
 */
public final class Fifo {
    private static final int MODE = 0600;
    /** How long the command may take. */
    private static final long COMMAND_SECONDS = 30;
    /** The command, found once ({@link SystemPrograms}). */
    private static volatile String mkfifo;

    private Fifo() {}

    /**
     * Makes FIFOs that only this user can open, with one command for all of them.
     *
     * @param paths where; nothing may exist there
     * @throws IOException if one cannot be made (the others may have been), naming it
     */
    public static void make(Path... paths) throws IOException {
        if (paths.length == 0) {
            return;
        }
        List<String> command = new ArrayList<>(3 + paths.length);
        String program = mkfifo;
        if (program == null) {
            program = SystemPrograms.find("mkfifo");
            mkfifo = program;
        }
        command.add(program);
        command.add("-m");
        command.add(Integer.toOctalString(MODE));
        for (Path path : paths) {
            command.add(path.toString());
        }
        String what = paths.length == 1 ? paths[0].toString() : Arrays.toString(paths);
        java.lang.Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] said;
        try (InputStream out = p.getInputStream()) {
            p.getOutputStream().close();
            // waited for first, then read: a read would wait for a hung command without end, and what it says
            // (a line per path that failed) fits in the pipe
            if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("mkfifo " + what + " did not finish within " + COMMAND_SECONDS + " s");
            }
            said = out.readAllBytes(); // what it says on failure; it writes nothing otherwise
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making the FIFO " + what, e);
        }
        if (p.exitValue() != 0) {
            for (Path path : paths) {
                if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !isFifo(path)) {
                    throw new IOException("mkfifo(" + path + ") failed: it exists already");
                }
            }
            String message = new String(said, Charset.defaultCharset()).strip();
            throw new IOException("mkfifo " + what + " failed with exit code " + p.exitValue()
                    + (message.isEmpty() ? "" : ": ".concat(message)));
        }
    }

    /**
     * @param path a path in a directory of the caller's own, where only this class makes special files
     * @return whether a FIFO is there (a special file: a socket or a device would pass too)
     */
    public static boolean isFifo(Path path) {
        try {
            return Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).isOther();
        } catch (IOException e) {
            return false;
        }
    }
}
