package dev.gale.scheduler.store;

import static dev.gale.scheduler.store.JooqSchedulerStore.toOffset;
import static dev.gale.scheduler.store.jooq.Tables.EVENT_OFFSET;

import dev.gale.scheduler.kafka.EventOffsets;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** The offsets event-triggered DAGs committed, in table {@code event_offset}. */
public final class JooqEventOffsets implements EventOffsets {
    private final DSLContext dsl;

    public JooqEventOffsets(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public void committed(String dagId, List<Committed> partitions) {
        dsl.batched(c -> {
            for (Committed p : partitions) {
                c.dsl().insertInto(EVENT_OFFSET)
                        .set(EVENT_OFFSET.DAG_ID, dagId)
                        .set(EVENT_OFFSET.TOPIC, p.topic())
                        .set(EVENT_OFFSET.PARTITION, p.partition())
                        .set(EVENT_OFFSET.COMMITTED_OFFSET, p.nextOffset())
                        .set(EVENT_OFFSET.RUN_ID, p.runId())
                        .set(EVENT_OFFSET.RECORDS, (long) p.records())
                        .set(EVENT_OFFSET.DEAD_LETTERS, (long) p.deadLetters())
                        .set(EVENT_OFFSET.COMMITTED_AT, toOffset(p.at()))
                        .onConflict(EVENT_OFFSET.DAG_ID, EVENT_OFFSET.TOPIC, EVENT_OFFSET.PARTITION)
                        .doUpdate()
                        // A replayed batch that an older owner committed first must not move the offset back.
                        .set(EVENT_OFFSET.COMMITTED_OFFSET, DSL.greatest(EVENT_OFFSET.COMMITTED_OFFSET,
                                DSL.excluded(EVENT_OFFSET.COMMITTED_OFFSET)))
                        .set(EVENT_OFFSET.RUN_ID, p.runId())
                        .set(EVENT_OFFSET.RECORDS, EVENT_OFFSET.RECORDS.plus(p.records()))
                        .set(EVENT_OFFSET.DEAD_LETTERS, EVENT_OFFSET.DEAD_LETTERS.plus(p.deadLetters()))
                        .set(EVENT_OFFSET.COMMITTED_AT, toOffset(p.at()))
                        .execute();
            }
        });
    }

    @Override
    public List<PartitionOffset> list(String dagId) {
        return dsl.selectFrom(EVENT_OFFSET).where(EVENT_OFFSET.DAG_ID.eq(dagId))
                .orderBy(EVENT_OFFSET.TOPIC, EVENT_OFFSET.PARTITION)
                .fetch(r -> new PartitionOffset(r.getTopic(), r.getPartition(), r.getCommittedOffset(), r.getRunId(),
                        r.getRecords(), r.getDeadLetters(), r.getCommittedAt().toInstant()));
    }
}
