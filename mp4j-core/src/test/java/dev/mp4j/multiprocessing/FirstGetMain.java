package dev.mp4j.multiprocessing;

import java.io.ObjectInputFilter;
import java.time.Duration;
import java.util.function.BinaryOperator;

/**
 * A program whose serial filter factory tells when the JVM's serial filter configuration is initialized: it
 * polls an empty queue, then waits on it, and prints after each whether the configuration was readied.
 */
public final class FirstGetMain {
    static volatile boolean factoryMade;

    /** The JVM-wide filter factory, made when the serial filter configuration is initialized. */
    public static final class Factory implements BinaryOperator<ObjectInputFilter> {
        public Factory() {
            factoryMade = true;
        }

        @Override
        public ObjectInputFilter apply(ObjectInputFilter current, ObjectInputFilter next) {
            return next;
        }
    }

    private FirstGetMain() {}

    public static void main(String[] args) {
        // a security property: the system property is read when the JVM starts
        java.security.Security.setProperty("jdk.serialFilterFactory", Factory.class.getName());
        Queue<String> q = Multiprocessing.queue();
        try {
            System.out.println("before the wait: " + factoryMade);
            try {
                q.getNowait(); // finds no message and waits for none: nothing to ready meanwhile
            } catch (Empty expected) {
                System.out.println("after a getNowait: " + factoryMade);
            }
            try {
                q.get(Duration.ofMillis(200));
            } catch (Empty expected) {
                System.out.println("after the wait: " + factoryMade);
            }
        } finally {
            q.close();
        }
    }
}
