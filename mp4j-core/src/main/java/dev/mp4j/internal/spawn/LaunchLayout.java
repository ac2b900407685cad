package dev.mp4j.internal.spawn;

import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Where a child JVM finds its main class and the application's classes, decided from how this JVM runs:
 * <ul>
 *   <li>{@code CLASS_PATH}: the parent's class path (directories and jars; a jar's manifest {@code Class-Path}
 *       and a shaded jar need nothing more: the JVM follows the manifest), or the context's
 *       ({@code withClassPath});</li>
 *   <li>{@code SPRING_BOOT}: mp4j was loaded by Spring Boot's launcher from an executable jar (classes under
 *       {@code BOOT-INF/classes}, libraries as nested jars): the child runs Spring Boot's
 *       {@code PropertiesLauncher} on the same jar with {@code -Dloader.main} naming the child's main class, so
 *       it gets the same class loader, without unpacking anything;</li>
 *   <li>{@code MODULES}: mp4j is a named module, on the module path or in the runtime image (jlink): the child
 *       gets the module path and the boot layer's modules, and runs the main class of mp4j's module.</li>
 * </ul>
 * {@link #check} tells, before any JVM is started, the cases where a child could not find its main class:
 * then {@code start()} and pool creation fail with a clear error instead of a child's
 * {@code ClassNotFoundException}.
 *
 * @param mode how the child finds its classes
 * @param nativeAccess the value of {@code --enable-native-access} mp4j's code needs in the child
 * @param args the arguments after the JVM options: class path or module path, then the main class or module
 * @param classPath the class path's entries (for the AOT cache), or null when the classes are not on a plain
 *     class path
 */
record LaunchLayout(Mode mode, String nativeAccess, List<String> args, List<String> classPath) {
    /** How a child finds its classes. */
    enum Mode { CLASS_PATH, SPRING_BOOT, MODULES }

    /** The class paths whose jars were found to hold a spec's main class. */
    private static final Set<String> CHECKED = ConcurrentHashMap.newKeySet();
    /** The specs {@link #check} passed. */
    private static final Set<Launch.Spec> PASSED = ConcurrentHashMap.newKeySet();

    /**
     * @param spec the launch spec
     * @return how a child of that spec is laid out
     */
    static LaunchLayout of(Launch.Spec spec) {
        String main = spec.main().getName();
        if (!spec.classPath().isEmpty()) {
            List<String> cp = spec.classPath().stream().map(p -> p.toAbsolutePath().toString()).toList();
            return new LaunchLayout(Mode.CLASS_PATH, "ALL-UNNAMED",
                    List.of("-cp", String.join(File.pathSeparator, cp), main), cp);
        }
        String classPath = System.getProperty("java.class.path", "");
        String launcher = springBootLauncher(spec.main());
        if (launcher != null) {
            return new LaunchLayout(Mode.SPRING_BOOT, "ALL-UNNAMED",
                    List.of("-cp", classPath, "-Dloader.main=" + main, launcher), List.of(classPath.split(File.pathSeparator)));
        }
        Module module = spec.main().getModule();
        if (module.isNamed()) {
            List<String> args = new ArrayList<>();
            if (!classPath.isEmpty()) {
                args.add("-cp");
                args.add(classPath);
            }
            String modulePath = System.getProperty("jdk.module.path", "");
            Set<String> roots = new TreeSet<>();
            for (Module m : ModuleLayer.boot().modules()) {
                roots.add(m.getName());
            }
            if (!modulePath.isEmpty()) {
                args.add("-p");
                args.add(modulePath);
                roots.add("ALL-MODULE-PATH");
            }
            args.add("--add-modules");
            args.add(String.join(",", roots));
            args.add("-m");
            args.add(module.getName() + "/" + main);
            return new LaunchLayout(Mode.MODULES, module.getName(), args, null);
        }
        List<String> entries = classPath.isEmpty() ? List.of() : List.of(classPath.split(File.pathSeparator));
        return new LaunchLayout(Mode.CLASS_PATH, "ALL-UNNAMED",
                classPath.isEmpty() ? List.of(main) : List.of("-cp", classPath, main), entries);
    }

    /**
     * @param entries the class path's entries
     * @return this layout of the class path (a CLASS_PATH or SPRING_BOOT layout) with those entries instead
     */
    LaunchLayout withClassPath(List<String> entries) {
        List<String> replaced = new ArrayList<>(args);
        replaced.set(replaced.indexOf("-cp") + 1, String.join(File.pathSeparator, entries));
        return new LaunchLayout(mode, nativeAccess, List.copyOf(replaced), List.copyOf(entries));
    }

    /**
     * @return the class name of Spring Boot's {@code PropertiesLauncher} when {@code main} was loaded by Spring
     *     Boot's launcher (the package of its class loader: {@code org.springframework.boot.loader.launch} since
     *     Spring Boot 3.2, {@code org.springframework.boot.loader} before), else null
     */
    static String springBootLauncher(Class<?> main) {
        ClassLoader loader = main.getClassLoader();
        String name = loader == null ? "" : loader.getClass().getName();
        if (!name.startsWith("org.springframework.boot.loader.")) {
            return null;
        }
        return name.substring(0, name.lastIndexOf('.')) + ".PropertiesLauncher";
    }

    /**
     * Fails when a child of {@code spec} could not be started, naming the case and the remedy. Cheap after the
     * first success for a class path (the jars are read once).
     *
     * @param spec the launch spec
     * @throws IOException saying why, and what to do instead
     */
    static void check(Launch.Spec spec) throws IOException {
        if (!PASSED.contains(spec)) {
            synchronized (PASSED) { // one at a time: a start waits for the check made ahead instead of repeating it
                if (!PASSED.contains(spec)) {
                    checkNow(spec);
                    PASSED.add(spec);
                }
            }
        }
    }

    private static void checkNow(Launch.Spec spec) throws IOException {
        if (System.getProperty("org.graalvm.nativeimage.imagecode") != null && spec.classPath().isEmpty()) {
            throw new IOException("mp4j cannot start child JVMs from a GraalVM native image: there is no java "
                    + "binary nor class path to start them with. Run the application on a JVM, or give the "
                    + "children both: Context.withExecutable(java of a JDK 25) and Context.withClassPath(jars "
                    + "holding mp4j and the application)");
        }
        if (!Files.isExecutable(spec.java())) {
            throw new IOException("the java executable " + spec.java() + " does not exist or is not executable: "
                    + "give children another with Context.withExecutable, Multiprocessing.setExecutable or "
                    + "-Dmp4j.executable");
        }
        LaunchLayout layout = of(spec);
        // String.concat, not +: javac's indy concat links each call site at its first run, on a start's way
        String resource = spec.main().getName().replace('.', '/').concat(".class");
        switch (layout.mode()) {
            case SPRING_BOOT -> { }
            case MODULES -> {
                String name = spec.main().getModule().getName();
                String modulePath = System.getProperty("jdk.module.path", "");
                Path[] paths = modulePath.isEmpty() ? new Path[0]
                        : java.util.Arrays.stream(modulePath.split(File.pathSeparator)).map(Path::of).toArray(Path[]::new);
                boolean ownJava = spec.java().equals(Launch.Spec.ownJava());
                if (ModuleFinder.of(paths).find(name).isEmpty()
                        && ownJava && ModuleFinder.ofSystem().find(name).isEmpty()) {
                    throw new IOException("child JVMs cannot find mp4j's module " + name + ": it is neither on the "
                            + "module path (" + modulePath + ") nor in the runtime image; this JVM loaded it from "
                            + spec.main().getModule().getLayer() + ". Give the children a class path that holds "
                            + "mp4j and the application with Context.withClassPath");
                }
            }
            case CLASS_PATH -> {
                String key = resource.concat("\n").concat(String.join(File.pathSeparator, layout.classPath()));
                if (CHECKED.contains(key)) {
                    return;
                }
                // Loaded from an entry of the class path, it is there: no jar need be opened (on a JVM's first
                // start, opening and reading mp4j's jar cost 10-30 ms before the child could be started).
                boolean found = loadedFrom(spec.main(), layout.classPath());
                Set<Path> seen = new HashSet<>();
                for (String entry : found ? List.<String>of() : layout.classPath()) {
                    if (holds(Path.of(entry.isEmpty() ? "." : entry), resource, seen)) {
                        found = true;
                        break;
                    }
                }
                if (!found) {
                    ClassLoader loader = spec.main().getClassLoader();
                    throw new IOException("child JVMs cannot find " + spec.main().getName() + " (mp4j's) on their "
                            + "class path " + layout.classPath() + ": this JVM loaded it through "
                            + (loader == null ? "the boot class loader" : loader.getClass().getName())
                            + ", which a child JVM does not have. Give the children a class path that holds mp4j "
                            + "and the application with Context.withClassPath(...)");
                }
                CHECKED.add(key);
            }
        }
    }

    /**
     * Fails when objects of {@code type} could not be read in a child of {@code spec}: a class of a class
     * loader the child does not have, from a location not on the child's class path.
     *
     * @param spec the launch spec
     * @param type the class of a process or of its target
     * @throws IOException saying why, and what to do instead
     */
    static void checkReachable(Launch.Spec spec, Class<?> type) throws IOException {
        ClassLoader loader = type.getClassLoader();
        if (loader == null || loader == ClassLoader.getSystemClassLoader()
                || loader == ClassLoader.getPlatformClassLoader() || loader == spec.main().getClassLoader()) {
            return;
        }
        LaunchLayout layout = of(spec);
        var source = type.getProtectionDomain().getCodeSource();
        if (layout.classPath() != null && loadedFrom(type, layout.classPath())) {
            return;
        }
        throw new IOException("child JVMs cannot load " + type.getName() + ": this JVM loaded it through class "
                + "loader " + loader + " (" + loader.getClass().getName() + "), which a child JVM does not have, "
                + "from " + (source == null ? "an unknown location" : source.getLocation()) + ", which is not on "
                + "the children's class path. Give the children a class path that holds it with "
                + "Context.withClassPath(...)");
    }

    /**
     * @param type a class
     * @param classPath a class path's entries
     * @return whether {@code type} was loaded from one of them (its code source is one of the entries): then a
     *     JVM with that class path finds it there
     */
    static boolean loadedFrom(Class<?> type, List<String> classPath) {
        var source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return false;
        }
        try {
            Path where = Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
            for (String entry : classPath) {
                if (Path.of(entry.isEmpty() ? "." : entry).toAbsolutePath().normalize().equals(where)) {
                    return true;
                }
            }
        } catch (java.net.URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            // not a file: a child cannot load it from there either
        }
        return false;
    }

    /**
     * @return whether {@code entry} (a directory, or a jar with the jars of its manifest's {@code Class-Path})
     *     holds {@code resource}
     */
    static boolean holds(Path entry, String resource, Set<Path> seen) {
        Path e = entry.toAbsolutePath().normalize();
        if (!seen.add(e)) {
            return false;
        }
        if (Files.isDirectory(e)) {
            return Files.isRegularFile(e.resolve(resource));
        }
        if (!Files.isRegularFile(e)) {
            return false;
        }
        try (JarFile jar = new JarFile(e.toFile())) {
            if (jar.getEntry(resource) != null) {
                return true;
            }
            Manifest manifest = jar.getManifest();
            String cp = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (cp != null) {
                for (String url : cp.trim().split("\\s+")) {
                    try {
                        Path next = Path.of(e.getParent().toUri().resolve(url));
                        if (holds(next, resource, seen)) {
                            return true;
                        }
                    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException ignored) {
                        // the JVM skips an entry it cannot read too
                    }
                }
            }
        } catch (IOException ignored) {
            // not a jar: the JVM finds nothing there either
        }
        return false;
    }
}
