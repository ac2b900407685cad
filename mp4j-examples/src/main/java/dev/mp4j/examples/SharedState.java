package dev.mp4j.examples;

import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.SharedDouble;
import dev.mp4j.multiprocessing.SharedIntArray;

import java.util.Arrays;

/**
 * "Sharing state between processes", shared memory: Python's {@code Value('d', 0.0)} is a
 * {@link SharedDouble}, {@code Array('i', range(10))} a {@link SharedIntArray}. The child writes both;
 * the parent sees its writes once it has joined the child.
 */
public final class SharedState {
    private SharedState() {}

    static void f(SharedDouble n, SharedIntArray a) {
        n.set(3.1415927);
        for (int i = 0; i < a.length(); i++) {
            a.set(i, -a.get(i));
        }
    }

    public static void main(String[] args) {
        SharedDouble num = Multiprocessing.sharedDouble(0.0);
        SharedIntArray arr = Multiprocessing.sharedIntArray(10);
        for (int i = 0; i < arr.length(); i++) {
            arr.set(i, i);
        }

        var p = new Process(() -> f(num, arr));
        p.start();
        p.join();

        System.out.println(num.get());                       // 3.1415927
        int[] values = new int[arr.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = arr.get(i);
        }
        System.out.println(Arrays.toString(values));         // [0, -1, -2, -3, -4, -5, -6, -7, -8, -9]
    }
}
