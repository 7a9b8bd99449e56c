package dev.gale.api;

import dev.gale.api.standalone.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A real single-node KRaft broker in the test JVM (the one {@code gale standalone --kafka} runs), shared
 * by every test class of the JVM (each uses its own topics) and stopped when the JVM exits: a broker
 * leaves much of its heap behind after it stops, so the test JVM runs one. Its ports stay the same, so
 * a test can stop it and start it again. With a few client helpers.
 */
final class KafkaBroker {
    private static KafkaBroker shared;

    private final Path directory;
    private final int port;
    private final int controllerPort;
    private EmbeddedKafka broker;

    /** The JVM's broker, started on first use. */
    static synchronized KafkaBroker shared() {
        if (shared == null) {
            shared = new KafkaBroker();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stopAndDelete));
        }
        return shared;
    }

    private KafkaBroker() {
        try {
            directory = Files.createTempDirectory("gale-kafka-test");
            port = freePort();
            controllerPort = freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    synchronized void start() {
        broker = EmbeddedKafka.start(directory, port, controllerPort);
    }

    synchronized void stop() {
        broker.close();
        broker = null;
    }

    String bootstrap() {
        return "localhost:" + port;
    }

    /** Creates the topic, unless an earlier test class of the JVM did. */
    void createTopic(String name, int partitions) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name, e);
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException("cannot create topic " + name, e);
        }
    }

    KafkaProducer<String, String> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /** Every record of {@code topic} there is now, read from the start within {@code timeout}. */
    List<ConsumerRecord<String, String>> readAll(String topic, int atLeast, Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> records = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < atLeast && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private synchronized void stopAndDelete() {
        if (broker != null) {
            stop();
        }
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
