package dev.mp4j.examples;

import dev.mp4j.futures.ResultIterator;
import dev.mp4j.futures.ThreadPoolExecutor;

import java.util.List;

/**
 * {@code Executor.map} when a call raises: the results before it arrive, then the iterator raises that
 * call's exception when it reaches the call's item, as Python's does.
 */
public final class MapErrors {
    private MapErrors() {}

    public static void main(String[] args) {
        try (var executor = new ThreadPoolExecutor()) {
            ResultIterator<Integer> quotients = executor.map((Integer x) -> 100 / x, List.of(5, 4, 0, 1));
            try {
                for (int q : quotients) {
                    System.out.println("100 / x = " + q);
                }
            } catch (ArithmeticException e) {
                System.out.println("the third item raised " + e);
            }
        }
    }
}
