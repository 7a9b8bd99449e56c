package dev.gale.scheduler.store;

import static dev.gale.scheduler.store.JooqSchedulerStore.toOffset;
import static dev.gale.scheduler.store.jooq.Tables.DAG_RUN;

import dev.gale.scheduler.trigger.DagRunFinishedTrigger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;

/** The runs a {@code dag_run_finished} trigger waits for, from the {@code dag_run} table. */
public final class JooqFinishedRuns implements DagRunFinishedTrigger.Runs {
    private final DSLContext dsl;

    public JooqFinishedRuns(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public Optional<Map<String, Object>> firstEndedAfter(String dagId, List<String> states, Instant since) {
        return dsl.select(DAG_RUN.RUN_ID, DAG_RUN.STATE, DAG_RUN.ENDED_AT).from(DAG_RUN)
                .where(DAG_RUN.DAG_ID.eq(dagId), DAG_RUN.STATE.in(states), DAG_RUN.ENDED_AT.gt(toOffset(since)))
                .orderBy(DAG_RUN.ENDED_AT, DAG_RUN.ID)
                .limit(1)
                .fetchOptional(r -> Map.of("dagId", dagId, "runId", r.value1(), "state", r.value2(),
                        "endedAt", r.value3().toInstant().toString()));
    }
}
