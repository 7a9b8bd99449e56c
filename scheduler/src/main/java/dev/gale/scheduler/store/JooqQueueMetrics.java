package dev.gale.scheduler.store;

import static dev.gale.scheduler.store.jooq.Tables.TASK_INSTANCE;

import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.service.QueueMetrics;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/** Queue and state counts from one {@code group by queue, state} over {@code task_instance}. */
public final class JooqQueueMetrics implements QueueMetrics {
    private final DSLContext dsl;

    public JooqQueueMetrics(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public Snapshot read(Instant now) {
        Field<Integer> count = DSL.count();
        Field<OffsetDateTime> oldest = DSL.min(TASK_INSTANCE.QUEUED_AT);
        Map<String, QueueDepth> queues = new TreeMap<>();
        Map<String, Long> byState = new TreeMap<>();
        dsl.select(TASK_INSTANCE.QUEUE, TASK_INSTANCE.STATE, count, oldest).from(TASK_INSTANCE)
                .groupBy(TASK_INSTANCE.QUEUE, TASK_INSTANCE.STATE)
                .forEach(r -> {
                    String state = r.get(TASK_INSTANCE.STATE);
                    long n = r.get(count);
                    byState.merge(state, n, Long::sum);
                    boolean queued = state.equals(TaskInstanceState.QUEUED.wireName());
                    Duration wait = queued && r.get(oldest) != null
                            ? Duration.between(r.get(oldest).toInstant(), now) : Duration.ZERO;
                    queues.merge(r.get(TASK_INSTANCE.QUEUE), new QueueDepth(queued ? n : 0, wait),
                            (a, b) -> new QueueDepth(a.queued() + b.queued(), a.oldestWait().compareTo(b.oldestWait())
                                    >= 0 ? a.oldestWait() : b.oldestWait()));
                });
        return new Snapshot(queues, byState);
    }
}
