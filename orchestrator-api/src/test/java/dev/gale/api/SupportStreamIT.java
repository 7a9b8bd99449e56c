package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gale.api.demo.EventProducer;
import dev.gale.api.demo.SupportEvents;
import dev.gale.api.standalone.Standalone;
import dev.gale.llm.rag.LuceneEmbeddingStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The streaming example as a user runs it: standalone with a Kafka broker, the demo generator's events,
 * {@code support_stream} indexing them masked and once each, {@code support_answer} answering about a
 * customer from the fresh index.
 */
class SupportStreamIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int EVENTS = 120;

    static final KafkaBroker kafka = KafkaBroker.shared();

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path home;

    @Test
    void generatedEventsAreIndexedMaskedOnceEachAndAnsweredWithTheirFreshness() throws Exception {
        String previousHome = System.getProperty("gale.home");
        System.setProperty("gale.home", home.toString());
        try (Standalone gale = Standalone.start(new Standalone.Options(home, 0, 0, 4,
                Map.of("gale.kafka.bootstrap", kafka.bootstrap()), null))) {
            String api = "http://localhost:" + gale.httpPort() + "/api/v1";
            String auth = "Bearer " + Files.readString(home.resolve("admin-token")).trim();
            List<SupportEvents.Event> produced = new ArrayList<>();
            try (EventProducer producer = new EventProducer(kafka.bootstrap(), Map.of(), "support-events", 3)) {
                producer.produce(new SupportEvents(42, 20, "it"), EVENTS, 200, (event, at) -> produced.add(event));
            }

            Path index = home.resolve("indexes").resolve("support");
            await().atMost(Duration.ofSeconds(120)).until(() -> Files.exists(index) && indexed(index).size() == EVENTS);
            try (LuceneEmbeddingStore store = LuceneEmbeddingStore.openForReading(index)) {
                assertThat(store.size()).as("one entry per event").isEqualTo(EVENTS);
            }
            assertThat(indexed(index).keySet())
                    .containsExactlyInAnyOrderElementsOf(produced.stream().map(SupportEvents.Event::key).toList());

            int customer = produced.getLast().customerId();
            HttpResponse<String> asked = http.send(HttpRequest.newBuilder(URI.create(api
                            + "/dags/support_answer/runs?wait=PT60S")).header("Authorization", auth)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"conf\":{\"question\":\"What changed in customer " + customer + "'s booking today?\"}}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            JsonNode run = JSON.readTree(asked.body());
            assertThat(run.get("state").asString()).as(asked.body()).isEqualTo("success");
            JsonNode result = run.get("result");
            assertThat(result.get("customerId").asInt()).isEqualTo(customer);
            assertThat(result.get("sources").size()).isPositive();
            assertThat(result.get("freshestSourceAgeSeconds").asDouble()).isBetween(0.0, 300.0);
            for (JsonNode source : result.get("sources")) {
                assertThat(source.get("customerId").asInt()).isEqualTo(customer);
                assertThat(source.get("timestamp").asString()).isNotBlank();
                assertThat(source.get("text").asString()).doesNotContain("@example.com").doesNotContain("+1 415")
                        .doesNotContain("4111 1111");
            }

            JsonNode runs = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(api
                    + "/runs?dagId=support_stream&limit=100")).header("Authorization", auth).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("runs");
            runs.forEach(r -> assertThat(r.get("runType").asString()).isEqualTo("event_triggered"));
        } finally {
            if (previousHome == null) {
                System.clearProperty("gale.home");
            } else {
                System.setProperty("gale.home", previousHome);
            }
        }
    }

    /** The ids of the events in the index, as last committed. */
    private static Map<String, String> indexed(Path index) {
        try (LuceneEmbeddingStore store = LuceneEmbeddingStore.openForReading(index)) {
            return store.distinct("eventId", "eventId");
        } catch (IllegalStateException e) {
            return Map.of();
        }
    }
}
