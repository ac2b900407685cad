package dev.mp4j.examples;

import dev.mp4j.futures.Future;
import dev.mp4j.futures.ThreadPoolExecutor;

import java.util.List;

public class Quickstart {
    public static void main(String[] args) {
        try (var executor = new ThreadPoolExecutor(4)) {
            Future<Integer> future = executor.submit(() -> 6 * 7);
            System.out.println(future.result());                 // 42

            for (int square : executor.map((Integer x) -> x * x, List.of(1, 2, 3, 4))) {
                System.out.println(square);                      // 1, 4, 9, 16: in order
            }
        }                                                        // close() waits for the workers
    }
}
