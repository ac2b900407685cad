package dev.mp4j.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./mp4j member}: a member JVM for the machines of a real cluster, with the application's classes on its
 * class path (the launcher adds {@code --classpath}). It runs until it is stopped (SIGTERM: Hazelcast's shutdown
 * hook leaves the cluster).
 *
 * <pre>
 *   --authkey-file FILE   the cluster's authkey (required): the file's bytes, one trailing newline dropped
 *   --cluster NAME        the cluster's name (default "mp4j")
 *   --members H:P,...     the other members to join by TCP/IP (multicast and auto-detection are off)
 *   --port N              the port to listen on (default 5701, the next free one if taken)
 *   --interface IP        the address to bind to (default: Hazelcast's choice)
 *   --config FILE         a Hazelcast XML or YAML configuration to start from; the options above override it
 * </pre>
 */
final class MemberMain {
    private static final Set<String> OPTIONS = Set.of("--authkey-file", "--cluster", "--members", "--port",
            "--interface", "--config");

    private MemberMain() {}

    static void main(String[] args) throws IOException {
        Map<String, String> opts;
        try {
            opts = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("mp4j member: " + e.getMessage());
            System.err.println("usage: ./mp4j member --authkey-file FILE [--cluster NAME] [--members HOST:PORT,...]"
                    + " [--port N] [--interface IP] [--config FILE] [--classpath CP]");
            System.exit(2);
            return;
        }
        Config config = config(opts);
        byte[] key = authkey(Path.of(opts.get("--authkey-file")));
        System.out.println("mp4j member of cluster '" + config.getClusterName() + "' (pid "
                + ProcessHandle.current().pid() + ") starting");
        LocalMember.serve(config, key, () -> System.out.println("mp4j member of cluster '" + config.getClusterName()
                + "' (pid " + ProcessHandle.current().pid() + ") started"));
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!OPTIONS.contains(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; expected one of " + OPTIONS);
            }
            if (i + 1 == args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            opts.put(args[i], args[++i]);
        }
        if (!opts.containsKey("--authkey-file")) {
            throw new IllegalArgumentException("--authkey-file is required: a member runs only tasks signed with "
                    + "the cluster's authkey");
        }
        return opts;
    }

    static Config config(Map<String, String> opts) throws IOException {
        Config c = opts.containsKey("--config") ? Config.loadFromFile(Path.of(opts.get("--config")).toFile()) : new Config();
        c.setClusterName(opts.getOrDefault("--cluster", opts.containsKey("--config") ? c.getClusterName() : "mp4j"));
        if (opts.containsKey("--port")) {
            c.getNetworkConfig().setPort(Integer.parseInt(opts.get("--port")));
        }
        if (opts.containsKey("--interface")) {
            c.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(opts.get("--interface"));
            c.setProperty("hazelcast.socket.bind.any", "false");
        }
        if (opts.containsKey("--members") || !opts.containsKey("--config")) {
            JoinConfig join = c.getNetworkConfig().getJoin();
            join.getMulticastConfig().setEnabled(false);
            join.getAutoDetectionConfig().setEnabled(false);
            join.getTcpIpConfig().setEnabled(true);
            List<String> members = opts.containsKey("--members")
                    ? Arrays.stream(opts.get("--members").split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList()
                    : List.of();
            members.forEach(m -> join.getTcpIpConfig().addMember(m));
        }
        return c;
    }

    static byte[] authkey(Path file) throws IOException {
        byte[] key = Files.readAllBytes(file);
        if (key.length > 0 && key[key.length - 1] == '\n') {
            key = Arrays.copyOf(key, key.length - 1);
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("the authkey file " + file + " is empty");
        }
        return key;
    }
}
