package dev.gale.api;

import dev.gale.llm.rag.LuceneEmbeddingStore;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.DagBundle;
import dev.gale.sdk.EventRecords;
import dev.gale.sdk.Triggers;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import java.nio.file.Path;
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
public final class TestDagsKafka implements DagBundle {
    static final Map<String, Object> INDEX = new ConcurrentHashMap<>();
    static final List<String> WRITES = new CopyOnWriteArrayList<>();
    static final Map<String, AtomicInteger> SEEN = new ConcurrentHashMap<>();
    static final List<String> RUN_IDS = new CopyOnWriteArrayList<>();

    @Override
    public List<Dag> dags() {
        return List.of(dag("events_for_tests", "test-events"), dag("ordered_events_for_tests", "test-ordered"),
                crashDag());
    }

    /** Where crash_events_for_tests keeps its index: the same directory for the test and every worker process. */
    static Path crashIndex() {
        return Path.of(System.getProperty("java.io.tmpdir"), "gale-test-crash-index");
    }

    /**
     * Upserts each record into a real Lucene index by record key, as support_stream does, with a vector
     * made from the key instead of a model's, so that worker processes need no model. The task takes a
     * moment, so that a worker killed while events flow is killed in the middle of one.
     */
    private static Dag crashDag() {
        DagBuilder dag = Dag.builder("crash_events_for_tests").description("Upserts test-crash into a Lucene index.")
                .tags("test").schedule(Triggers.kafka("test-crash").maxRecords(50).maxWait(Duration.ofMillis(200)))
                .maxActiveRuns(1);
        dag.task("upsert", ctx -> {
            List<EventRecords.EventRecord> records = EventRecords.of(ctx);
            Thread.sleep(300);
            try (LuceneEmbeddingStore store = LuceneEmbeddingStore.openForWriting(crashIndex())) {
                store.addAll(records.stream().map(EventRecords.EventRecord::key).toList(),
                        records.stream().map(r -> Embedding.from(vectorOf(r.key()))).toList(),
                        records.stream().map(r -> TextSegment.from(String.valueOf(r.value()),
                                Metadata.from("eventKey", r.key()))).toList());
                store.commit();
            }
            return records.size();
        }).retries(3, Duration.ofMillis(200));
        return dag.build();
    }

    private static float[] vectorOf(String key) {
        int hash = key.hashCode();
        return new float[] {1 + (hash & 0xff), 1 + ((hash >> 8) & 0xff), 1 + ((hash >> 16) & 0xff), 1};
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
