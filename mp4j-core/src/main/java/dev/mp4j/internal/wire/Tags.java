package dev.mp4j.internal.wire;

/**
 * Every tag that starts a frame on a child JVM's control channel (its stdin one way, its FIFO the other):
 * the launcher's own frames and those of the jobs that run on that channel, in one place so that no two
 * share a byte ({@code TagsTest} checks it). A frame is its tag, then what its protocol puts after it.
 * <pre>
 *   the launcher's frames
 *   child → parent   HELLO        'H'                               once, first, as soon as the child opened its FIFO
 *   parent → child   FILTER       'F' serialized ObjectInputFilter  at most once, before the job: the child's serial filter
 *   parent → child   JOB          'J' the encoded job               once
 *   child → parent   EXIT         'E' int32 exit code               the job returned; the child exits with that code
 *   child → parent   SYSEXIT      'X'                               System.exit was called by the program itself
 *   child → parent   TERM_DEFAULT 'D'                               once, before the job runs: SIGTERM's disposition is final
 *
 *   a pool worker's frames (the job's own protocol; their layouts are in the pool's {@code PoolFrames})
 *   parent → worker  TASK 'T', CHUNK 'C', QUIT 'Q'
 *   worker → parent  RESULT 'R', INIT_FAILED 'I', SOFT_LIMIT 'S', MEMORY 'M', BOUNCE 'B'
 * </pre>
 * A child that sends neither EXIT nor SYSEXIT before its channel closes was killed: its exit status
 * 128+N then means signal N.
 */
public final class Tags {
    /** Child → parent, first frame. */
    public static final byte HELLO = 'H';
    /** Parent → child, before the job: the serial filter the child applies to everything it decodes. */
    public static final byte FILTER = 'F';
    /** Parent → child: the job. */
    public static final byte JOB = 'J';
    /** Child → parent: the job returned this exit code. */
    public static final byte EXIT = 'E';
    /** Child → parent: the program called System.exit. */
    public static final byte SYSEXIT = 'X';
    /**
     * Child → parent, before the job runs: SIGTERM's default action is in place (or, where it could not be
     * set, the JVM's handler stays), so a SIGTERM sent from now on is not lost.
     */
    public static final byte TERM_DEFAULT = 'D';

    /** Parent → pool worker: a task. */
    public static final byte TASK = 'T';
    /** Parent → pool worker: a chunk of calls of one function. */
    public static final byte CHUNK = 'C';
    /** Parent → pool worker: exit after the tasks already sent. */
    public static final byte QUIT = 'Q';
    /** Pool worker → parent: a task's outcome. */
    public static final byte RESULT = 'R';
    /** Pool worker → parent: the initializer failed. */
    public static final byte INIT_FAILED = 'I';
    /** Pool worker → parent: the soft time limit interrupted a task. */
    public static final byte SOFT_LIMIT = 'S';
    /** Pool worker → parent: the worker's heap use passed its limit; it wants to be replaced. */
    public static final byte MEMORY = 'M';
    /** Pool worker → parent: a task it did not run (it is over the memory limit); another worker runs it. */
    public static final byte BOUNCE = 'B';

    private Tags() {}

    /**
     * @param frame a frame, at least one byte
     * @return its tag
     */
    public static byte of(byte[] frame) {
        return frame[0];
    }

    /**
     * @param tag the tag
     * @param body the rest of the frame
     * @return a frame of tag then body
     */
    public static byte[] frame(byte tag, byte[] body) {
        byte[] out = new byte[body.length + 1];
        out[0] = tag;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }

    /**
     * @param tag the tag
     * @param value an int
     * @return a frame of tag then the int, big-endian
     */
    public static byte[] frame(byte tag, int value) {
        return new byte[] {tag, (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    /**
     * @param frame a frame made by {@link #frame(byte, int)}
     * @return the int
     */
    public static int intOf(byte[] frame) {
        return ((frame[1] & 0xff) << 24) | ((frame[2] & 0xff) << 16) | ((frame[3] & 0xff) << 8) | (frame[4] & 0xff);
    }
}
