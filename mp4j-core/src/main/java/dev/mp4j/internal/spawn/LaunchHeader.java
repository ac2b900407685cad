package dev.mp4j.internal.spawn;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StreamCorruptedException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the parent writes on a child's stdin before anything else, and the child reads first of all:
 * <pre>
 *   int32  MAGIC        0x6d70346a ("mp4j")
 *   int32  VERSION      {@value #VERSION}; a child refuses a header of another version
 *   UTF    fifo         the FIFO the child reports back through ({@link Rendezvous}); it may not be
 *                       there yet: the parent makes it while the child boots, the child waits for it
 *   int64  parentPid    the pid the child watches, to end with its parent
 *   bool   spare        a forkserver spare: it warms up while it waits for its job
 *   bool   natives      a spare also links the semaphores' FFM handles ahead (its parent uses them)
 *   UTF    trackerFifo  the parent's resource tracker's FIFO, or empty; there once the child's FIFO is
 *   int32  n            how many class names follow
 *   UTF    preload[n]   the classes a forkserver child loads and initializes before its job runs
 *   int32  n            how many class names follow
 *   UTF    load[n]      the classes a forkserver spare loads and links, not initializes, while it waits:
 *                       those the parent's last job named (its decoding loads them again, found loaded)
 * </pre>
 * in {@link DataOutputStream}'s forms (big-endian; a UTF is a 2-byte length and modified UTF-8). The
 * frames of the control channel follow it on stdin. A change of the layout changes {@link #VERSION}.
 *
 * @param fifo the FIFO the child writes its frames to
 * @param parentPid the parent JVM's pid
 * @param spare whether the child is a forkserver spare
 * @param natives whether a spare links the semaphores' FFM handles ahead
 * @param trackerFifo the parent's resource tracker's FIFO, or empty
 * @param preload the classes a forkserver child (a spare while it waits) loads and initializes before its job runs
 * @param load the classes a forkserver spare loads and links while it waits, without initializing them
 */
public record LaunchHeader(String fifo, long parentPid, boolean spare, boolean natives, String trackerFifo,
                           List<String> preload, List<String> load) {
    static final int MAGIC = 0x6d70346a;
    static final int VERSION = 9;
    /** The most class names a header's list may hold. */
    private static final int MAX_CLASSES = 65_536;

    /** Copies the lists. */
    public LaunchHeader {
        preload = List.copyOf(preload);
        load = List.copyOf(load);
    }

    /**
     * A header with nothing to load ahead but the preloaded classes.
     *
     * @param fifo the FIFO the child writes its frames to
     * @param parentPid the parent JVM's pid
     * @param spare whether the child is a forkserver spare
     * @param natives whether a spare links the semaphores' FFM handles ahead
     * @param trackerFifo the parent's resource tracker's FIFO, or empty
     * @param preload the classes a forkserver child loads and initializes before its job runs
     */
    public LaunchHeader(String fifo, long parentPid, boolean spare, boolean natives, String trackerFifo,
                        List<String> preload) {
        this(fifo, parentPid, spare, natives, trackerFifo, preload, List.of());
    }

    /**
     * A header with nothing to preload.
     *
     * @param fifo the FIFO the child writes its frames to
     * @param parentPid the parent JVM's pid
     * @param spare whether the child is a forkserver spare
     * @param natives whether a spare links the semaphores' FFM handles ahead
     * @param trackerFifo the parent's resource tracker's FIFO, or empty
     */
    public LaunchHeader(String fifo, long parentPid, boolean spare, boolean natives, String trackerFifo) {
        this(fifo, parentPid, spare, natives, trackerFifo, List.of(), List.of());
    }

    /**
     * Writes the header and flushes it.
     *
     * @param stdin the child's stdin
     * @throws IOException if the child is gone
     */
    void write(OutputStream stdin) throws IOException {
        DataOutputStream out = new DataOutputStream(stdin);
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeUTF(fifo);
        out.writeLong(parentPid);
        out.writeBoolean(spare);
        out.writeBoolean(natives);
        out.writeUTF(trackerFifo);
        writeNames(out, preload);
        writeNames(out, load);
        out.flush();
    }

    /**
     * Reads a header field by field, unbuffered: what follows it on the stream belongs to the control
     * channel.
     *
     * @param in the child's stdin
     * @return the header
     * @throws StreamCorruptedException if it does not begin with {@link #MAGIC} and {@link #VERSION}: this
     *     JVM was not started by a compatible mp4j parent
     * @throws IOException if stdin ends or fails first
     */
    public static LaunchHeader read(DataInputStream in) throws IOException {
        if (in.readInt() != MAGIC || in.readInt() != VERSION) {
            throw new StreamCorruptedException("not a launch header of version " + VERSION);
        }
        String fifo = in.readUTF();
        long parentPid = in.readLong();
        boolean spare = in.readBoolean();
        boolean natives = in.readBoolean();
        String trackerFifo = in.readUTF();
        List<String> preload = readNames(in, "preload");
        List<String> load = readNames(in, "load ahead");
        return new LaunchHeader(fifo, parentPid, spare, natives, trackerFifo, preload, load);
    }

    private static void writeNames(DataOutputStream out, List<String> names) throws IOException {
        out.writeInt(names.size());
        for (String c : names) {
            out.writeUTF(c);
        }
    }

    private static List<String> readNames(DataInputStream in, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_CLASSES) {
            throw new StreamCorruptedException("a launch header with " + n + " classes to " + what);
        }
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(in.readUTF());
        }
        return names;
    }
}
