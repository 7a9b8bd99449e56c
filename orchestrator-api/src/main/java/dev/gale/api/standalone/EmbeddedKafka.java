package dev.gale.api.standalone;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node Apache Kafka broker in KRaft mode (broker and controller in one), in this JVM, with its
 * log in a directory that survives restarts: what {@code gale standalone --kafka} runs, so the
 * streaming example needs no install. The first start formats the directory.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final KafkaRaftServer server;
    private final int port;

    private EmbeddedKafka(KafkaRaftServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** Standalone's broker: data in {@code $GALE_HOME/kafka}, clients on {@code port}, its controller on the next. */
    public static EmbeddedKafka startInHome(Path home, int port) {
        Preflight.requireFreePort(port, "GALE_KAFKA_PORT");
        Preflight.requireFreePort(port + 1, "GALE_KAFKA_PORT (plus one, the controller's port)");
        return start(home.resolve("kafka"), port, port + 1);
    }

    /** Starts the broker on {@code port} (clients) and {@code controllerPort} (KRaft), logs in {@code directory}. */
    public static EmbeddedKafka start(Path directory, int port, int controllerPort) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Kafka directory " + directory, e);
        }
        String logs = directory.toAbsolutePath().toString();
        Properties config = new Properties();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        config.put("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("log.dirs", logs);
        config.put("num.partitions", "3");
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "3");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        // A single member joins at once instead of after the default 3 s.
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("auto.create.topics.enable", "true");
        // Formatted once; later starts keep the cluster and its topics.
        if (!Files.exists(directory.resolve("meta.properties"))) {
            format(logs);
        }
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
        server.startup();
        return new EmbeddedKafka(server, port);
    }

    private static void format(String logs) {
        try {
            new Formatter().setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(1).setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName("CONTROLLER").setMetadataLogDirectory(logs).addDirectory(logs)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION).run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the Kafka directory " + logs + ": " + e.getMessage(), e);
        }
    }

    /** The address clients connect to, e.g. {@code localhost:22092}. */
    public String bootstrapServers() {
        return "localhost:" + port;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
