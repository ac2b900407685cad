package dev.mp4j.internal.spi;

import dev.mp4j.internal.spawn.Launcher;
import dev.mp4j.multiprocessing.Context;

/**
 * A context whose processes are JVMs: the "spawn" and "forkserver" contexts of
 * {@code Multiprocessing.getContext}. With {@link dev.mp4j.internal.dummy.DummyContext} it is one of the two
 * kinds of the sealed {@link Context}, so code given a {@code Context} learns which it has by an exhaustive
 * {@code switch}, never by a cast. Pools and executors take from it the {@link Launcher} that boots their
 * workers and the serial filter those workers apply.
 *
 * <p>Its one implementation is {@code Contexts.Base} (package-private in {@code dev.mp4j.multiprocessing}). It is {@code non-sealed}
 * only because a sealed interface must name its permitted classes, and that one is not visible here.
 */
public non-sealed interface JvmContext extends Context, Launcher {}
