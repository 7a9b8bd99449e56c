package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gale.llm.rag.LuceneEmbeddingStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Exactly once into the index while processes die: two schedulers share the topic's partitions through
 * the DAG's consumer group (one in this JVM, one a {@code gale scheduler} process), two worker processes
 * run the batches; while events flow a worker and then the scheduler process are killed. Afterwards
 * every produced key is in the Lucene index, once.
 */
class EventIngestionCrashIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int EVENTS = 600;

    static final KafkaBroker kafka = KafkaBroker.shared();

    @RegisterExtension
    static final GaleTestServer gale = GaleTestServer.perClass(Map.of("gale.kafka.bootstrap", kafka.bootstrap(),
            "gale.heartbeat.timeout", "PT3S", "gale.heartbeat.interval", "PT0.5S"), false);

    static {
        kafka.createTopic("test-crash", 4);
        deleteIndex();
    }

    /** The processes' logs, kept after the test to read when it fails. */
    private final Path dir = logDirectory();

    private static Path logDirectory() {
        try {
            return Files.createDirectories(Path.of("target", "event-ingestion-crash-it"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void killingAWorkerAndASchedulerWhileEventsFlowLosesNoEventAndDuplicatesNone() throws Exception {
        try (WorkerProcesses workers = new WorkerProcesses(dir)) {
            Process scheduler = startScheduler(workers.bundle());
            Process doomed = workers.start("doomed-worker", gale.grpcPort());
            workers.start("steady-worker", gale.grpcPort());
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(json(gale.get("/api/v1/workers")).get("totalEntries").asInt()).isEqualTo(2);
                assertThat(owners()).as("both schedulers own partitions").hasSize(2);
            });

            List<String> keys = new ArrayList<>();
            try (KafkaProducer<String, String> producer = kafka.producer()) {
                for (int i = 0; i < EVENTS; i++) {
                    String key = "crash-" + i;
                    producer.send(new ProducerRecord<>("test-crash", key, "{\"n\":" + i + "}"));
                    keys.add(key);
                    if (i == EVENTS / 3) {
                        doomed.destroyForcibly();
                    }
                    if (i == 2 * EVENTS / 3) {
                        scheduler.destroyForcibly();
                    }
                    Thread.sleep(10);
                }
            }
            assertThat(doomed.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(scheduler.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

            await().atMost(Duration.ofSeconds(120)).until(() -> indexedKeys().containsAll(keys));
            try (LuceneEmbeddingStore index = LuceneEmbeddingStore.openForReading(TestDagsKafka.crashIndex())) {
                assertThat(index.size()).as("one entry per key").isEqualTo(EVENTS);
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    json(gale.get("/api/v1/dags/crash_events_for_tests/event-trigger")).get("totalLag").asLong())
                    .isZero());
        }
    }

    private Process startScheduler(Path bundle) throws IOException {
        Path jar = Path.of("target", "gale-server.jar").toAbsolutePath();
        assertThat(jar).as("packaged by the reactor before the integration tests").exists();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "scheduler")
                .redirectErrorStream(true).redirectOutput(dir.resolve("scheduler.log").toFile());
        builder.environment().putAll(Map.of("GALE_DB_URL", gale.database.jdbcUrl(), "GALE_DB_USER",
                gale.database.user(), "GALE_DB_PASSWORD", gale.database.password(), "GALE_KAFKA_BOOTSTRAP",
                kafka.bootstrap(), "GALE_DAGS", bundle.toString(), "GALE_HEARTBEAT_TIMEOUT", "PT3S"));
        return builder.start();
    }

    private static Set<String> owners() throws Exception {
        Set<String> owners = new HashSet<>();
        for (JsonNode partition : json(gale.get("/api/v1/dags/crash_events_for_tests/event-trigger")).get("partitions")) {
            if (partition.hasNonNull("owner")) {
                owners.add(partition.get("owner").asString());
            }
        }
        return owners;
    }

    private static Set<String> indexedKeys() {
        if (!Files.exists(TestDagsKafka.crashIndex())) {
            return Set.of();
        }
        try (LuceneEmbeddingStore index = LuceneEmbeddingStore.openForReading(TestDagsKafka.crashIndex())) {
            return index.distinct("eventKey", "eventKey").keySet();
        } catch (IllegalStateException e) {
            return Set.of();
        }
    }

    private static JsonNode json(java.net.http.HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    private static void deleteIndex() {
        if (!Files.exists(TestDagsKafka.crashIndex())) {
            return;
        }
        try (Stream<Path> paths = Files.walk(TestDagsKafka.crashIndex())) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
