package dev.mp4j.internal.spawn;

import dev.mp4j.internal.util.LazyLogger;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JVM options of a child besides its class path and main class: mp4j's defaults, the parent JVM's own
 * input arguments (Python's spawn passes the interpreter's flags on too), then the context's options.
 *
 * <p>Inherited: everything the parent was started with, except
 * <ul>
 *   <li>what the launch itself decides (the class path, module path and main module: {@link LaunchLayout});</li>
 *   <li>AOT and CDS cache options: mp4j manages the children's cache ({@link AotCache});</li>
 *   <li>what two JVMs cannot share — a debug agent or JMX port listening on a fixed address, and options that
 *       write to one fixed file ({@code -Xlog:…:file=}, {@code -XX:StartFlightRecording} with a filename,
 *       {@code -XX:ErrorFile}, {@code -XX:HeapDumpPath} naming a file, {@code -Xloggc:}) unless the name
 *       holds the JVM's {@code %p} (its pid) — each dropped with one WARNING per option per JVM;</li>
 *   <li>the options of {@code JDK_JAVA_OPTIONS} and {@code JAVA_TOOL_OPTIONS}, which reach the child through
 *       its environment (passed twice, an agent would run twice).</li>
 * </ul>
 * The user's choice wins over mp4j's defaults: a garbage collector chosen replaces mp4j's SerialGC, a
 * heap size given ({@code -Xmx}, {@code -Xms}, {@code -XX:MaxHeapSize}, {@code -XX:InitialHeapSize},
 * {@code -XX:MaxRAM*}) replaces the memory rule ({@link #memoryRule}) and the initial heap
 * ({@link #INITIAL_HEAP}), and a young generation's or initial heap's size given ({@code -Xmn},
 * {@code -XX:NewSize}, {@code -XX:MaxNewSize}, {@code -XX:NewRatio}, {@code -XX:InitialRAMPercentage},
 * {@code -XX:MinRAMPercentage}) replaces the initial heap, and a compile command or directives file given
 * ({@code -XX:CompileCommand}, {@code -XX:CompileCommandFile}, {@code -XX:CompileOnly},
 * {@code -XX:CompilerDirectivesFile}) replaces mp4j's compile commands ({@link #COMPILE_DEFAULTS}). Options
 * the child gets through its environment
 * ({@code JDK_JAVA_OPTIONS}, {@code JAVA_TOOL_OPTIONS}) count as the user's choice too, and a string or symbol
 * table's size given replaces mp4j's string table size ({@link #TABLE_DEFAULTS}).
 */
public final class JvmOptions {
    /** The logger the WARNINGs about dropped options go to. */
    static final System.Logger LOG = LazyLogger.of("dev.mp4j.multiprocessing");
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();
    /*
     * The options that decide what a default decides, matched as the regular expressions in their comments
     * would match them whole (a ".*" takes no line terminator), without java.util.regex: its patterns spin a
     * class per kind of character predicate on a fresh JVM's way to its first child.
     */
    /** {@code -XX:\+Use(Serial|Parallel|ParallelOld|G1|Z|Shenandoah|Epsilon|ConcMarkSweep)GC} */
    private static final String[] GC = {"-XX:+UseSerialGC", "-XX:+UseParallelGC", "-XX:+UseParallelOldGC",
        "-XX:+UseG1GC", "-XX:+UseZGC", "-XX:+UseShenandoahGC", "-XX:+UseEpsilonGC", "-XX:+UseConcMarkSweepGC"};
    /** {@code -Xmx.*|-Xms.*|-XX:(MaxHeapSize|InitialHeapSize|MinHeapSize)=.*|-XX:MaxRAM.*} */
    private static final String[] HEAP = {"-Xmx", "-Xms", "-XX:MaxHeapSize=", "-XX:InitialHeapSize=",
        "-XX:MinHeapSize=", "-XX:MaxRAM"};
    /** {@code -Xmn.*|-XX:(NewSize|MaxNewSize|NewRatio|InitialRAMPercentage|MinRAMPercentage)=.*} */
    private static final String[] YOUNG = {"-Xmn", "-XX:NewSize=", "-XX:MaxNewSize=", "-XX:NewRatio=",
        "-XX:InitialRAMPercentage=", "-XX:MinRAMPercentage="};
    /**
     * A child's initial heap, unless the user sizes the heap. The JVM's own is 1/64 of the machine's memory
     * (376 MiB on 24 GiB), a third of it the young generation, which a worker's garbage touches whole before
     * its first collection: with that default each Pool.map worker peaked at 92–116 MiB resident, with this
     * one at 56–63 MiB (52–53 MiB with 16 MiB, at twice the young collections, each well under 1 ms). The heap
     * grows from it as the live data needs (up to the memory rule's max; the JVM raises the max to it where the
     * rule gives less). Fresh memory is also slow memory: the first touch of a page costs 20–40 µs on a 2-CPU
     * VM (the kernel zeroes it, the host backs it), so with a young generation of a few MB a pool worker
     * recycles the same pages from its second map on (page faults per map of 100,000 integers: about 2,300
     * with the default, a few hundred with a small heap).
     *
     * <p>With it the young generation (a third: 10.7 MiB) is still what a busy worker touches most beyond an
     * idle child's ~40 MiB (libjvm ~17.5, the relocated AOT cache ~14.2, a heap of ~1.2): a Pool.map worker's
     * heap peaked at 11.1 MiB resident, a queue's or pipe's at 11.8–15; the rest of their growth is the JIT's
     * (C2 arenas of 8–10 MiB for each of the transport's FFM-heavy methods, metaspace 3.8 against 1.2, code
     * 2.9 against 0.7). A sixth of the heap young ({@code -XX:NewRatio=5}) lowered busy workers' peaks by 2–6
     * MiB but made two to three times the young collections: a Pool.map run's workers paused 58–140 ms in them
     * against 37–76, their CPU up 8–9% in two of three interleaved comparisons. Left at the JVM's ratio.
     * An initial heap of 16 MiB (young 5.3) lowered every busy worker's peak by 4–5 MiB (medians of 8
     * interleaved pairs: Pool.map 51.3 to 47.4, imap 52.1 to 47.8, 20,000 submits 69.8 to 65.9, pipe ping-pong
     * 70.0 to 66.2, queue 4→1 70.7 to 65.8), at twice the young collections and the same CPU per worker for
     * Pool.map and the executor; but queue 4→1 ran slower (steady passes: 7 of 8 pairs slower in one run, 4
     * of 8 in another, medians 19–24% lower): so only a ProcessPoolExecutor's workers get it
     * ({@link #WORKER_INITIAL_HEAP}). Compact object headers ({@code -XX:+UseCompactObjectHeaders})
     * lowered neither peaks nor collections: a worker's garbage is mostly arrays and Integers, which they do
     * not shrink, and the children's AOT cache grew from 16.0 to 16.8 MB.
     */
    static final String INITIAL_HEAP = "-XX:InitialHeapSize=32m";
    /**
     * The initial heap of a ProcessPoolExecutor's worker that spawn boots for it
     * ({@link Launcher#obtain(java.util.function.Consumer, boolean)}; a forkserver's spares, booted ahead for any
     * kind of child, keep {@link #INITIAL_HEAP}), unless the user sizes the heap: half of {@link #INITIAL_HEAP},
     * for the reasons told there. Such a worker's garbage is its tasks' frames and values, dead once each result
     * is sent. The higher of two workers' peak resident, medians of 8
     * interleaved fresh-JVM pairs (lower in all 8 of each run, load 4–12): six passes of 20,000 submits 56.7
     * to 52.7 MiB in one run, 57.9 to 53.8 in another; one task at a time, 6,000 round trips, 46.5 either way
     * (its garbage never fills the larger young generation). The rate: first, second and steady passes of
     * 20,000 submits faster in 8, 9 and 7 of 16 pairs, which is noise here.
     *
     * <p>A Pool's workers keep {@link #INITIAL_HEAP}. Theirs peaked lower too (eight maps of 100,000 integers
     * 53.3 to 48.9 MiB, imap with chunks of 100 51.8 to 47.7, chunksize 1 58.2 to 54.3, 8 of 8 pairs each),
     * but a map's chunks of 12,500 items fill a young generation of 5 MiB in a chunk or two, so the first young
     * collection, the costly one (5–11 ms: what survived the boot moves to the old generation, into pages never
     * touched), fell into the first map after the pool's first answer instead of its third (-Xlog:gc), and that
     * map's chunks waited for it. The first and second passes of Pool.map over 100,000 integers were faster in
     * only 5 of 16 pairs (medians 27–34% and 10–19% lower); a control run of the same build for both sides
     * gave 7 of 8 pairs to one side, so it is the collection's move, not those figures, that decides.
     * The children's AOT cache is the same for both heaps (workers and processes map the same file).
     */
    static final String WORKER_INITIAL_HEAP = "-XX:InitialHeapSize=16m";
    /** {@code -XX:(CompileCommand|CompileCommandFile|CompileOnly|CompilerDirectivesFile)=.*} */
    private static final String[] COMPILE_COMMANDS = {"-XX:CompileCommand=", "-XX:CompileCommandFile=",
        "-XX:CompileOnly=", "-XX:CompilerDirectivesFile="};
    /**
     * A child compiles the JDK's stack map generator ({@code StackMapGenerator.processBlock}, run for each class
     * the JDK spins: a lambda's, a LambdaForm's, a native downcall's stub) only after a hundred times the usual
     * calls. C1 compiling that one method (a switch over every bytecode, with its inlined helpers) takes 7.3 MiB
     * of compiler memory, which the compiler thread's malloc arena keeps: a forkserver spare's warm-up made it
     * hot (spares peaked at 56.6–60 MiB resident, 51 MiB without it), and at ten times the usual calls a child
     * that links the semaphores of a lock, queue or pipe (some 160 spun classes) still reached it: such
     * children peaked at 65–68 MiB resident, 59–63 without it, at the same CPU time. A child that spins classes
     * by the thousand still compiles it.
     *
     * <p>The optimizing compiler may take at most 6 MiB for the codec's reading of a
     * lambda ({@code FastReader.lambda}, run for each task of an executor): it inlines the reading of the
     * lambda's eight names, and register allocation over the result took 17.8 MiB, twice any other compilation
     * of a worker, kept resident by the compiler thread's malloc arena (a ProcessPoolExecutor worker peaked at
     * 70 MiB resident). At the limit C2 gives up and C1 compiles the method (C1's compilation: 0.7–0.9 MiB),
     * and the C2 compilation's CPU is saved too: workers running six passes of 20,000 submits peaked at 59.1
     * MiB instead of 69.9 and took 965 ms of CPU each instead of 1,135 (medians of 8 interleaved fresh-JVM
     * pairs, less CPU in all 8; the bench's rate, 8 pairs: steady passes faster in 6, second passes in 7); the
     * busy worker of the executor's round trip peaked at 58 MiB instead of 62–64, its first, second and steady
     * passes faster in 8, 7 and 9 of 16 pairs. Not where the user's options turn tiered compilation off
     * ({@code -XX:-TieredCompilation}): there is no C1 then to take the method over, and it would stay
     * interpreted.
     * Preceded by {@code quiet}, without which the JVM prints each compile command on the child's stdout.
     */
    static final List<String> COMPILE_DEFAULTS = List.of("-XX:CompileCommand=quiet",
            "-XX:CompileCommand=CompileThresholdScaling,jdk.internal.classfile.impl.StackMapGenerator::processBlock,100.0",
            "-XX:CompileCommand=MemLimit,dev.mp4j.internal.wire.FastReader::lambda,6M");
    /** {@code -XX:(StringTableSize|SymbolTableSize)=.*} */
    private static final String[] TABLES = {"-XX:StringTableSize=", "-XX:SymbolTableSize="};
    /**
     * The initial size of a child's table of interned strings, unless the user's options size it or the symbol
     * table. The JVM makes it at its default size (65,536 buckets) as it starts and clears it whole: 512 KiB,
     * which a child touches page by page before its first class is loaded, while its own strings beyond those of
     * its AOT cache (which has tables of its own) are a few thousand. The table grows as it fills, on the JVM's
     * service thread. Measured on 2 vCPUs (load about 6), a spawned child's JVM up to its reading of the launch
     * header, 20 interleaved pairs, with the symbol table at 1,024 buckets too: 4,763 page faults with the
     * defaults, 4,574 with the small tables (medians; fewer in all 20 pairs; every fault a first touch at
     * 16–20 µs here; the string table was two thirds of the difference by the faults' stacks), 138 ms of CPU
     * against 127 (less in 14 of 20), and 0.75 MiB less resident (6 of 6 pairs). The symbol table is left at its
     * default: its size is an experimental option, whose unlocking would unlock the user's own experimental
     * options too, and which a child started with another JDK ({@code setExecutable}) might not know.
     */
    static final List<String> TABLE_DEFAULTS = List.of("-XX:StringTableSize=1024");
    private static volatile List<String> inherited;

    private JvmOptions() {}

    /**
     * @return the parent JVM's input arguments that children get (computed once; the first call logs the
     *     WARNINGs about the dropped ones)
     */
    public static List<String> inherited() {
        List<String> l = inherited;
        return l != null ? l : read();
    }

    private static synchronized List<String> read() {
        List<String> l = inherited;
        if (l == null) {
            l = List.copyOf(filter(Remembered.inputArguments(), fromEnvironment()));
            inherited = l;
        }
        return l;
    }

    /**
     * This JVM's input arguments, remembered per command line. Asking the JVM for them starts its management
     * support ({@code ManagementFactory}: 15-25 ms of a fresh JVM's CPU here, on the way to its first child's
     * exec), while the java launcher derives them from its command line and environment alone. So they are asked
     * for once per command line and kept in the AOT caches' directory ({@link AotCache#directory}), in its
     * subdirectory {@link #DIRECTORY} (this user's alone), one small file per command line ({@link #KEPT} at
     * most), where later runs of the same command line read them.
     * The key is the whole of what the launcher and the JVM take options from: the java binary (this JVM's
     * own launcher, {@code /proc/self/exe}), the JDK's version, the command line ({@code /proc/self/cmdline})
     * and the variables {@link #ENVIRONMENT}. Nothing is remembered, and the JVM is asked each time, when the JVM
     * was not started by its own java launcher (a program embedding it, a jpackage launcher reading its own
     * configuration), when options come from a file the key does not cover (an {@code @argfile},
     * {@code -XX:VMOptionsFile}), without {@code /proc}, or with {@code -Dmp4j.aot=false}.
     */
    static final class Remembered {
        /** The environment variables the launcher or the JVM read options (or the class path) from. */
        static final String[] ENVIRONMENT = {"JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "CLASSPATH"};
        /** How many command lines' arguments the directory keeps: writing one removes the oldest beyond these. */
        static final int KEPT = 16;
        static final String PREFIX = "jvm-input-arguments-";
        static final String SUFFIX = ".args";
        /** The subdirectory of the AOT caches' directory the files are kept in, made this user's alone. */
        static final String DIRECTORY = "jvm-options";

        private Remembered() {}

        /** @return this JVM's input arguments, as {@code RuntimeMXBean.getInputArguments} gives them */
        static List<String> inputArguments() {
            String key = null;
            Path file = null;
            try {
                key = key();
                if (key != null) {
                    file = AotCache.directory().resolve(DIRECTORY).resolve(fileName(key));
                    List<String> known = read(file, key);
                    if (known != null) {
                        return known;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // asked for below
            }
            List<String> arguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
            if (file != null) {
                write(file, key, arguments);
            }
            return arguments;
        }

        /** @return what this JVM's input arguments follow from, or null when they are not to be remembered */
        static String key() throws IOException {
            if ("false".equals(System.getProperty("mp4j.aot"))) {
                return null;
            }
            String home = System.getProperty("java.home");
            Path exe = Files.readSymbolicLink(Path.of("/proc/self/exe"));
            if (!exe.equals(Path.of(home, "bin", "java").toRealPath())) {
                return null;
            }
            // the raw bytes, one char each: decoding them as UTF-8 would make every invalid sequence the same
            // replacement char, and two command lines that differ there the same key
            String line = new String(Files.readAllBytes(Path.of("/proc/self/cmdline")), StandardCharsets.ISO_8859_1);
            String[] environment = new String(Files.readAllBytes(Path.of("/proc/self/environ")),
                    StandardCharsets.ISO_8859_1).split("\0");
            StringBuilder key = new StringBuilder(line.length() + 200).append(home).append('\0')
                    .append(System.getProperty("java.vm.version")).append('\0');
            for (String variable : ENVIRONMENT) {
                String value = variable(environment, variable);
                if (value != null && fromFile(value)) {
                    return null;
                }
                key.append(variable).append(value == null ? "\1" : "=".concat(value)).append('\0');
            }
            for (String argument : line.split("\0")) {
                if (argument.startsWith("@") || fromFile(argument)) {
                    return null;
                }
            }
            return key.append(line).toString();
        }

        /** @return the value of {@code name} among {@code environment}'s {@code NAME=value} entries, or null */
        private static String variable(String[] environment, String name) {
            for (String entry : environment) {
                if (entry.length() > name.length() && entry.charAt(name.length()) == '=' && entry.startsWith(name)) {
                    return entry.substring(name.length() + 1);
                }
            }
            return null;
        }

        /** @return whether {@code s} may name a file the launcher or the JVM reads options from */
        private static boolean fromFile(String s) {
            return s.indexOf('@') >= 0 || s.contains("VMOptionsFile") || s.contains("-XX:Flags");
        }

        static String fileName(String key) {
            return PREFIX.concat(Integer.toHexString(key.hashCode())).concat("-")
                    .concat(Integer.toString(key.length())).concat(SUFFIX);
        }

        /** @return the arguments remembered under {@code key} in {@code file}, or null */
        static List<String> read(Path file, String key) throws IOException {
            // what a child is started with: only from a regular file of this user's that no one else can write,
            // in a directory of this user's that no one else can write either (else another user could move a
            // file of theirs into its place between this check and the read); uids compared as numbers, since
            // an owner's name is a look-up in the user database
            Object me = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            Map<String, Object> attributes;
            try {
                attributes = Files.readAttributes(file, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException none) {
                return null;
            }
            Map<String, Object> directory = Files.readAttributes(file.getParent(), "unix:mode,uid");
            if (!ours(attributes, 0100000, me) || !ours(directory, 0040000, me)) {
                return null;
            }
            byte[] bytes;
            try (InputStream stream = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                bytes = stream.readAllBytes();
            }
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            if (!in.readUTF().equals(key)) {
                return null; // another command line of the same hash: this one is written over it
            }
            int n = in.readInt();
            if (n < 0 || n > bytes.length) {
                return null;
            }
            List<String> arguments = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                arguments.add(in.readUTF());
            }
            return arguments;
        }

        /** @return whether a file of these {@code unix:mode,uid} attributes is of {@code type}, {@code me}'s, and
         *     writable by no one else */
        private static boolean ours(Map<String, Object> attributes, int type, Object me) {
            int mode = (Integer) attributes.get("mode");
            return (mode & 0170000) == type && (mode & 0022) == 0 && attributes.get("uid").equals(me);
        }

        /**
         * Remembers {@code arguments} under {@code key} in {@code file} (written whole, then moved into place:
         * a reader never sees a part), and removes the oldest such files beyond {@link #KEPT}. Best effort.
         */
        static void write(Path file, String key, List<String> arguments) {
            Path part = null;
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                DataOutputStream out = new DataOutputStream(bytes);
                out.writeUTF(key); // throws for a key or argument of over 64 KiB: not remembered
                out.writeInt(arguments.size());
                for (String a : arguments) {
                    out.writeUTF(a);
                }
                Path dir = file.getParent();
                Files.createDirectories(dir.getParent());
                try {
                    // this user's alone, whatever the umask: read() uses no file in a directory others can write
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                } catch (FileAlreadyExistsException there) {
                    // made before
                }
                part = Files.createTempFile(dir, PREFIX, ".part");
                Files.write(part, bytes.toByteArray());
                Files.move(part, file, StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
                part = null;
                AotCache.prune(dir, PREFIX, SUFFIX, KEPT);
            } catch (IOException | RuntimeException e) {
                // not remembered: the next run asks the JVM again
            } finally {
                if (part != null) {
                    try {
                        Files.deleteIfExists(part);
                    } catch (IOException ignored) {
                        // a stray temporary file
                    }
                }
            }
        }

    }

    /**
     * @return the options a child gets through its environment: JDK_JAVA_OPTIONS', JAVA_TOOL_OPTIONS', then
     *     _JAVA_OPTIONS' (which the JVM reads too: a context whose options replace the inherited ones would
     *     otherwise give a child mp4j's collector beside the one named there, and the JVM refuses two)
     */
    static List<String> fromEnvironment() {
        List<String> options = new ArrayList<>();
        for (String v : new String[] {"JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS"}) {
            String value = System.getenv(v);
            if (value != null && !value.isBlank()) {
                options.addAll(Arrays.asList(value.trim().split("\\s+")));
            }
        }
        return options;
    }

    /**
     * @param arguments a JVM's input arguments
     * @param fromEnvironment the options the child gets through its environment: one occurrence of each is
     *     left out
     * @return those a child gets; each dropped one is logged once per JVM
     */
    static List<String> filter(List<String> arguments, List<String> fromEnvironment) {
        List<String> env = new ArrayList<>(fromEnvironment);
        List<String> kept = new ArrayList<>();
        for (String a : arguments) {
            if (env.remove(a) || launchOwned(a) || cacheOption(a)) {
                continue;
            }
            String why = unshareable(a);
            if (why != null) {
                if (WARNED.add(a)) {
                    LOG.log(System.Logger.Level.WARNING, "child JVMs do not get the JVM option " + a + " of this JVM: "
                            + why + " (give them one of their own with Context.withJvmOptions or "
                            + "Multiprocessing.setJvmOptions)");
                }
                continue;
            }
            kept.add(a);
        }
        return kept;
    }

    /** @return whether {@code a} says where classes come from or what runs: the launch decides it */
    static boolean launchOwned(String a) {
        return a.startsWith("--module-path=") || a.startsWith("-Djdk.module.") || a.startsWith("-Djava.class.path=")
                || a.startsWith("--class-path=") || a.startsWith("-Dsun.java.command=")
                || a.startsWith("-Dsun.java.launcher") || a.startsWith("-Djava.home=");
    }

    /** @return whether {@code a} concerns an AOT or CDS cache (mp4j manages the children's) */
    static boolean cacheOption(String a) {
        return a.startsWith("-XX:AOT") || a.startsWith("-XX:+AOT") || a.startsWith("-XX:-AOT")
                || a.startsWith("-Xshare") || a.startsWith("-XX:SharedArchiveFile")
                || a.startsWith("-XX:ArchiveClassesAtExit") || a.startsWith("-XX:+AutoCreateSharedArchive")
                || a.startsWith("-XX:SharedClassListFile") || a.startsWith("-XX:DumpLoadedClassList")
                || a.startsWith("-Xlog:aot") || a.startsWith("-Xlog:cds");
    }

    /**
     * @param a an option
     * @return why two JVMs cannot share it, or null if they can
     */
    static String unshareable(String a) {
        if (a.startsWith("-agentlib:jdwp=") || a.startsWith("-Xrunjdwp:")) {
            String opts = a.substring(a.indexOf(a.startsWith("-X") ? ':' : '=') + 1);
            boolean server = opts.matches("(.*,)?server=y(,.*)?");
            String address = value(opts, "address");
            if (server && (address == null || !address.matches("(.*:)?0"))) {
                return "a debug agent listening on a fixed address";
            }
            return null;
        }
        if (a.startsWith("-Dcom.sun.management.jmxremote.port=")
                || a.startsWith("-Dcom.sun.management.jmxremote.rmi.port=")) {
            return a.endsWith("=0") ? null : "a JMX agent listening on a fixed port";
        }
        if (a.contains("%p")) {
            return null; // a file named after each JVM's pid
        }
        if (a.startsWith("-Xlog") && a.contains(":file=")) {
            return "it writes to one fixed file";
        }
        if (a.startsWith("-Xloggc:")) {
            return "it writes to one fixed file";
        }
        if (a.startsWith("-XX:StartFlightRecording") && a.contains("filename=")) {
            return "it writes to one fixed file";
        }
        if (a.startsWith("-XX:ErrorFile=")) {
            return "it writes to one fixed file";
        }
        if (a.startsWith("-XX:HeapDumpPath=")) {
            Path p = Path.of(a.substring("-XX:HeapDumpPath=".length()));
            return Files.isDirectory(p) ? null : "it writes to one fixed file";
        }
        return null;
    }

    /** @return the value of {@code key=value} in a comma-separated list, or null */
    private static String value(String list, String key) {
        for (String kv : list.split(",")) {
            if (kv.startsWith(key + "=")) {
                return kv.substring(key.length() + 1);
            }
        }
        return null;
    }

    /**
     * mp4j's defaults for a child, unless the user's options, or those of the child's environment
     * ({@link #fromEnvironment}), decide the same thing.
     *
     * @param user the options the child gets from the user (inherited and the context's)
     * @param worker whether the child is a ProcessPoolExecutor's worker ({@link #WORKER_INITIAL_HEAP})
     * @return the defaults to put before them
     */
    static List<String> defaults(List<String> user, boolean worker) {
        return defaults(user, fromEnvironment(), worker);
    }

    /**
     * @param user the options the child gets from the user (inherited and the context's)
     * @param environment the options it gets through its environment
     * @return mp4j's defaults for a child, unless those options decide the same thing
     */
    static List<String> defaults(List<String> user, List<String> environment) {
        return defaults(user, environment, false);
    }

    /**
     * @param user the options the child gets from the user (inherited and the context's)
     * @param environment the options it gets through its environment
     * @param worker whether the child is a ProcessPoolExecutor's worker ({@link #WORKER_INITIAL_HEAP})
     * @return mp4j's defaults for a child, unless those options decide the same thing
     */
    static List<String> defaults(List<String> user, List<String> environment, boolean worker) {
        // plain loops, not streams with lambdas: this runs on the way to a fresh JVM's first child's exec, where
        // a stream's classes and each lambda's spun class cost milliseconds
        boolean gc = anyIs(GC, environment) || anyIs(GC, user);
        boolean heap = anyStarts(HEAP, environment) || anyStarts(HEAP, user);
        boolean young = anyStarts(YOUNG, environment) || anyStarts(YOUNG, user);
        boolean compile = anyStarts(COMPILE_COMMANDS, environment) || anyStarts(COMPILE_COMMANDS, user);
        boolean tables = anyStarts(TABLES, environment) || anyStarts(TABLES, user);
        List<String> d = new ArrayList<>(9);
        if (!gc) {
            d.add("-XX:+UseSerialGC");
        }
        d.add("-XX:-UsePerfData");
        if (!heap) {
            d.add(memoryRule(Runtime.getRuntime().availableProcessors()));
        }
        if (!heap && !young) {
            d.add(worker ? WORKER_INITIAL_HEAP : INITIAL_HEAP);
        }
        if (!compile) {
            if (tieredOff(environment, user)) {
                d.addAll(COMPILE_DEFAULTS.subList(0, COMPILE_DEFAULTS.size() - 1)); // all but the memory limit
            } else {
                d.addAll(COMPILE_DEFAULTS);
            }
        }
        if (!tables) {
            d.addAll(TABLE_DEFAULTS);
        }
        return d;
    }

    /** @return whether the last word on tiered compilation, the environment's then the user's, turns it off */
    private static boolean tieredOff(List<String> environment, List<String> user) {
        boolean off = false;
        for (List<String> options : List.of(environment, user)) {
            for (String o : options) {
                if (o.equals("-XX:-TieredCompilation")) {
                    off = true;
                } else if (o.equals("-XX:+TieredCompilation")) {
                    off = false;
                }
            }
        }
        return off;
    }

    /** @return whether one of {@code options} is one of {@code names} */
    private static boolean anyIs(String[] names, List<String> options) {
        for (String o : options) {
            for (String n : names) {
                if (o.equals(n)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * @return whether one of {@code options} starts with one of {@code prefixes} and holds no line terminator
     *     after it (as {@code prefix.*} matches)
     */
    private static boolean anyStarts(String[] prefixes, List<String> options) {
        for (String o : options) {
            for (String p : prefixes) {
                if (o.startsWith(p) && noLineTerminator(o, p.length())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * @return whether {@code s} from {@code from} on holds none of the characters a regular expression's
     *     {@code .} does not match (without flags)
     */
    private static boolean noLineTerminator(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                return false;
            }
        }
        return true;
    }

    /**
     * The memory rule: a child given no heap size gets a max heap of its machine's memory (a container's
     * limit, as the child JVM sees it) divided by twice the CPU count (by four on a single CPU, the JVM's own
     * default), so that a pool of {@code cpuCount()} workers can claim at most half of the memory for their
     * heaps. The child JVM applies it itself ({@code -XX:MaxRAMPercentage}): the parent reads no memory size.
     *
     * @param cpus the CPU count
     * @return the option
     */
    static String memoryRule(int cpus) {
        return "-XX:MaxRAMPercentage=".concat(Double.toString(maxRamPercentage(cpus))); // no indy concat: cold path
    }

    /** @return the percentage of the memory a child's heap may take, with {@code cpus} CPUs */
    static double maxRamPercentage(int cpus) {
        return 50.0 / Math.max(2, cpus);
    }
}
