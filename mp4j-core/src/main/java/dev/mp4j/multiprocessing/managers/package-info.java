/**
 * Python's {@code multiprocessing.managers}: shared objects that live in a server process and are used
 * through proxies. Being built; this package holds the proxy-facing interfaces so far.
 */
package dev.mp4j.multiprocessing.managers;
