/**
 * Python's {@code multiprocessing.managers}: objects that live in a server process and are used from any
 * process through proxies.
 *
 * <p>{@link dev.mp4j.multiprocessing.managers.BaseManager} runs or reaches a server and makes proxies of the
 * typeids registered with it; {@link dev.mp4j.multiprocessing.managers.SyncManager} (what
 * {@code Multiprocessing.manager()} returns) registers the common ones: maps, lists, namespaces, values,
 * arrays, queues, locks, semaphores, conditions, events, barriers and pools (a {@code Pool} whose workers
 * are the server's children). A proxy
 * ({@link dev.mp4j.multiprocessing.managers.BaseProxy}, or a typed one) is serializable: sent to another
 * process, it works there too. The server keeps a referent while some proxy to it exists in some process.
 * <pre>
 *   process A                        server process                        process B
 *   Map proxy ──put(k, v)──────────&gt; synchronized map  &lt;──────get(k)── Map proxy (received from A)
 * </pre>
 * A remote manager listens on TCP ({@code new InetSocketAddress("127.0.0.1", 0)}, or any host) with an
 * authkey; clients that know the address and the key {@code connect()}. A peer that fails the
 * authentication is dropped before anything it sent is deserialized.
 */
package dev.mp4j.multiprocessing.managers;
