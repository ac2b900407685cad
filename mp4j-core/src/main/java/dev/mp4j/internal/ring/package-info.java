/** A shared-memory ring carrying length-framed messages between processes (see {@link dev.mp4j.internal.ring.Ring}). */
package dev.mp4j.internal.ring;
