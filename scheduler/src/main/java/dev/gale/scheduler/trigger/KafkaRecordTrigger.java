package dev.gale.scheduler.trigger;

import dev.gale.scheduler.kafka.KafkaSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fires with the first record of "topic" written after the deferral whose key equals "key" (when given)
 * and whose JSON value holds each "filter" entry (JSON pointer → expected value); polled every "interval"
 * (5 s). The event is {"topic", "partition", "offset", "key", "value"}.
 *
 * <p>It reads without a consumer group: at deferral the spec records each partition's end offset, and each
 * look assigns the partitions, seeks there and reads up to the end offsets of that moment, at most
 * {@link #MAX_RECORDS_PER_LOOK} records per partition. The trigger port stores no progress between looks,
 * so every look reads again from the deferral; a match later than that bound in its partition is not seen.
 */
final class KafkaRecordTrigger extends PolledTrigger {
    static final String KIND = "kafka_record";
    static final int MAX_RECORDS_PER_LOOK = 10_000;
    private static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(10);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Optional<KafkaSettings> kafka;

    KafkaRecordTrigger(Optional<KafkaSettings> kafka) {
        super(KIND, INTERVAL);
        this.kafka = kafka;
    }

    @Override
    public Map<String, Object> prepare(Map<String, Object> spec, Instant now) {
        String topic = Specs.text(KIND, spec, "topic");
        Map<String, Object> prepared = new LinkedHashMap<>();
        prepared.put("topic", topic);
        if (spec.containsKey("key")) {
            prepared.put("key", Specs.text(KIND, spec, "key"));
        }
        Object filter = spec.get("filter");
        if (filter != null) {
            if (!(filter instanceof Map<?, ?> entries)) {
                throw new InvalidTriggerException("\"filter\" of a 'kafka_record' trigger must be a JSON object of"
                        + " JSON pointer to expected value, e.g. {\"/status\": \"paid\"}; got " + filter);
            }
            entries.keySet().forEach(pointer -> {
                if (!pointer.toString().startsWith("/")) {
                    throw new InvalidTriggerException("each key of \"filter\" of a 'kafka_record' trigger must be a"
                            + " JSON pointer such as \"/status\"; got " + pointer);
                }
            });
            prepared.put("filter", filter);
        }
        prepared.put("interval", interval(spec).toString());
        prepared.put("offsets", endOffsets(topic));
        return prepared;
    }

    /** Each partition's end offset now, by partition number as text (JSON object keys). */
    private Map<String, Long> endOffsets(String topic) {
        KafkaSettings settings = kafka.orElseThrow(() -> new InvalidTriggerException("a 'kafka_record' trigger"
                + " needs Kafka, and this server has none: set GALE_KAFKA_BOOTSTRAP (gale.kafka.bootstrap)"));
        try (KafkaConsumer<String, String> consumer = consumer(settings)) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            Map<String, Long> offsets = new LinkedHashMap<>();
            consumer.endOffsets(partitions, KAFKA_TIMEOUT)
                    .forEach((partition, offset) -> offsets.put(Integer.toString(partition.partition()), offset));
            return offsets;
        } catch (KafkaException e) {
            throw new InvalidTriggerException("a 'kafka_record' trigger could not read the end offsets of topic '"
                    + topic + "' from Kafka at " + settings.bootstrapServers() + ": " + e.getMessage());
        }
    }

    @Override
    public Optional<Map<String, Object>> check(Map<String, Object> spec, Instant now) {
        KafkaSettings settings = kafka.orElseThrow(() -> new IllegalStateException("this server has no Kafka"));
        String topic = spec.get("topic").toString();
        Map<?, ?> start = (Map<?, ?>) spec.get("offsets");
        try (KafkaConsumer<String, String> consumer = consumer(settings)) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, KAFKA_TIMEOUT);
            consumer.assign(partitions);
            Map<TopicPartition, Long> until = new LinkedHashMap<>();
            for (TopicPartition partition : partitions) {
                // A partition added after the deferral is read from its beginning.
                Object from = start.get(Integer.toString(partition.partition()));
                long offset = from == null ? 0 : ((Number) from).longValue();
                consumer.seek(partition, offset);
                long last = Math.min(end.get(partition), offset + MAX_RECORDS_PER_LOOK);
                if (last > offset) {
                    until.put(partition, last);
                }
            }
            consumer.pause(partitions.stream().filter(p -> !until.containsKey(p)).toList());
            List<ConsumerRecord<String, String>> matches = new ArrayList<>();
            long deadline = System.nanoTime() + KAFKA_TIMEOUT.toNanos();
            while (!until.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    Long last = until.get(partition);
                    if (last == null) {
                        continue;
                    }
                    if (record.offset() >= last) {
                        done(consumer, until, partition);
                    } else if (matches(spec, record)) {
                        matches.add(record);
                        done(consumer, until, partition);
                    } else if (record.offset() + 1 >= last) {
                        done(consumer, until, partition);
                    }
                }
            }
            return matches.stream().min((a, b) -> Long.compare(a.timestamp(), b.timestamp())).map(this::event);
        }
    }

    private static void done(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> until,
                             TopicPartition partition) {
        until.remove(partition);
        consumer.pause(List.of(partition));
    }

    private static boolean matches(Map<String, Object> spec, ConsumerRecord<String, String> record) {
        if (spec.containsKey("key") && !spec.get("key").equals(record.key())) {
            return false;
        }
        if (!(spec.get("filter") instanceof Map<?, ?> filter) || filter.isEmpty()) {
            return true;
        }
        JsonNode value = parse(record.value());
        if (value == null) {
            return false;
        }
        return filter.entrySet().stream().allMatch(entry -> value.at(entry.getKey().toString())
                .equals(JSON.valueToTree(entry.getValue())));
    }

    private Map<String, Object> event(ConsumerRecord<String, String> record) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("topic", record.topic());
        event.put("partition", record.partition());
        event.put("offset", record.offset());
        event.put("key", record.key());
        JsonNode value = parse(record.value());
        event.put("value", value == null ? record.value() : JSON.treeToValue(value, Object.class));
        return event;
    }

    private static JsonNode parse(String value) {
        if (value == null) {
            return null;
        }
        try {
            return JSON.readTree(value);
        } catch (JacksonException e) {
            return null;
        }
    }

    private static KafkaConsumer<String, String> consumer(KafkaSettings settings) {
        return new KafkaConsumer<>(settings.client(Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000")),
                new StringDeserializer(), new StringDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, String> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, KAFKA_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new InvalidTriggerException("a 'kafka_record' trigger names topic '" + topic
                    + "', which Kafka does not have");
        }
        return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }
}
