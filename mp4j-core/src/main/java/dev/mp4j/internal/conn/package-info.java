/**
 * Python's {@code multiprocessing.connection} over sockets: {@link dev.mp4j.internal.conn.SocketConnection}
 * (a framed message channel), {@link dev.mp4j.internal.conn.SocketListener} and the authkey handshake
 * ({@link dev.mp4j.internal.conn.Auth}), and {@link dev.mp4j.internal.conn.Waiter}, the engine of
 * {@code Connections.wait} over anything that is a {@link dev.mp4j.internal.conn.Waitable}.
 * <pre>
 *   Connections.client(address, key) ---connect---&gt; Listener(address, backlog, key).accept()
 *       answer challenge, deliver challenge   &lt;====&gt;   deliver challenge, answer challenge
 *       SocketConnection  &lt;==== frames: int32 length, payload (Frames) ====&gt;  SocketConnection
 * </pre>
 */
package dev.mp4j.internal.conn;
