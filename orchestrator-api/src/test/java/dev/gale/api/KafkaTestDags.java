package dev.gale.api;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.DagBundle;
import dev.gale.sdk.EventRecords;
import dev.gale.sdk.Triggers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Event-triggered DAGs for the Kafka tests. Their task keeps, in this JVM, an index (record key to value,
 * an upsert as a vector index does), every key in the order it was written, and how often each key was
 * seen; a record whose value says {@code "failTimes": n} fails its run the first n times it is seen.
 */
public final class KafkaTestDags implements DagBundle {
    static final Map<String, Object> INDEX = new ConcurrentHashMap<>();
    static final List<String> WRITES = new CopyOnWriteArrayList<>();
    static final Map<String, AtomicInteger> SEEN = new ConcurrentHashMap<>();
    static final List<String> RUN_IDS = new CopyOnWriteArrayList<>();

    @Override
    public List<Dag> dags() {
        return List.of(dag("events_for_tests", "test-events"), dag("ordered_events_for_tests", "test-ordered"));
    }

    private static Dag dag(String dagId, String topic) {
        DagBuilder dag = Dag.builder(dagId).description("Indexes the records of " + topic + " by key.").tags("test")
                .schedule(Triggers.kafka(topic).maxRecords(50).maxWait(Duration.ofMillis(200)));
        dag.task("index", ctx -> {
            RUN_IDS.add(ctx.runId());
            List<EventRecords.EventRecord> records = EventRecords.of(ctx);
            for (EventRecords.EventRecord record : records) {
                int seen = SEEN.computeIfAbsent(record.key(), k -> new AtomicInteger()).incrementAndGet();
                if (record.value() instanceof Map<?, ?> value && value.get("failTimes") instanceof Number n
                        && seen <= n.intValue()) {
                    throw new IllegalStateException("record " + record.key() + " asked to fail " + n + " times");
                }
                INDEX.put(record.key(), Map.of("value", record.value(), "partition", record.partition(),
                        "offset", record.offset(), "headers", record.headers(),
                        "timestamp", record.timestamp().toEpochMilli()));
                WRITES.add(record.key());
            }
            return records.size();
        });
        return dag.build();
    }
}
