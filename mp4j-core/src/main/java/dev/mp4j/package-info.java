/** Types shared by all of mp4j's modules-in-Python's-sense: {@link dev.mp4j.InterruptedError}. */
package dev.mp4j;
