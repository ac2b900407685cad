/**
 * Python's {@code multiprocessing.sharedctypes} ({@code Value}, {@code Array}): shared values and arrays, each
 * in a {@code /dev/shm} segment of its own, with a cross-process lock made when first needed.
 *
 * <pre>
 *   Context.sharedInt(3) --&gt; SharedObjects.sharedInt(3, lockFactory) --&gt; Handle.create: a segment
 *                                                                        "mp4j-&lt;16 hex&gt;", an IntValue over
 *                                                                        it; Owned unlinks the name when it goes
 *   value.set(4) / get()   VarHandle volatile access at offset 0 (arrays: plain access at i x element size)
 *   send to a child    --&gt; writeReplace makes the lock --&gt; Form(kind, name, length, lock) --&gt; the child maps
 *                          the same segment (Segment.attach) and shares the lock; its copy never unlinks
 * </pre>
 * See {@link dev.mp4j.internal.shared.Handle} for the layout, the serialized form and who unlinks what.
 */
package dev.mp4j.internal.shared;
