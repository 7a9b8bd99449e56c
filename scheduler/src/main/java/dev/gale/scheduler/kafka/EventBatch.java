package dev.gale.scheduler.kafka;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Records taken from a topic and not yet committed: those that go into a run (as the maps a run's
 * params hold) and the positions of dead letters, which a commit must also cover.
 */
final class EventBatch {
    private final String topic;
    private final List<Map<String, Object>> records = new ArrayList<>();
    private final Map<Integer, long[]> range = new TreeMap<>();
    private final Map<Integer, int[]> counts = new TreeMap<>();
    private Instant firstArrived;

    EventBatch(String topic) {
        this.topic = topic;
    }

    void add(int partition, long offset, Map<String, Object> record, Instant arrived) {
        records.add(record);
        position(partition, offset, arrived);
        counts.computeIfAbsent(partition, p -> new int[2])[0]++;
    }

    void addDeadLetter(int partition, long offset, Instant arrived) {
        position(partition, offset, arrived);
        counts.computeIfAbsent(partition, p -> new int[2])[1]++;
    }

    private void position(int partition, long offset, Instant arrived) {
        range.compute(partition, (p, r) -> r == null ? new long[] {offset, offset}
                : new long[] {Math.min(r[0], offset), Math.max(r[1], offset)});
        if (firstArrived == null || arrived.isBefore(firstArrived)) {
            firstArrived = arrived;
        }
    }

    boolean isEmpty() {
        return range.isEmpty();
    }

    /** Records for the run; may be none when every record was a dead letter. */
    List<Map<String, Object>> records() {
        return records;
    }

    int size() {
        return records.size();
    }

    Instant firstArrived() {
        return firstArrived;
    }

    /** The first offset held of each partition, where a consumer rewinds to when the batch is dropped. */
    Map<TopicPartition, Long> firstOffsets() {
        return range.entrySet().stream().collect(Collectors.toMap(e -> new TopicPartition(topic, e.getKey()),
                e -> e.getValue()[0], (a, b) -> a, LinkedHashMap::new));
    }

    /** What to commit once the batch's run succeeded: the offset after the last record of each partition. */
    Map<TopicPartition, OffsetAndMetadata> offsetsToCommit(String runId) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        range.forEach((p, r) -> offsets.put(new TopicPartition(topic, p), new OffsetAndMetadata(r[1] + 1, runId)));
        return offsets;
    }

    List<EventOffsets.Committed> committed(String runId, Instant at) {
        return range.entrySet().stream().sorted(Comparator.comparingInt(Map.Entry::getKey))
                .map(e -> new EventOffsets.Committed(topic, e.getKey(), e.getValue()[1] + 1, runId,
                        counts.get(e.getKey())[0], counts.get(e.getKey())[1], at))
                .toList();
    }

    /**
     * Names the batch by the offsets it covers and the attempt: the run's Idempotency-Key, so that a
     * scheduler that replays the same records after a crash finds the run that holds them.
     */
    String key(int attempt) {
        return "kafka:" + topic + ":" + range.entrySet().stream().map(e -> e.getKey() + "@" + e.getValue()[0] + "-"
                + e.getValue()[1]).collect(Collectors.joining(",")) + ":attempt-" + attempt;
    }

    boolean holds(int partition) {
        return range.containsKey(partition);
    }
}
