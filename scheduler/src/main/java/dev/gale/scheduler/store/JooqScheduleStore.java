package dev.gale.scheduler.store;

import static dev.gale.scheduler.store.JooqSchedulerStore.toInstant;
import static dev.gale.scheduler.store.JooqSchedulerStore.toOffset;
import static dev.gale.scheduler.store.jooq.Tables.DAG_RUN;
import static dev.gale.scheduler.store.jooq.Tables.DAG_SCHEDULE;

import dev.gale.scheduler.service.ScheduleStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** The cron schedules' state in PostgreSQL: {@code dag_schedule}, and the scheduled runs themselves. */
public final class JooqScheduleStore implements ScheduleStore {
    private final DSLContext dsl;

    public JooqScheduleStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public Instant firstSeen(String dagId, Instant now) {
        dsl.insertInto(DAG_SCHEDULE).set(DAG_SCHEDULE.DAG_ID, dagId).set(DAG_SCHEDULE.FIRST_SEEN, toOffset(now))
                .onConflictDoNothing().execute();
        return toInstant(dsl.select(DAG_SCHEDULE.FIRST_SEEN).from(DAG_SCHEDULE).where(DAG_SCHEDULE.DAG_ID.eq(dagId))
                .fetchOne(DAG_SCHEDULE.FIRST_SEEN));
    }

    @Override
    public Map<String, Instant> latestScheduledLogicalDates() {
        Map<String, Instant> latest = new HashMap<>();
        // One look-up per DAG down the (dag_id, logical_date) index of scheduled runs, however many runs exist.
        var latestRun = DSL.field(DSL.select(DSL.max(DAG_RUN.LOGICAL_DATE)).from(DAG_RUN)
                .where(DAG_RUN.DAG_ID.eq(DAG_SCHEDULE.DAG_ID)).and(DAG_RUN.RUN_TYPE.eq("scheduled")));
        dsl.select(DAG_SCHEDULE.DAG_ID, latestRun).from(DAG_SCHEDULE).forEach(r -> {
            if (r.value2() != null) {
                latest.put(r.value1(), toInstant(r.value2()));
            }
        });
        return latest;
    }
}
