package dev.gale.scheduler.kafka;

import java.time.Instant;
import java.util.List;

/** Gale's record of the offsets each event-triggered DAG committed, and by which run. */
public interface EventOffsets {
    /** What a successful batch committed for one partition. */
    record Committed(String topic, int partition, long nextOffset, String runId, int records, int deadLetters,
                     Instant at) {
    }

    /** One partition as last committed, with the records and dead letters counted over all batches. */
    record PartitionOffset(String topic, int partition, long nextOffset, String runId, long records,
                           long deadLetters, Instant committedAt) {
    }

    void committed(String dagId, List<Committed> partitions);

    List<PartitionOffset> list(String dagId);
}
