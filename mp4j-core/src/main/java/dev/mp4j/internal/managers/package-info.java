/**
 * The machinery of {@code dev.mp4j.multiprocessing.managers}: the server ({@link
 * dev.mp4j.internal.managers.ManagerServer}), the client connections ({@link
 * dev.mp4j.internal.managers.Client}), the messages between them ({@link dev.mp4j.internal.managers.ManagerMessages}),
 * reference counting from proxies ({@link dev.mp4j.internal.managers.Refs}) and the referents a
 * {@code SyncManager} makes.
 * <pre>
 *   BaseManager.start() ──spawn──&gt; server JVM: ManagerServer.serveForever()
 *        │                              │ listener (authkey) ─accept─&gt; Session thread per connection
 *   create(typeid) ─CREATE─&gt;            │   table: id → referent, refcount
 *   proxy.m(args)  ─CALL (this thread's connection)─&gt; Session: referent.m(args) ─&gt; RETURN / ERROR / PROXY
 *   proxy unreachable ─Cleaner─&gt; DECREF          ─&gt; refcount 0: the referent leaves the table
 *   proxy deserialized elsewhere ─INCREF─&gt;
 * </pre>
 */
package dev.mp4j.internal.managers;
