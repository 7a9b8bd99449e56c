package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Event-triggered DAGs against a real KRaft broker: micro-batches become runs whose input is the
 * records, offsets are committed after success, bad records go to the dead-letter topic, a failed run
 * is retried in order, and a broker restart only pauses ingestion.
 */
class EventTriggeredRunsIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static final KafkaBroker kafka = KafkaBroker.shared();

    @RegisterExtension
    static final GaleTestServer gale = GaleTestServer.perClass(Map.of("gale.kafka.bootstrap", kafka.bootstrap()));

    static {
        kafka.createTopic("test-events", 3);
        kafka.createTopic("test-ordered", 1);
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    @Test
    void eachMicroBatchIsAnEventTriggeredRunWhoseInputIsItsRecordsAndItsOffsetsAreCommittedAfterSuccess()
            throws Exception {
        Map<String, RecordMetadata> produced = new HashMap<>();
        try (KafkaProducer<String, String> producer = kafka.producer()) {
            for (int i = 0; i < 150; i++) {
                ProducerRecord<String, String> record = new ProducerRecord<>("test-events", "basic-" + i,
                        "{\"n\":" + i + "}");
                record.headers().add("source", "basic-test".getBytes(StandardCharsets.UTF_8));
                produced.put("basic-" + i, producer.send(record).get());
            }
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> produced.keySet().stream()
                .allMatch(TestDagsKafka.INDEX::containsKey));
        for (var entry : produced.entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> indexed = (Map<String, Object>) TestDagsKafka.INDEX.get(entry.getKey());
            assertThat(indexed.get("partition")).isEqualTo(entry.getValue().partition());
            assertThat(indexed.get("offset")).isEqualTo(entry.getValue().offset());
            assertThat(indexed.get("timestamp")).isEqualTo(entry.getValue().timestamp());
            assertThat(indexed.get("headers")).isEqualTo(Map.of("source", "basic-test"));
            assertThat(indexed.get("value")).isEqualTo(Map.of("n", Integer.parseInt(entry.getKey().substring(6))));
        }

        JsonNode runs = json(gale.get("/api/v1/runs?dagId=events_for_tests&limit=100")).get("runs");
        assertThat(runs.size()).as("micro-batches of at most 50 records").isGreaterThanOrEqualTo(3);
        runs.forEach(run -> assertThat(run.get("runType").asString()).isEqualTo("event_triggered"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode status = json(gale.get("/api/v1/dags/events_for_tests/event-trigger"));
            assertThat(status.get("topic").asString()).isEqualTo("test-events");
            assertThat(status.get("partitions").size()).isEqualTo(3);
            assertThat(status.get("totalLag").asLong()).isZero();
            for (JsonNode partition : status.get("partitions")) {
                assertThat(partition.get("committedOffset").asLong()).isEqualTo(partition.get("endOffset").asLong());
                assertThat(partition.get("lastRunId").asString()).startsWith("event_triggered__");
                assertThat(partition.get("owner").asString()).startsWith("gale-events_for_tests-");
            }
        });
        JsonNode all = json(gale.get("/api/v1/event-triggers"));
        assertThat(all.get("eventTriggers").findValuesAsString("dagId"))
                .contains("events_for_tests", "ordered_events_for_tests", "support_stream").doesNotContain("hello");
    }

    @Test
    void aDagThatIsNotScheduledOnATopicHasNoEventTriggerAndTheProblemSaysWhereToLook() throws Exception {
        HttpResponse<String> hello = gale.get("/api/v1/dags/hello/event-trigger");

        assertThat(hello.statusCode()).isEqualTo(404);
        assertThat(hello.headers().firstValue("Content-Type").orElseThrow()).contains("problem+json");
        assertThat(json(hello).get("detail").asString()).contains("not scheduled on a Kafka topic")
                .contains("/api/v1/event-triggers");
    }

    @Test
    void aRecordThatIsNotJsonGoesToTheDeadLetterTopicWithTheReasonAndDoesNotBlockItsPartition() throws Exception {
        try (KafkaProducer<String, String> producer = kafka.producer()) {
            producer.send(new ProducerRecord<>("test-events", 0, "dead-1", "{not json")).get();
            producer.send(new ProducerRecord<>("test-events", 0, "alive-1", "{\"fine\":true}")).get();
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> TestDagsKafka.INDEX.containsKey("alive-1"));
        assertThat(TestDagsKafka.INDEX).doesNotContainKey("dead-1");
        List<ConsumerRecord<String, String>> letters = kafka.readAll("test-events.dead-letter", 1,
                Duration.ofSeconds(30));
        ConsumerRecord<String, String> letter = letters.stream().filter(r -> "dead-1".equals(r.key())).findFirst()
                .orElseThrow();
        assertThat(letter.value()).isEqualTo("{not json");
        assertThat(new String(letter.headers().lastHeader("gale.dead-letter.reason").value(), StandardCharsets.UTF_8))
                .startsWith("the value is not JSON");
        assertThat(new String(letter.headers().lastHeader("gale.source").value(), StandardCharsets.UTF_8))
                .startsWith("test-events-0@");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode partition0 = json(gale.get("/api/v1/dags/events_for_tests/event-trigger")).get("partitions").get(0);
            assertThat(partition0.get("deadLetters").asLong()).isGreaterThanOrEqualTo(1);
            assertThat(partition0.get("lag").asLong()).isZero();
        });
    }

    @Test
    void aFailedRunIsRetriedWithTheSameRecordsAndALaterBatchOfThePartitionDoesNotOvertakeIt() throws Exception {
        try (KafkaProducer<String, String> producer = kafka.producer()) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>("test-ordered", 0, "ord-" + i,
                        i == 2 ? "{\"failTimes\":2}" : "{\"n\":" + i + "}")).get();
            }
            // The second lot is produced once the first batch has failed, so it is certainly a later batch.
            await().atMost(Duration.ofSeconds(60)).until(() -> seen("ord-2") >= 1);
            for (int i = 5; i < 10; i++) {
                producer.send(new ProducerRecord<>("test-ordered", 0, "ord-" + i, "{\"n\":" + i + "}")).get();
            }
        }

        await().atMost(Duration.ofSeconds(90)).until(() -> TestDagsKafka.INDEX.containsKey("ord-9"));
        assertThat(seen("ord-2")).as("two failed runs, then the one that succeeded").isEqualTo(3);
        List<String> writes = new ArrayList<>(TestDagsKafka.WRITES);
        int second = writes.indexOf("ord-2");
        for (int i = 5; i < 10; i++) {
            assertThat(writes.indexOf("ord-" + i)).as("ord-%d is written after the failed batch succeeded", i)
                    .isGreaterThan(second);
        }
        for (int i = 0; i < 10; i++) {
            assertThat(TestDagsKafka.INDEX).containsKey("ord-" + i);
        }
        JsonNode runs = json(gale.get("/api/v1/runs?dagId=ordered_events_for_tests&limit=100")).get("runs");
        List<String> states = new ArrayList<>();
        runs.forEach(run -> states.add(run.get("state").asString()));
        assertThat(states).filteredOn("failed"::equals).hasSize(2);
    }

    @Test
    void aBrokerRestartPausesIngestionAndItResumesByItself() throws Exception {
        kafka.stop();
        HttpResponse<String> whileDown = gale.get("/api/v1/dags/events_for_tests/event-trigger");
        assertThat(whileDown.statusCode()).isEqualTo(503);
        assertThat(whileDown.headers().firstValue("Content-Type").orElseThrow()).contains("problem+json");
        assertThat(json(whileDown).get("detail").asString()).contains(kafka.bootstrap());
        kafka.start();

        try (KafkaProducer<String, String> producer = kafka.producer()) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>("test-events", "restart-" + i, "{\"n\":" + i + "}")).get();
            }
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            AtomicInteger indexed = new AtomicInteger();
            for (int i = 0; i < 20; i++) {
                if (TestDagsKafka.INDEX.containsKey("restart-" + i)) {
                    indexed.incrementAndGet();
                }
            }
            return indexed.get() == 20;
        });
    }

    @Test
    void theDagPageShowsTheTopicWithItsPartitionsLagAndCommittedOffsets() throws Exception {
        try (KafkaProducer<String, String> producer = kafka.producer()) {
            producer.send(new ProducerRecord<>("test-events", "ui-1", "{\"for\":\"the page\"}")).get();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> TestDagsKafka.INDEX.containsKey("ui-1"));
        try (Browser browser = Browser.start()) {
            browser.size(Browser.WIDE);
            browser.open(gale.baseUrl() + "/");
            browser.find("#token").sendKeys(gale.adminToken);
            browser.find("#sign-in").click();
            browser.find("#dag-list");
            browser.open(gale.baseUrl() + "/#/dags/events_for_tests");

            String panel = browser.find("#event-trigger").getText();
            assertThat(panel).contains("test-events", "gale.events_for_tests", "test-events.dead-letter");
            browser.until(d -> d.findElements(By.cssSelector("#event-trigger-partitions tbody tr"))
                    .size() == 3, "a row per partition");
            assertThat(browser.find("#event-trigger-partitions").getText()).contains("event_triggered__");
            browser.screenshot("dag-event-trigger");
        }
    }

    private static int seen(String key) {
        AtomicInteger count = TestDagsKafka.SEEN.get(key);
        return count == null ? 0 : count.get();
    }
}
