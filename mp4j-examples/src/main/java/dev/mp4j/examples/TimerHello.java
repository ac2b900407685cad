package dev.mp4j.examples;

import dev.mp4j.threading.Timer;

import java.time.Duration;

/**
 * {@link Timer}: an action that runs once an interval has passed, unless the timer is cancelled first.
 */
public final class TimerHello {
    private TimerHello() {}

    public static void main(String[] args) throws InterruptedException {
        Timer t = new Timer(Duration.ofMillis(100), () -> System.out.println("hello, world"));
        t.start();                                         // after 0.1 seconds, "hello, world" is printed
        t.join(Duration.ofSeconds(5));

        Timer never = new Timer(Duration.ofSeconds(30), () -> System.out.println("this never prints"));
        never.start();
        never.cancel();                                    // still waiting: the action will not run
        boolean ended = never.join(Duration.ofSeconds(5));
        System.out.println("a timer cancelled while waiting ended without running its action: " + ended);
    }
}
