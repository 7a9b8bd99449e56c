package dev.gale.examples.support;

import dev.gale.llm.CommonLlm;
import dev.gale.llm.Llm;
import dev.gale.llm.rag.LuceneEmbeddingStore;
import dev.gale.llm.rag.RagIndexes;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.EventRecords;
import dev.gale.sdk.ModelNeeds;
import dev.gale.sdk.TaskBuilder;
import dev.gale.sdk.TaskContext;
import dev.gale.sdk.Triggers;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Streaming ingestion for the support assistant: each micro-batch of {@code support-events} is one
 * run that parses the events, masks personal data (e-mail addresses, phone numbers, card numbers) so
 * the raw values never reach the index or a model, embeds them through common.llm and upserts them
 * into the Lucene index {@code support} keyed by the record key, so that a batch replayed after a crash
 * adds nothing twice. Each run records a version of {@code vector://support} with its offsets and counts.
 */
public final class SupportStream {
    public static final String TOPIC = "support-events";
    public static final String INDEX = "support";
    public static final String ASSET = "vector://support";

    private SupportStream() {
    }

    /** An event ready to index: its text masked. {@code key} is the Kafka record key. */
    public record MaskedEvent(String key, int customerId, String type, String channel, String bookingId,
                              String timestamp, String text, int partition, long offset) {
    }

    /** What {@code mask} passes on: the events, and the records it could not read as events. */
    public record Masked(List<MaskedEvent> events, List<String> rejected) {
    }

    public static Dag dag() {
        DagBuilder dag = Dag.builder("support_stream")
                .description("Lands customer events from Kafka in the support index within seconds: parse, mask"
                        + " PII, embed, upsert by record key, one run per micro-batch.")
                .owner("gale").tags("example", "rag", "streaming")
                .schedule(Triggers.kafka(TOPIC).maxRecords(500).maxWait(Duration.ofMillis(500)))
                // One writer at a time for the Lucene index: a second batch waits instead of failing on its lock.
                .maxActiveRuns(1);
        TaskBuilder mask = dag.task("mask", SupportStream::mask);
        TaskBuilder index = dag.task("index", SupportStream::index).llm(ModelNeeds.embedding()).writes(ASSET);
        mask.then(index);
        return dag.result(index).build();
    }

    private static Masked mask(TaskContext ctx) {
        List<MaskedEvent> events = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        for (EventRecords.EventRecord record : EventRecords.of(ctx)) {
            if (record.key() == null || !(record.value() instanceof Map<?, ?> value)
                    || !(value.get("customerId") instanceof Number customer) || !(value.get("text") instanceof String text)) {
                rejected.add(record.partition() + "@" + record.offset() + ": not an event with a key, customerId and text");
                continue;
            }
            events.add(new MaskedEvent(record.key(), customer.intValue(), String.valueOf(value.get("type")),
                    String.valueOf(value.get("channel")), String.valueOf(value.get("bookingId")),
                    value.get("timestamp") instanceof String t ? t : record.timestamp().toString(),
                    PiiMasker.mask(text), record.partition(), record.offset()));
        }
        rejected.forEach(r -> ctx.log("rejected " + r));
        return new Masked(events, rejected);
    }

    private static Map<String, Object> index(TaskContext ctx) {
        Masked masked = ctx.input("mask", Masked.class);
        Llm llm = CommonLlm.forTask(ctx);
        List<MaskedEvent> events = masked.events();
        Map<String, Object> result = new LinkedHashMap<>();
        try (LuceneEmbeddingStore store = LuceneEmbeddingStore.openForWriting(RagIndexes.path(INDEX))) {
            if (!events.isEmpty()) {
                List<float[]> vectors = llm.embed(events.stream().map(SupportStream::indexedText).toList());
                store.addAll(events.stream().map(MaskedEvent::key).toList(),
                        vectors.stream().map(Embedding::from).toList(),
                        events.stream().map(SupportStream::segment).toList());
                store.putInfo("embeddingModel", llm.embeddingChoice().model().orElseThrow().id());
            }
            store.putInfo("store", "lucene");
            store.commit();
            Map<String, Long> lastOffsets = new TreeMap<>();
            events.forEach(e -> lastOffsets.merge(Integer.toString(e.partition()), e.offset(), Math::max));
            result.put("indexed", events.size());
            result.put("rejected", masked.rejected().size());
            result.put("entries", store.size());
            result.put("lastOffsets", lastOffsets);
            result.put("freshestEvent", events.stream().map(MaskedEvent::timestamp).max(String::compareTo).orElse(null));
        }
        Map<String, Object> metadata = new LinkedHashMap<>(result);
        metadata.put("topic", TOPIC);
        metadata.put("runId", ctx.runId());
        metadata.put("embeddingModel", llm.embeddingChoice().model().orElseThrow().id());
        result.put("assetVersion", ctx.emitAsset(ASSET, metadata));
        return result;
    }

    /** What is embedded and searched: the masked text with what kind of event it was. */
    private static String indexedText(MaskedEvent event) {
        return event.type().replace('_', ' ') + " (" + event.channel() + "): " + event.text();
    }

    private static TextSegment segment(MaskedEvent event) {
        return TextSegment.from(indexedText(event), Metadata.from(Map.of("eventId", event.key(),
                "customerId", Integer.toString(event.customerId()), "type", event.type(), "channel", event.channel(),
                "bookingId", event.bookingId(), "timestamp", event.timestamp(),
                "indexedAt", Instant.now().toString())));
    }
}
