package dev.mp4j.internal.spawn;

/**
 * The first byte of every frame on a control channel (a child's stdin one way, its FIFO the other; see
 * {@link Rendezvous}).
 * <pre>
 *   child → parent  HELLO   'H'                            once, first, as soon as the child opened its FIFO
 *   parent → child  FILTER  'F' serialized ObjectInputFilter  at most once, before the job: the child's serial filter
 *   parent → child  JOB     'J' serialized {@link Job}     once
 *   child → parent  EXIT    'E' int32 exit code            the job returned; the child exits with that code
 *   child → parent  SYSEXIT 'X'                            System.exit was called by the program itself
 *   child → parent  TERM_DEFAULT 'D'                       once, before the job runs: SIGTERM's disposition is final
 *   either way      other tags belong to the job's own protocol (a pool's tasks and results)
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
     * set, the JVM's handler stays), so a SIGTERM sent from now on is not lost; see {@link ChildJvm#terminate}.
     */
    public static final byte TERM_DEFAULT = 'D';

    private Tags() {}

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
