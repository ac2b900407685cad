package dev.mp4j.examples;

import dev.mp4j.futures.ResultIterator;
import dev.mp4j.futures.ProcessPoolExecutor;
import dev.mp4j.futures.ThreadPoolExecutor;

import java.util.Iterator;
import java.util.List;

/**
 * {@code Executor.map}: the "ProcessPoolExecutor Example" of Python's documentation, which checks big
 * numbers for primality in worker processes (here worker JVMs, one per CPU). Then the same {@code map}
 * on threads, raising a call's exception at the item where it happened.
 *
 * <p>{@code isPrime} reaches the workers as a serializable method reference; the workers find this class
 * on the class path or module path they inherit from this JVM.
 */
public final class MapPrimes {
    static final List<Long> PRIMES = List.of(
            112272535095293L,
            112582705942171L,
            112272535095293L,
            115280095190773L,
            115797848077099L,
            1099726899285419L);

    private MapPrimes() {}

    static boolean isPrime(long n) {
        if (n < 2) {
            return false;
        }
        if (n == 2) {
            return true;
        }
        if (n % 2 == 0) {
            return false;
        }
        long sqrtN = (long) Math.floor(Math.sqrt(n));
        for (long i = 3; i <= sqrtN; i += 2) {
            if (n % i == 0) {
                return false;
            }
        }
        return true;
    }

    public static void main(String[] args) {
        try (var executor = new ProcessPoolExecutor()) {
            Iterator<Long> numbers = PRIMES.iterator();
            for (boolean prime : executor.map(MapPrimes::isPrime, PRIMES)) {
                System.out.printf("%d is prime: %s%n", numbers.next(), prime);
            }
            System.out.println("(computed in " + executor.processes().size() + " worker JVMs)");
        }

        // On threads, the same call; the iterator raises a call's exception when it reaches that call's item.
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
