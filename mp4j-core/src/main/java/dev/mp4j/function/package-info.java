/**
 * Serializable functional interfaces: the callables that mp4j can send to another JVM. A lambda targeted at
 * one of them is serializable (its captured values must be too). Thread-backed executors accept the same
 * types, so code moves between threads and processes by changing one line.
 */
package dev.mp4j.function;
