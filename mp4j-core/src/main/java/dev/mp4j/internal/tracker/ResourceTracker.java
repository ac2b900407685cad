package dev.mp4j.internal.tracker;

import dev.mp4j.internal.ffm.Fifo;
import dev.mp4j.internal.util.PortableNames;
import dev.mp4j.internal.util.ProcessTrees;
import dev.mp4j.internal.util.SystemPrograms;

import dev.mp4j.internal.util.Urandom;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Removes the named OS objects a program made — semaphores, shared memory, socket files, temp
 * directories — when the program ends, however it ends (SIGKILL included): CPython's resource tracker.
 *
 * <p>The tracker is a small {@code awk} process that reads a FIFO. Every JVM of the program (the main one
 * and, through their launch header, its children) holds the FIFO open for writing and writes one line
 * per event: {@code R kind name} when it makes an object, {@code U kind name} when it removes one itself.
 * When every writer is gone — all the program's JVMs have ended — awk reads end-of-file and removes
 * what is still registered, then the FIFO and its directory. Lines are shorter than {@code PIPE_BUF}, so
 * writes from several JVMs never interleave. Names are checked against a narrow pattern before they are
 * registered, so the tracker only ever removes mp4j's own objects.
 */
public final class ResourceTracker {
    /** What kind of object a name is. */
    public enum Kind {
        /** A POSIX named semaphore, {@code /mp4j-...} ({@code /dev/shm/sem.mp4j-...}). */
        SEM,
        /** A shared memory segment, {@code mp4j-...} in {@code /dev/shm}. */
        SHM,
        /** A file (a socket file), by absolute path. */
        FILE,
        /** An empty directory, by absolute path, removed after the files. */
        DIR
    }

    private static final String FIFO = "t.fifo";
    /** What the tracker's starting shell says once awk runs and the shell holds the FIFO open. */
    private static final byte[] READY = "ready\n".getBytes(StandardCharsets.US_ASCII);
    /**
     * The tracker's starting shell: $1 the FIFO, $2 its directory, $3 awk's script. It opens the FIFO for
     * reading and writing (fd 4), then for reading (fd 3, at once: there is a writer), which awk gets as its
     * stdin; it holds fd 4 until this JVM has opened the FIFO too. Whenever the JVM ends then, awk reads
     * end-of-file: awk never waits in an open of its own, which would wait for ever once every writer was gone.
     */
    private static final String START = SystemPrograms.SHELL_PATH + """
            command -v awk >/dev/null && mkdir -m 700 "$2" || exit 1
            mkfifo -m 600 "$1" || { rmdir "$2"; exit 1; }
            exec 4<>"$1" 3<"$1"
            awk -v FIFO="$1" -v HOME="$2" "$3" <&3 >/dev/null 2>&1 3<&- 4>&- &
            exec 3<&-
            echo ready
            read line
            exit 0
            """;
    /**
     * awk's script: at end-of-file it removes what is still registered, the FIFO and its directory with one
     * shell (one fork and exec, however many objects; it was one per object), so that what a killed program
     * left is gone about as soon as the tracker's own directory is; a long list goes in several, each
     * shorter than the longest argument the kernel takes.
     */
    private static final String SCRIPT = """
            function q(s) { return " '" s "'" }
            $1 == "R" { live[$2 " " $3] = 1; next }
            $1 == "U" { delete live[$2 " " $3]; next }
            END {
              rm = ""; nd = 0
              for (k in live) {
                split(k, p, " ")
                if (p[1] == "SEM") rm = rm q("/dev/shm/sem." substr(p[2], 2))
                else if (p[1] == "SHM") rm = rm q("/dev/shm/" p[2])
                else if (p[1] == "FILE") rm = rm q(p[2])
                else if (p[1] == "DIR") dir[++nd] = p[2]
                if (length(rm) > 60000) { system("rm -f" rm); rm = "" }
              }
              rd = ""
              for (i = 1; i <= nd; i++) {
                rd = rd q(dir[i])
                if (length(rd) > 60000) { system("rm -f" rm "; rmdir" rd " 2>/dev/null"); rm = ""; rd = "" }
              }
              system("rm -f" rm q(FIFO) "; rmdir" rd q(HOME) " 2>/dev/null")
            }
            """;

    private static RandomAccessFile out;  // guarded by ResourceTracker.class
    private static volatile String fifo; // written under ResourceTracker.class: null until started or failed
    /** Where this JVM's tracker lives, named before its start makes it; guarded by {@link #NAMING}. */
    private static Path home;
    private static final Object NAMING = new Object();
    /** Whether {@link #startInBackground} has begun a start; written under {@link #NAMING}. */
    private static volatile boolean starting;

    private ResourceTracker() {}

    /**
     * Starts this JVM's tracker if it is not running yet, so that an object made next is registered within
     * microseconds of being made, not after the tracker's own start: a JVM killed in between leaves it.
     */
    public static synchronized void start() {
        ensureStarted();
    }

    /**
     * Starts this JVM's tracker on a daemon thread if nothing has started it yet, and returns at once: a
     * caller that will make an object soon overlaps the tracker's start (a shell, mkfifo and awk forked:
     * tens of ms) with its own preparation. Whatever it makes still waits for the tracker first
     * ({@link #fifo}, {@link #register}), so a JVM killed meanwhile leaves nothing unregistered.
     */
    public static void startInBackground() {
        if (fifo != null || starting) {
            return;
        }
        synchronized (NAMING) {
            if (starting) {
                return;
            }
            starting = true;
        }
        try {
            new Starter().start(); // not assigned to a Thread: the verifier would load Starter in every JVM
        } catch (OutOfMemoryError noThread) {
            // no thread to spare: the tracker starts when first needed, on the caller's thread
        }
    }

    /** A named class, not a lambda: a fresh JVM would spin one on its first queue. */
    private static final class Starter extends Thread {
        Starter() {
            super("mp4j-tracker-start");
            setDaemon(true);
        }

        @Override
        public void run() {
            ResourceTracker.start();
        }
    }

    /**
     * @param kind the object's kind
     * @param name its name or path
     * @throws IllegalArgumentException if the name is not one mp4j makes
     */
    public static void register(Kind kind, String name) {
        write("R", kind, name);
    }

    /**
     * @param kind the object's kind
     * @param name its name or path (removed by the caller itself)
     */
    public static void unregister(Kind kind, String name) {
        write("U", kind, name);
    }

    /** @return the FIFO children should write to, starting the tracker if needed; empty if it cannot run */
    public static synchronized String fifo() {
        ensureStarted();
        return fifo;
    }

    /**
     * The FIFO children should write to, at once: while the tracker starts (on another thread, or at the next
     * {@link #start}), its name. A child opens it only once it has connected back, and its parent makes the
     * child's FIFO only after {@link #start}: by then it is there, unless the tracker could not start.
     *
     * @return the FIFO's path; empty if the tracker could not start
     */
    public static String fifoName() {
        String f = fifo;
        return f != null ? f : home().resolve(FIFO).toString();
    }

    private static Path home() {
        synchronized (NAMING) {
            if (home == null) {
                home = Urandom.name(Urandom.tempDir(), "mp4j-tracker-");
            }
            return home;
        }
    }

    /**
     * In a child JVM: write to the parent's tracker instead of starting one.
     *
     * @param path the parent's FIFO, or empty for none
     */
    public static synchronized void useParent(String path) {
        if (path == null || path.isEmpty() || out != null) {
            return;
        }
        try {
            out = openFifo(Path.of(path));
            fifo = path;
        } catch (IOException e) {
            // the parent's tracker is gone: start our own when needed
        }
    }

    /**
     * @return whether the tracker handles {@code name} of {@code kind}: a semaphore's
     *     {@code /mp4j-[A-Za-z0-9._-]{1,200}}, a shared memory segment's {@code [A-Za-z0-9._-]{1,200}}, a file's or
     *     directory's {@code /[A-Za-z0-9._/-]{1,400}}, and none with {@code ..} ({@link PortableNames})
     */
    static boolean handled(Kind kind, String name) {
        if (name.contains("..")) {
            return false;
        }
        return switch (kind) {
            case SEM -> name.startsWith("/mp4j-") && PortableNames.of(name, "/mp4j-".length(), 200, false);
            case SHM -> PortableNames.of(name, 0, 200, false);
            case FILE, DIR -> name.startsWith("/") && PortableNames.of(name, 1, 400, true);
        };
    }

    private static void write(String op, Kind kind, String name) {
        if (!handled(kind, name)) {
            throw new IllegalArgumentException("not a name the resource tracker handles: " + kind + " " + name);
        }
        // a StringBuilder, not +: javac's indy concat links each call site at its first run, a fresh JVM's first start
        byte[] line = new StringBuilder(name.length() + 8).append(op).append(' ').append(kind.name()).append(' ')
                .append(name).append('\n').toString().getBytes(StandardCharsets.US_ASCII);
        synchronized (ResourceTracker.class) {
            ensureStarted();
            if (out == null) {
                return;
            }
            try {
                out.write(line);
            } catch (IOException e) {
                out = null; // the tracker died; nothing more to tell it
            }
        }
    }

    private static void ensureStarted() {
        if (out != null || fifo != null) {
            return;
        }
        try {
            Path home = home();
            Path f = home.resolve(FIFO);
            // sh makes the directory and the FIFO (mkfifo(1), so that a program that only starts processes needs
            // no native access), starts awk detached, holds the FIFO open until this JVM has opened it (or has
            // ended: then awk reads end-of-file and removes both), and exits: no JDK reaper thread sits in
            // waitpid for awk, which would delay this JVM's exit.
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", START, "mp4j-tracker", f.toString(),
                    home.toString(), SCRIPT)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            // not part of this JVM's process tree: when this JVM is killed and its parent kills what it
            // started, the tracker must live on to remove what this JVM left
            ProcessTrees.unmark(pb.environment());
            java.lang.Process sh = pb.start();
            try (var said = sh.getInputStream()) {
                if (!Arrays.equals(said.readNBytes(READY.length), READY)) {
                    throw new IOException("the resource tracker did not start");
                }
                out = openFifo(f);
            } finally {
                sh.getOutputStream().close(); // sh exits
            }
            fifo = f.toString();
        } catch (IOException | RuntimeException e) {
            fifo = ""; // no tracker on this system: objects are removed only by the program itself
        }
    }

    /**
     * Opens a FIFO read-write: that never blocks (a write-only open waits for a reader). A file, not a
     * {@code FileChannel}: a channel's write on a thread whose interrupt status is set closes the channel, which
     * lost that registration and all later ones, and, once no child held the FIFO, made the tracker remove what
     * the live program was using; a file's write ignores the status.
     */
    private static RandomAccessFile openFifo(Path f) throws IOException {
        if (!Fifo.isFifo(f)) {
            throw new IOException("no FIFO at " + f);
        }
        RandomAccessFile file = new RandomAccessFile(f.toFile(), "rw");
        if (!Fifo.isFifo(f)) { // removed between the check and the open: "rw" made a plain file
            file.close();
            Files.deleteIfExists(f);
            throw new IOException("no FIFO at " + f);
        }
        return file;
    }
}
