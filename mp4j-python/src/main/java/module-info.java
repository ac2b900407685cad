/**
 * mp4j-python: Java and CPython processes working together through {@code multiprocessing}'s own protocols.
 * {@link dev.mp4j.python.Pickle} is CPython's pickle format (read: protocols 2 to 5; written: protocol 4);
 * {@link dev.mp4j.python.PyConnection} carries pickled objects on an mp4j connection whose other end may be a
 * CPython {@code multiprocessing.connection} {@code Listener} or {@code Client}; {@link dev.mp4j.python.PyManager}
 * is a client of a CPython {@code BaseManager} server.
 *
 * <p>What Java accepts from Python is data only: unpickling never loads a Java class by name and never runs Java
 * code the peer chose.
 */
module dev.mp4j.python {
    requires transitive dev.mp4j;

    exports dev.mp4j.python;
}
