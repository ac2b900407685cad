package dev.mp4j.internal.util;

import java.io.File;

/**
 * The POSIX programs mp4j runs ({@code mkfifo}, and {@code mkdir}, {@code awk}, {@code mv}, {@code rm} in its
 * shell scripts), found where the system keeps them even when the program's {@code PATH} does not name that
 * folder: a service or container started with an empty or unusual {@code PATH} otherwise failed every child's
 * start ("Cannot run program mkfifo"), and its pools replaced workers that could not boot over and over.
 */
public final class SystemPrograms {
    /** Where a POSIX system keeps them, searched after the program's {@code PATH}. */
    private static final String[] SYSTEM_DIRECTORIES = {"/usr/bin", "/bin"};
    /**
     * Put before a {@code /bin/sh -c} script: the system's folders after the {@code PATH} the script inherits
     * (an empty or unset {@code PATH} gets no empty entry, which would mean the working directory), exported to
     * the programs it starts.
     */
    public static final String SHELL_PATH = "PATH=\"${PATH:+$PATH:}/usr/bin:/bin\"; export PATH; ";

    private SystemPrograms() {}

    /**
     * @param name a program's name, such as {@code mkfifo}
     * @return the first executable file of that name in a folder of {@code PATH}, else in the system's folders;
     *     the name itself where none is (the start then fails naming it)
     */
    public static String find(String name) {
        String path = System.getenv("PATH");
        if (path != null) {
            int from = 0;
            while (from <= path.length()) {
                int to = path.indexOf(File.pathSeparatorChar, from);
                if (to < 0) {
                    to = path.length();
                }
                if (to > from && path.charAt(from) == '/') { // an absolute folder: not the working directory
                    String found = executable(path.substring(from, to), name);
                    if (found != null) {
                        return found;
                    }
                }
                from = to + 1;
            }
        }
        for (String dir : SYSTEM_DIRECTORIES) {
            String found = executable(dir, name);
            if (found != null) {
                return found;
            }
        }
        return name;
    }

    private static String executable(String dir, String name) {
        File f = new File(dir, name);
        return f.isFile() && f.canExecute() ? f.getPath() : null;
    }
}
