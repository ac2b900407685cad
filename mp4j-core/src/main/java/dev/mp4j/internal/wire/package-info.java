/**
 * How bytes travel between mp4j's processes: objects become bytes ({@link dev.mp4j.internal.wire.Codec}),
 * bytes travel as frames ({@link dev.mp4j.internal.wire.Frames}), and what comes in is checked on the way.
 * <pre>
 *   sender                                                     receiver
 *   object --Codec.encode--&gt; bytes                             bytes --Codec.decode(filter)--&gt; object
 *            FastFormat (first byte 0x01): common values          FastReader / a JDK ObjectInputStream; the
 *              (FastWriter), or a JDK stream (0xAC 0xED)          filter (SerialFilters: a context's own, with
 *                                                                 mp4j's limits) sees the classes of either form
 *
 *   bytes are the payload of a message: a pool's frame (pool.PoolFrames), a manager's request or reply
 *   (managers.ManagerMessages), a child's job, a Connection's message (a queue's and a pipe's go through a
 *   shared-memory ring instead: ring.Ring)
 *
 *   payload --Frames: int32 length (or -1, int64 length), payload--&gt;
 *       FrameChannel            a child JVM's control channel: its stdin one way, a FIFO the other; each
 *                               frame's first byte a Tags tag (the launcher's and the pool worker's)
 *       conn.SocketConnection   Python's multiprocessing.connection over a socket, after the authkey
 *                               Handshake (HMAC of Sha256, no JCA on a child's start-up path)
 * </pre>
 * Nothing is decoded from a peer before it passed the handshake (a socket) or before it was started by this
 * JVM (a child's channel); every length read is bounded by the bytes that carry it before anything is
 * allocated.
 */
package dev.mp4j.internal.wire;
