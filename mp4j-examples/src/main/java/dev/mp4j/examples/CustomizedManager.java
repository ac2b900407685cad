package dev.mp4j.examples;

import dev.mp4j.multiprocessing.managers.BaseManager;

/**
 * The "Customized managers" example of Python's {@code multiprocessing} documentation: a manager subclass
 * registers a type, its server process makes the object, and this JVM calls its methods through a proxy.
 *
 * <p>The proxy implements {@link Maths}; each call runs {@code MathsClass}'s method in the manager's server
 * process and returns a copy of the result. Leaving the try block shuts the server down.
 */
public final class CustomizedManager {
    private CustomizedManager() {}

    /** What the proxy offers: the methods of MathsClass that clients call. */
    public interface Maths {
        /**
         * @param x a number
         * @param y another
         * @return their sum
         */
        int add(int x, int y);

        /**
         * @param x a number
         * @param y another
         * @return their product
         */
        int mul(int x, int y);
    }

    /** The shared object's class; instances live in the manager's server process. */
    static final class MathsClass implements Maths {
        @Override
        public int add(int x, int y) {
            return x + y;
        }

        @Override
        public int mul(int x, int y) {
            return x * y;
        }
    }

    /** Python's {@code class MyManager(BaseManager)} with {@code MyManager.register('Maths', MathsClass)}. */
    static final class MyManager extends BaseManager {
        MyManager() {
            register("Maths", MathsClass::new);
        }
    }

    public static void main(String[] args) {
        try (var manager = new MyManager()) {
            manager.start();
            Maths maths = manager.create("Maths", Maths.class);
            System.out.println(maths.add(4, 3)); // prints 7
            System.out.println(maths.mul(7, 8)); // prints 56
        }
    }
}
