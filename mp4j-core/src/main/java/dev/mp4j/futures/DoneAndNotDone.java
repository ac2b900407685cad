package dev.mp4j.futures;

import java.util.Set;

/**
 * What {@link Futures#wait} returns: the futures that completed (finished or were cancelled) and those
 * that did not.
 *
 * @param done the completed futures
 * @param notDone the uncompleted futures
 * @param <F> the future type
 * @since 0.1
 */
public record DoneAndNotDone<F>(Set<F> done, Set<F> notDone) {}
