package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gale.sdk.Trigger;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A task deferred on a {@code kafka_record} trigger against a real KRaft broker, real server and worker:
 * only a record written after the deferral whose value and key match fires it, with that record as the event.
 */
class KafkaRecordTriggerIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String DAG = "defer_on_conf_for_tests";
    private static final Duration WAIT = Duration.ofSeconds(30);

    static final KafkaBroker kafka = KafkaBroker.shared();

    @RegisterExtension
    static final GaleTestServer gale = GaleTestServer.perClass(Map.of("gale.kafka.bootstrap", kafka.bootstrap(),
            "gale.scheduler.interval", "PT0.2S"));

    static {
        kafka.createTopic("trigger-orders", 3);
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    private static String taskState(String runId) throws Exception {
        return json(gale.get("/api/v1/dags/" + DAG + "/runs/" + runId + "/tasks/wait")).get("state").asString();
    }

    private static RecordMetadata send(KafkaProducer<String, String> producer, String key, String value)
            throws Exception {
        return producer.send(new ProducerRecord<>("trigger-orders", key, value)).get();
    }

    @Test
    void onlyAMatchingRecordWrittenAfterTheDeferralFiresItWithThatRecord() throws Exception {
        Map<String, Object> spec = Trigger.kafkaRecord("trigger-orders", "order-7", Map.of("/status", "paid"))
                .spec();
        try (KafkaProducer<String, String> producer = kafka.producer()) {
            send(producer, "order-7", "{\"status\":\"paid\",\"n\":0}");

            HttpResponse<String> created = gale.post("/api/v1/dags/" + DAG + "/runs", JSON.writeValueAsString(Map.of(
                    "conf", Map.of("kind", "kafka_record", "spec", Map.of("topic", spec.get("topic"), "key",
                            spec.get("key"), "filter", spec.get("filter"), "interval", "PT1S")))));
            assertThat(created.statusCode()).as(created.body()).isBetween(200, 202);
            String runId = json(created).get("runId").asString();
            await().atMost(WAIT).until(() -> taskState(runId).equals("deferred"));

            send(producer, "order-7", "{\"status\":\"pending\",\"n\":1}");
            send(producer, "order-8", "{\"status\":\"paid\",\"n\":2}");
            send(producer, "order-7", "not json");
            Thread.sleep(3_000);
            assertThat(taskState(runId)).as("the record before the deferral and those that do not match")
                    .isEqualTo("deferred");

            RecordMetadata match = send(producer, "order-7", "{\"status\":\"paid\",\"n\":3}");
            send(producer, "order-7", "{\"status\":\"paid\",\"n\":4}");
            await().atMost(WAIT).until(() -> !json(gale.get("/api/v1/dags/" + DAG + "/runs/" + runId)).get("state")
                    .asString().equals("running"));
            JsonNode run = json(gale.get("/api/v1/dags/" + DAG + "/runs/" + runId));
            assertThat(run.get("state").asString()).as(run.toString()).isEqualTo("success");
            JsonNode result = run.get("result");
            assertThat(result.get("kind").asString()).isEqualTo("kafka_record");
            assertThat(result.get("attempt").asInt()).as("resumed as the attempt that deferred").isEqualTo(1);
            JsonNode event = result.get("event");
            assertThat(event.get("topic").asString()).isEqualTo("trigger-orders");
            assertThat(event.get("partition").asInt()).isEqualTo(match.partition());
            assertThat(event.get("offset").asLong()).isEqualTo(match.offset());
            assertThat(event.get("key").asString()).isEqualTo("order-7");
            assertThat(event.get("value").get("n").asInt()).isEqualTo(3);
        }
    }
}
