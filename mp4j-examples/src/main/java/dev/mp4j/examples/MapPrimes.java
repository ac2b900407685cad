package dev.mp4j.examples;

import dev.mp4j.futures.ProcessPoolExecutor;

import java.util.Iterator;
import java.util.List;

/**
 * The "ProcessPoolExecutor Example" of Python's {@code concurrent.futures} documentation: checks big
 * numbers for primality with {@code executor.map} in worker processes (here worker JVMs, one per CPU) and
 * prints the results in the order of the numbers.
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
            Iterator<Long> numbers = PRIMES.iterator(); // zip(PRIMES, executor.map(...))
            for (boolean prime : executor.map(MapPrimes::isPrime, PRIMES)) {
                System.out.printf("%d is prime: %s%n", numbers.next(), prime);
            }
        }
    }
}
