package dev.gale.sdk;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The Kafka records of an event-triggered run, in the order of their partitions' offsets. The
 * scheduler puts them in the run's params under {@value #PARAM}.
 */
public final class EventRecords {
    /** The param that holds an event-triggered run's records. */
    public static final String PARAM = "records";

    private EventRecords() {
    }

    /**
     * One record: its key (null when it has none), its value parsed as JSON, its headers as UTF-8
     * text, where it sits in the topic, and the producer's (or broker's) timestamp.
     */
    public record EventRecord(String topic, int partition, long offset, Instant timestamp, String key, Object value,
                              Map<String, String> headers) {
    }

    /** The records of the running task's run; empty when the run was not triggered by events. */
    public static List<EventRecord> of(TaskContext ctx) {
        if (!(ctx.params().get(PARAM) instanceof List<?> records)) {
            return List.of();
        }
        return records.stream().map(r -> (Map<?, ?>) r).map(EventRecords::record).toList();
    }

    @SuppressWarnings("unchecked")
    private static EventRecord record(Map<?, ?> r) {
        return new EventRecord((String) r.get("topic"), ((Number) r.get("partition")).intValue(),
                ((Number) r.get("offset")).longValue(), Instant.ofEpochMilli(((Number) r.get("timestamp")).longValue()),
                (String) r.get("key"), r.get("value"),
                r.get("headers") == null ? Map.of() : (Map<String, String>) r.get("headers"));
    }
}
