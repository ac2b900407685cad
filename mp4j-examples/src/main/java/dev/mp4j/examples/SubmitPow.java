package dev.mp4j.examples;

import dev.mp4j.futures.Future;
import dev.mp4j.futures.ThreadPoolExecutor;

import java.math.BigInteger;

/**
 * {@code Executor.submit} as in Python's documentation ({@code executor.submit(pow, 323, 1235)}), and what a
 * future looks like once its task finished or failed.
 */
public final class SubmitPow {
    private SubmitPow() {}

    public static void main(String[] args) {
        try (var executor = new ThreadPoolExecutor(1)) {
            Future<BigInteger> future = executor.submit(() -> BigInteger.valueOf(323).pow(1235));
            String digits = future.result().toString();
            System.out.printf("323 ** 1235 = %s...%s (%d digits)%n",
                    digits.substring(0, 12), digits.substring(digits.length() - 12), digits.length());
            System.out.println(future);

            // A task's unchecked exception reaches the caller unchanged, as in Python.
            Future<Integer> failed = executor.submit(() -> Math.addExact(Integer.MAX_VALUE, 1));
            try {
                failed.result();
            } catch (ArithmeticException e) {
                System.out.println("result() raised " + e);
            }
            System.out.println("exception() returns " + failed.exception());
            System.out.println(failed);
        }
    }
}
