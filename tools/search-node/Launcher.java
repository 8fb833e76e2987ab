import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;

/**
 * Starts one OpenSearch 2.19 node inside this JVM, for tests and benchmarks on 127.0.0.1.
 *
 * Usage: {@code java -cp 'lib/*:classes' Launcher <scratch directory> <http port, 0 = any free>}.
 * The node keeps its data, logs and config under the scratch directory, binds only the loopback
 * address and prints {@code READY http://127.0.0.1:<port>} on standard output once HTTP accepts
 * requests. SIGTERM closes the node. The bootstrap checks and the security manager of the
 * packaged server are not used: the node is constructed directly, as OpenSearch's own test
 * nodes are, which is also why it runs as root.
 */
public final class Launcher {

    /** Modules loaded from the classpath; a missing class stops the launcher. */
    private static final String[] PLUGIN_CLASSES = {
        "org.opensearch.transport.Netty4Plugin",
        "org.opensearch.analysis.common.CommonAnalysisPlugin",
        "org.opensearch.painless.PainlessPlugin",
        "org.opensearch.index.mapper.MapperExtrasPlugin",
        "org.opensearch.index.reindex.ReindexPlugin",
    };

    private Launcher() {}

    /** A node that skips the cluster-id listener, which needs the packaged server's bootstrap. */
    private static final class EmbeddedNode extends Node {
        EmbeddedNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }

        @Override
        protected void configureNodeAndClusterIdStateListener(ClusterService clusterService) {}
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Launcher <scratch directory> <http port, 0 for any free port>");
            System.exit(2);
        }
        // Logging set-up may redirect System.out, so keep a stream on the real standard output.
        PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        Path home = Paths.get(args[0]).toAbsolutePath();
        String httpPort = args[1];

        Path config = home.resolve("config");
        Path logs = home.resolve("logs");
        Files.createDirectories(config);
        Files.createDirectories(logs);
        Files.createDirectories(home.resolve("data"));
        Files.writeString(config.resolve("log4j2.properties"), LOG_CONFIG, StandardCharsets.UTF_8);

        Settings settings = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", logs.toString())
            .put("cluster.name", "portal-search-node")
            .put("node.name", "node-1")
            .put("discovery.type", "single-node")
            .put("network.host", "127.0.0.1")
            .put("http.port", httpPort)
            .put("transport.port", "0")
            .put("node.portsfile", true)
            // Disk watermarks would turn indices read-only on a nearly full scratch disk.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("node.store.allow_mmap", false)
            .put("action.auto_create_index", false)
            .build();

        Environment environment =
            InternalSettingsPreparer.prepareEnvironment(settings, Collections.emptyMap(), config, () -> "node-1");
        LogConfigurator.registerErrorListener();
        LogConfigurator.setNodeName("node-1");
        LogConfigurator.configure(environment);

        List<Class<? extends Plugin>> plugins = loadPlugins();
        Node node = new EmbeddedNode(environment, plugins);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(10, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                System.err.println("closing the search node failed: " + e);
            } finally {
                stopped.countDown();
            }
        }, "search-node-shutdown"));
        node.start();

        stdout.println("READY http://" + readHttpAddress(logs));
        stopped.await();
    }

    @SuppressWarnings("unchecked")
    private static List<Class<? extends Plugin>> loadPlugins() {
        List<Class<? extends Plugin>> plugins = new ArrayList<>();
        for (String name : PLUGIN_CLASSES) {
            try {
                plugins.add((Class<? extends Plugin>) Class.forName(name));
            } catch (ClassNotFoundException e) {
                System.err.println("missing OpenSearch module class " + name + ": rerun tools/search-node/build.sh");
                System.exit(3);
            }
        }
        return plugins;
    }

    /** Read the bound address from the ports file, which the node writes once HTTP listens. */
    private static String readHttpAddress(Path logs) throws IOException, InterruptedException {
        Path portsFile = logs.resolve("http.ports");
        for (int attempt = 0; attempt < 600 && !Files.exists(portsFile); attempt++) {
            Thread.sleep(100);
        }
        return Files.readAllLines(portsFile, StandardCharsets.UTF_8).get(0).trim();
    }

    private static final String LOG_CONFIG = String.join("\n",
        "status = error",
        "appender.console.type = Console",
        "appender.console.name = console",
        "appender.console.target = SYSTEM_ERR",
        "appender.console.layout.type = PatternLayout",
        "appender.console.layout.pattern = [%d{ISO8601}][%-5p][%c{1.}] [%node_name]%marker %m%n",
        "rootLogger.level = warn",
        "rootLogger.appenderRef.console.ref = console",
        "");
}
