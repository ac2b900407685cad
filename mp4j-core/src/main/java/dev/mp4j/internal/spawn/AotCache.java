package dev.mp4j.internal.spawn;

import dev.mp4j.internal.util.SystemPrograms;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * An AOT cache (JDK 25's {@code -XX:AOTCache}) for child JVMs: their classes loaded and linked ahead of
 * time, which roughly halves the time from {@code start()} to a child running its job.
 *
 * <p>The JDK makes such a cache only from a class path of jar files, and a JVM whose class path has the
 * cache's jars accepts it with directories added among them. So the training runs on the jars of the
 * children's class path alone, its directories left out (the application's classes in a build tree, an
 * IDE's or {@code mvn exec}'s output folder): the JDK's and mp4j's classes, and those of the jars, come from
 * the cache, and only the directories' classes are loaded as usual. A class path whose jars do not hold
 * mp4j's child main class (mp4j itself in a directory, as in its own build) gets no cache.
 * The first child JVM of a launch spec finds no cache and starts as usual; meanwhile a training JVM is
 * started, detached and at a low CPU priority, with {@code -XX:AOTCacheOutput}: the spec's main class with the argument
 * {@link #TRAINING}, which runs a child's start-up paths; its cache is moved into place when complete; later
 * children (of this or a later run) use it.
 * A JVM that finds a training of the same cache under way (by another run started meanwhile) starts none.
 * Caches live in {@code mp4j.aot.dir} (a system property; default {@code ~/.cache/mp4j/aot}) under a name hashed from
 * the java binary, its version, the class path (with each jar's size and time) and the JVM options, so a
 * change of any of them makes a new cache. {@code -Dmp4j.aot=false} turns this off. A cache the JVM
 * cannot use is ignored silently (its AOT logging is switched off) and the child starts without it.
 *
 * <p>The training also loads (without initializing them) the application classes of the jobs this JVM
 * has started by then ({@link #noteJobClass}) that no directory of the children's class path holds
 * ({@link #outside}): a child then finds the class of its target in the cache, instead of opening the
 * application's jar and verifying the class (5–20 ms in a fresh child here, more for a big class). Those in a
 * directory are not in the cache: a child reads, parses and verifies such a class itself and makes its
 * methods' adapters, all in the JVM's own code (the bench's 37 KB job class: about 1 ms of a spawned child's
 * CPU, 1.2 ms more than with the class in a jar, measured over 30 children each).
 * A child whose class path has a directory otherwise starts as one of jars alone does: the same classes from
 * the cache, the same start-up phases.
 */
public final class AotCache {
    /**
     * The first argument of a training JVM's main class (a child's, see {@link Launch.Spec#main}): it trains
     * the cache instead of reading a launch header. The application classes to load follow it.
     */
    public static final String TRAINING = "--aot-training";
    /**
     * A system property a training JVM gets, true, when the children's class path has directories, which the
     * training leaves out: it then searches a directory as a child's class loader does one of its class path
     * (see {@link #trainingOptions}).
     */
    public static final String DIRECTORIES = "mp4j.aot.directories";
    private static final Map<String, Boolean> TRAININGS = new ConcurrentHashMap<>();
    /** The caches this JVM has used (and marked as used). */
    private static final Set<String> USED = ConcurrentHashMap.newKeySet();
    /** {@link #file}'s results. */
    private static final Map<Object, java.util.Optional<Path>> FILES = new ConcurrentHashMap<>();
    /** How many caches a directory keeps: a training removes the least recently used beyond these. */
    static final int KEPT = 8;
    /** The application classes of the jobs this JVM started, for a training to load: at most {@link #MAX_NOTED}. */
    private static final Set<String> NOTED = ConcurrentHashMap.newKeySet();
    static final int MAX_NOTED = 32;
    /** How long a training may take, at most, as far as {@link #trainingElsewhere} is concerned. */
    static final long TRAINING_SECONDS = 300;

    private AotCache() {}

    /**
     * Notes the classes a child's job needs first: for a lambda its capturing class (which the JDK names
     * its lambda classes after) and that class's nest host, otherwise the class itself. Only classes of the
     * application's class loader count (a training JVM can load those by name; the JDK's are in the cache
     * anyway), and only the first {@link #MAX_NOTED}.
     *
     * @param type the class of a job's target, of a process, or of a pool's function or task
     */
    public static void noteJobClass(Class<?> type) {
        note(NOTED, type);
        if (!jobSeen) {
            synchronized (JOB) {
                jobSeen = true;
                JOB.notifyAll();
            }
        }
    }

    /**
     * How long a training started for a child booted before this JVM had given any child a job waits for the
     * first job ({@link #noteJobClass}), at most: a forkserver spare, or a pool's workers, boot before the
     * program has given them anything to run, and a training started then would leave the job's classes out
     * of the cache for good (the cache is made once): each child would load and verify them from the
     * application's jar (a forkserver start 1-1.5 ms slower to its join; a short program's two pool workers
     * 23-28 ms more CPU in all, on their first chunk). A program that gives its children nothing to run for
     * longer gets a cache without them.
     */
    static final long JOB_WAIT_MILLIS = 5_000;
    /**
     * Whether {@link #noteJobClass} has been called: a job was given to a child, whether or not its classes
     * could be noted (an application class loader other than the system's, say, whose classes a training
     * cannot load by name). Set under {@link #JOB}, which is notified then.
     */
    private static volatile boolean jobSeen;
    private static final Object JOB = new Object();

    /**
     * Starts the training of {@code cache} on a thread of its own, unless this JVM started one already or
     * one is under way elsewhere.
     *
     * @param awaitJob whether the training waits for this JVM's first job first ({@link #JOB_WAIT_MILLIS})
     */
    private static void trainOnce(Launch.Spec spec, Path cache, boolean awaitJob) {
        if (TRAININGS.putIfAbsent(cache.toString(), Boolean.TRUE) == null) {
            Thread.ofPlatform().daemon().name("mp4j-aot-training").start(new Training(spec, cache, awaitJob));
        }
    }

    /** Waits until this JVM has given a child a job, or {@link #JOB_WAIT_MILLIS} have passed. */
    private static void awaitJob() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOB_WAIT_MILLIS);
        synchronized (JOB) {
            long left;
            while (!jobSeen && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(JOB, left);
                } catch (InterruptedException e) {
                    return; // train now
                }
            }
        }
    }

    /**
     * {@link #trainOnce}'s thread. A class, as are the loops of {@link #trainingElsewhere}, {@link #prune} and
     * {@link #trainingLayout} (no stream, lambda or regular expression): they run in a program's first runs of a
     * class path, while its first children boot, where each lambda or stream stage spins a class.
     */
    private static final class Training implements Runnable {
        private final Launch.Spec spec;
        private final Path cache;
        private final boolean awaitJob;

        Training(Launch.Spec spec, Path cache, boolean awaitJob) {
            this.spec = spec;
            this.cache = cache;
            this.awaitJob = awaitJob;
        }

        @Override
        public void run() {
            if (awaitJob) {
                awaitJob();
            }
            if (!trainingElsewhere(cache)) {
                train(spec, cache);
            }
        }
    }

    /** {@link #noteJobClass} into {@code noted}. */
    static void note(Set<String> noted, Class<?> type) {
        if (type.getClassLoader() != ClassLoader.getSystemClassLoader()) {
            return;
        }
        if (type.isHidden()) {
            int end = type.getName().indexOf("$$Lambda");
            if (end > 0) {
                note(noted, type.getName().substring(0, end));
            }
            Class<?> host = type.getNestHost();
            if (!host.isHidden()) {
                note(noted, host.getName());
            }
        } else {
            note(noted, type.getName());
        }
    }

    static void note(Set<String> noted, String className) {
        if (noted.size() < MAX_NOTED) {
            noted.add(className);
        }
    }

    /**
     * @param spec the launch spec
     * @return the options that make a child use the cache (empty when there is none yet, or none can be
     *     made); may start the background training that makes one, which, while this JVM has given no child
     *     a job, waits for the first ({@link #JOB_WAIT_MILLIS})
     */
    static List<String> options(Launch.Spec spec) {
        Path cache = file(spec);
        if (cache == null) {
            return List.of();
        }
        if (ready(cache)) {
            return List.of("-XX:AOTCache=".concat(cache.toString()), "-Xlog:aot=off", "-Xlog:cds=off");
        }
        trainOnce(spec, cache, !jobSeen);
        return List.of();
    }

    /**
     * Works out ahead, on the calling thread, what the first child of {@code spec} needs of the cache: its
     * name, and its mark as used if it is there. Starts no training: that waits for a child.
     *
     * @param spec the launch spec
     */
    static void readAhead(Launch.Spec spec) {
        Path cache = file(spec);
        if (cache != null) {
            ready(cache);
        }
    }

    /** @return whether {@code cache} is there; marks it used the first time this JVM finds it there */
    private static boolean ready(Path cache) {
        if (!Files.isRegularFile(cache)) {
            return false;
        }
        if (USED.add(cache.toString())) {
            markUsed(cache);
        }
        return true;
    }

    /**
     * @param cache where the cache will be
     * @return whether a training of it is under way already (started by another run of the same program,
     *     say): a partial file of it is there, named after the pid of the JVM that started the training, and
     *     that JVM lives or the file is younger than {@link #TRAINING_SECONDS} (the training outlives a short
     *     program that started it)
     */
    static boolean trainingElsewhere(Path cache) {
        String prefix = partialPrefix(cache);
        long recent = System.currentTimeMillis() - TRAINING_SECONDS * 1000;
        try (var files = Files.newDirectoryStream(cache.getParent())) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                long pid = name.startsWith(prefix) ? starter(name, prefix.length()) : -1;
                if (pid < 0) {
                    continue;
                }
                try {
                    java.util.Optional<ProcessHandle> starter = ProcessHandle.of(pid);
                    if (starter.isPresent() && starter.get().isAlive()
                            || Files.getLastModifiedTime(f).toMillis() > recent) {
                        return true;
                    }
                } catch (IOException gone) {
                    // moved into place or removed meanwhile
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false; // no directory yet, or unreadable: nobody is training there
        }
    }

    /**
     * @return the pid of a partial file's name from {@code from} on, 1 to 18 ASCII digits and then nothing or
     *     {@code .config} (as {@code [0-9]{1,18}(\.config)?} matches), or -1
     */
    static long starter(String name, int from) {
        int end = name.endsWith(".config") ? name.length() - ".config".length() : name.length();
        if (end < from) {
            return -1; // the ".config" overlaps the prefix
        }
        int digits = end - from;
        if (digits < 1 || digits > 18) {
            return -1;
        }
        long pid = 0;
        for (int i = from; i < end; i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            pid = pid * 10 + (c - '0');
        }
        return pid;
    }

    /** @return how the partial files of a training of {@code cache} are named, up to the starter's pid */
    private static String partialPrefix(Path cache) {
        return cache.getFileName() + ".training-";
    }

    /**
     * {@link #cacheFile}, worked out once per spec and settings in this JVM (its jars' sizes and times
     * included: a jar rebuilt while the program runs gives children a cache that the JVM refuses, and they start
     * without one). The first time costs a fresh JVM milliseconds of class loading and hashing, which
     * {@link Launch#readAhead} spends ahead on a background thread.
     *
     * @param spec the launch spec
     * @return where the cache for this spec lives, or null if this parent cannot have one
     */
    static Path file(Launch.Spec spec) {
        // a list, not a record: a record's equals and hashCode cost a fresh JVM 10-25 ms each at their first call
        List<Object> key = java.util.Arrays.asList(spec, System.getProperty("mp4j.aot"), System.getProperty("mp4j.aot.dir"));
        java.util.Optional<Path> file = FILES.get(key);
        if (file == null) {
            synchronized (FILES) { // a lock, not computeIfAbsent's lambda, which a fresh JVM would spin
                file = FILES.get(key);
                if (file == null) {
                    file = java.util.Optional.ofNullable(cacheFile(spec));
                    FILES.put(key, file);
                }
            }
        }
        return file.orElse(null);
    }

    /** @return where the cache for this spec lives, or null if this parent cannot have one */
    static Path cacheFile(Launch.Spec spec) {
        if ("false".equals(System.getProperty("mp4j.aot"))) {
            return null;
        }
        LaunchLayout layout = LaunchLayout.of(spec);
        if (layout.classPath() == null || layout.classPath().isEmpty()) {
            return null; // the class path only, for now
        }
        for (String o : spec.jvmOptions()) {
            if (JvmOptions.cacheOption(o)) {
                return null; // the user manages class data sharing
            }
        }
        List<String> options = spec.userOptions();
        for (String o : options) {
            if (o.startsWith("-javaagent") || o.startsWith("-agentpath") || o.startsWith("-agentlib")) {
                return null; // an agent may transform classes at load time: a cache would not hold them
            }
        }
        StringBuilder key = new StringBuilder()
                .append(spec.java()).append('\n')
                .append(System.getProperty("java.vm.version")).append('\n')
                .append(keyOptions(options)).append('\n')
                .append(keyOptions(JvmOptions.fromEnvironment())).append('\n') // JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS
                .append(String.join(" ", layout.args())).append('\n');
        boolean jars = false;
        for (String entry : layout.classPath()) {
            Path p = Path.of(entry);
            try {
                if (Files.isRegularFile(p)) {
                    jars = true;
                    key.append(p.toAbsolutePath()).append(' ').append(Files.size(p)).append(' ')
                            .append(Files.getLastModifiedTime(p).toMillis()).append('\n');
                } else {
                    key.append(p.toAbsolutePath()).append(" not a jar\n"); // left out of the training
                }
            } catch (IOException e) {
                return null;
            }
        }
        if (!jars) {
            return null; // no jar: the cache would hold the JDK's classes only, as the JDK's own CDS does
        }
        Path base = directory();
        String hash = HexFormat.of().formatHex(java.util.Arrays.copyOf(
                dev.mp4j.internal.wire.Handshake.sha256(key.toString().getBytes(StandardCharsets.UTF_8)), 16));
        return base.resolve("child-".concat(hash).concat(".aot"));
    }

    /**
     * @param options a child's JVM options
     * @return those that name its cache: all but the system properties of the program's own, which the JVM does
     *     not check a cache against; a program given a property that changes from run to run (a log file, a run
     *     id) would otherwise train a new cache every run, its children starting without one meanwhile. The
     *     properties of the JDK's own namespaces ({@link #JDK_PROPERTIES}) stay: some decide what the cache may
     *     hold ({@code -Dcom.sun.management...} adds a module to the boot layer, and a cache of linked classes
     *     made without it is refused, and the other way round)
     */
    static String keyOptions(List<String> options) {
        StringBuilder key = new StringBuilder();
        for (String o : options) {
            if (o.startsWith("-D") && !jdkProperty(o)) {
                continue;
            }
            if (!key.isEmpty()) {
                key.append(' ');
            }
            key.append(o);
        }
        return key.toString();
    }

    /** The name prefixes of the system properties the JDK reads itself, kept in a cache's name. */
    private static final String[] JDK_PROPERTIES = {"-Djava.", "-Djavax.", "-Djdk.", "-Dsun.", "-Dcom.sun.",
        "-Dcom.oracle.", "-Dorg.openjdk."};

    private static boolean jdkProperty(String option) {
        for (String prefix : JDK_PROPERTIES) {
            if (option.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** @return where the caches live: {@code mp4j.aot.dir}, by default {@code ~/.cache/mp4j/aot} */
    static Path directory() {
        String dir = System.getProperty("mp4j.aot.dir");
        return dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".cache", "mp4j", "aot");
    }

    /**
     * Starts, detached, a training JVM that writes the cache under a temporary name and a shell that moves
     * it into place when the JVM ends well. Neither waits for this JVM nor depends on it: a short program
     * that spawns once still gets a cache for its next run.
     */
    private static void train(Launch.Spec spec, Path cache) {
        Path partial = null;
        try {
            LaunchLayout layout = trainingLayout(spec);
            if (layout == null) {
                return; // mp4j's child main class is not in a jar of the class path: the training cannot run
            }
            Files.createDirectories(cache.getParent());
            prune(cache.getParent(), KEPT - 1);
            partial = cache.resolveSibling(partialPrefix(cache) + ProcessHandle.current().pid());
            // Made now, empty (the training JVM writes over it): other JVMs see the training under way from
            // its start, not only once the training JVM has started and made its .config file (~0.3 s).
            Files.write(partial, new byte[0]);
            List<Path> directories = directories(LaunchLayout.of(spec).classPath());
            List<String> java = new ArrayList<>(
                    Launch.command(spec, trainingOptions(partial, !directories.isEmpty()), layout));
            java.add(TRAINING);
            java.addAll(outside(NOTED, directories));
            new ProcessBuilder("/bin/sh", "-c", trainingScript(java, partial, cache))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException | RuntimeException e) {
            // no cache this time: children start without one
            try {
                if (partial != null) {
                    Files.deleteIfExists(partial);
                }
            } catch (IOException ignored) {
                // it only delays another JVM's training by at most TRAINING_SECONDS
            }
        }
    }

    /**
     * @param java the training JVM's command
     * @param partial where it writes the cache
     * @param cache where the cache is moved when the JVM ends well
     * @return the shell script that runs the training detached, at a low CPU priority ({@code nice -n 10},
     *     where the shell has {@code nice}): the programs running then, a program's first runs among them
     *     (they train their children's cache), keep about nine tenths of a CPU they share with it; a training
     *     takes about 3 s of CPU here, so about 30 s beside one busy program per CPU, well within
     *     {@link #TRAINING_SECONDS}. At the lowest priority (19) it would take minutes, and a run started after
     *     {@link #TRAINING_SECONDS} would start a second training beside it.
     */
    static String trainingScript(List<String> java, Path partial, Path cache) {
        StringBuilder script = new StringBuilder(SystemPrograms.SHELL_PATH)
                .append("N=; command -v nice >/dev/null 2>&1 && N='nice -n 10'; ( $N ");
        for (String arg : java) {
            script.append(shellQuote(arg)).append(' ');
        }
        return script.append("&& mv -f ").append(shellQuote(partial.toString())).append(' ')
                .append(shellQuote(cache.toString()))
                .append("; rm -f ").append(shellQuote(partial.toString())).append(' ')
                .append(shellQuote(partial + ".config"))
                .append(" ) </dev/null >/dev/null 2>&1 &") // detached: this JVM never waits for it
                .toString();
    }

    /**
     * @param spec the launch spec
     * @return how the training JVM of its cache is laid out: the class path's jars alone (the JDK makes no
     *     cache from a class path with a directory); null when none of them holds the spec's main class
     */
    static LaunchLayout trainingLayout(Launch.Spec spec) {
        LaunchLayout layout = LaunchLayout.of(spec);
        List<String> jars = new ArrayList<>();
        for (String e : layout.classPath()) {
            if (Files.isRegularFile(Path.of(e))) {
                jars.add(e);
            }
        }
        if (jars.size() == layout.classPath().size()) {
            return layout;
        }
        String resource = spec.main().getName().replace('.', '/') + ".class";
        java.util.Set<Path> seen = new java.util.HashSet<>();
        for (String jar : jars) {
            if (LaunchLayout.holds(Path.of(jar), resource, seen)) {
                return layout.withClassPath(jars);
            }
        }
        return null;
    }

    /** @return the directories of a class path */
    static List<Path> directories(List<String> classPath) {
        List<Path> directories = new ArrayList<>();
        for (String e : classPath) {
            Path p = Path.of(e);
            if (Files.isDirectory(p)) {
                directories.add(p);
            }
        }
        return directories;
    }

    /**
     * The noted classes that none of the children's class path's directories holds, for the training to load.
     * The training leaves the directories out: it cannot load a class of one, and were a jar of the class path
     * to hold a class of that name too, the cache would have the jar's copy, which children would run instead
     * of the directory's (a {@code Context} may give its children a class path other than the program's).
     *
     * @param noted class names
     * @param directories the children's class path's directories
     */
    static List<String> outside(Collection<String> noted, List<Path> directories) {
        List<String> names = new ArrayList<>(noted.size());
        for (String name : noted) {
            String file = name.replace('.', '/').concat(".class");
            boolean inDirectory = false;
            for (Path directory : directories) {
                inDirectory |= Files.exists(directory.resolve(file));
            }
            if (!inDirectory) {
                names.add(name);
            }
        }
        return names;
    }

    /**
     * Marks a cache as used now (its modification time: the JVM checks the class path's jars against a
     * cache, not the cache's own times), so that {@link #prune} keeps the caches in use. Through
     * {@link File#setLastModified}, not {@code Files.setLastModifiedTime}, whose first call spins a lambda class
     * in a fresh JVM on its way to its first child.
     */
    static void markUsed(Path cache) {
        try {
            // false when not ours to mark (another user's directory, read-only): it is only kept less surely
            cache.toFile().setLastModified(System.currentTimeMillis());
        } catch (RuntimeException e) {
            // not marked: the cache is only kept less surely
        }
    }

    /**
     * Removes the caches of {@code dir} (files {@code child-*.aot}) beyond the {@code keep} most recently
     * used: a cache is made per class path and its jars' times, so every new build of an application adds
     * one. A child using a removed cache keeps its mapping; later children of its parent start without a
     * cache, and the next training makes it again.
     *
     * @param dir the cache directory
     * @param keep how many to keep
     */
    static void prune(Path dir, int keep) {
        prune(dir, "child-", ".aot", keep);
    }

    /** A file and its modification time, for {@link #prune}. */
    private record Entry(Path path, long used) { }

    /** Sorts {@link Entry entries} by time, the latest first (a class, not a comparator made of lambdas). */
    private static final class MostRecentFirst implements java.util.Comparator<Entry> {
        @Override
        public int compare(Entry a, Entry b) {
            return Long.compare(b.used(), a.used());
        }
    }

    /**
     * Removes the regular files of {@code dir} named {@code prefix...suffix} beyond the {@code keep} most
     * recently modified. Best effort.
     */
    static void prune(Path dir, String prefix, String suffix, int keep) {
        List<Entry> caches = new ArrayList<>();
        try (var files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.startsWith(prefix) && name.endsWith(suffix) && Files.isRegularFile(f)) {
                    caches.add(new Entry(f, Files.getLastModifiedTime(f).toMillis()));
                }
            }
        } catch (IOException | RuntimeException e) {
            return; // nothing to prune, or not ours to
        }
        caches.sort(new MostRecentFirst());
        for (Entry e : caches.subList(Math.min(keep, caches.size()), caches.size())) {
            try {
                Files.deleteIfExists(e.path());
            } catch (IOException ignored) {
                // removed meanwhile, or not ours: the next training tries again
            }
        }
    }

    /**
     * The training JVM's options. It records no method profiles (JEP 515's training data): a child that
     * finds them in the cache has C2 compile mp4j's start-up paths at once, which on a small machine
     * competes with the start-up itself. Measured on 2 vCPUs, 11 spawn start→join each, 4 alternating
     * pairs: median 69–82 ms without the profiles, 90–101 ms with them, and about 12 % less CPU. (The flag
     * is a diagnostic one: a JVM that does not know it ignores it, and records the profiles.) The classes are
     * AOT-linked ({@code -XX:AOTCacheOutput}'s default), which makes a child load all of the cache's classes
     * as it starts; without it ({@code -XX:-AOTClassLinking}) a child loads only those it needs, but resolves
     * its lambdas and other dynamic call sites at run time: about 25 ms more CPU per spawned child here. The
     * JDK's diagnostic {@code AOTAdapterCaching} and {@code AOTStubCaching} changed a child's start by less
     * than the noise.
     *
     * <p>With {@code directories} (the children's class path has some, left out of the training) the training
     * also searches a directory for a file through the JDK's class path code ({@link #DIRECTORIES}), so that the
     * classes of that search, {@code URLClassPath}'s loader of a directory and its resource, are in the cache. A
     * child that loads its job's class from a directory otherwise reads them from the JDK's runtime image and
     * links them first, on its way to the job: about 0.1 ms of its CPU. A class path of jars alone leaves them out:
     * each class of the cache costs every child that uses it (see {@code AotTrainer}).
     *
     * @param output where the training writes the cache
     * @param directories whether the children's class path has directories
     */
    static List<String> trainingOptions(Path output, boolean directories) {
        List<String> options = new ArrayList<>(List.of("-XX:AOTCacheOutput=" + output,
                "-XX:+IgnoreUnrecognizedVMOptions", "-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTRecordTraining"));
        if (directories) {
            options.add("-D" + DIRECTORIES + "=true");
        }
        return options;
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
