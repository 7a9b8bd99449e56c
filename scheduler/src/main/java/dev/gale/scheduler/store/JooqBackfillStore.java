package dev.gale.scheduler.store;

import static dev.gale.scheduler.store.JooqSchedulerStore.toInstant;
import static dev.gale.scheduler.store.JooqSchedulerStore.toOffset;
import static dev.gale.scheduler.store.jooq.Tables.BACKFILL;
import static dev.gale.scheduler.store.jooq.Tables.BACKFILL_ENTRY;
import static dev.gale.scheduler.store.jooq.Tables.DAG_RUN;

import dev.gale.scheduler.engine.BackfillPlan;
import dev.gale.scheduler.engine.DagRunState;
import dev.gale.scheduler.service.BackfillEntryView;
import dev.gale.scheduler.service.BackfillState;
import dev.gale.scheduler.service.BackfillStore;
import dev.gale.scheduler.service.BackfillView;
import dev.gale.scheduler.service.NewBackfill;
import dev.gale.scheduler.store.jooq.tables.records.BackfillRecord;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.impl.DSL;

/** Backfills in PostgreSQL: {@code backfill}, and {@code backfill_entry} for each of its intervals. */
public final class JooqBackfillStore implements BackfillStore {
    private static final List<String> IN_PROGRESS = List.of(DagRunState.QUEUED.wireName(),
            DagRunState.RUNNING.wireName());
    private static final List<String> NOT_SUCCEEDED = List.of(DagRunState.FAILED.wireName(),
            DagRunState.CANCELLED.wireName());

    private static final Field<Integer> TOTAL = DSL.count().filterWhere(BACKFILL_ENTRY.SKIPPED_BECAUSE.isNull());
    private static final Field<Integer> SKIPPED = DSL.count().filterWhere(BACKFILL_ENTRY.SKIPPED_BECAUSE.isNotNull());
    private static final Field<Integer> SUCCEEDED = DSL.count().filterWhere(
            DAG_RUN.STATE.eq(DagRunState.SUCCESS.wireName()));
    private static final Field<Integer> FAILED = DSL.count().filterWhere(DAG_RUN.STATE.in(NOT_SUCCEEDED));
    private static final Field<Integer> ACTIVE = DSL.count().filterWhere(DAG_RUN.STATE.in(IN_PROGRESS));

    private final DSLContext dsl;

    public JooqBackfillStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public BackfillView create(NewBackfill backfill) {
        return dsl.transactionResult(tx -> {
            DSLContext db = tx.dsl();
            BackfillRecord record = db.insertInto(BACKFILL)
                    .set(BACKFILL.DAG_ID, backfill.dagId())
                    .set(BACKFILL.FROM_DATE, toOffset(backfill.from()))
                    .set(BACKFILL.TO_DATE, toOffset(backfill.to()))
                    .set(BACKFILL.CONF, JSONB.valueOf(backfill.confJson()))
                    .set(BACKFILL.MAX_ACTIVE_RUNS, backfill.maxActiveRuns())
                    .set(BACKFILL.RUN_ORDER, backfill.order().wireName())
                    .set(BACKFILL.REPROCESS, backfill.reprocess().wireName())
                    .set(BACKFILL.STATE, BackfillState.RUNNING.wireName())
                    .set(BACKFILL.CREATED_AT, toOffset(backfill.createdAt()))
                    .returning().fetchOne();
            var insert = db.insertInto(BACKFILL_ENTRY, BACKFILL_ENTRY.BACKFILL_ID, BACKFILL_ENTRY.POSITION,
                    BACKFILL_ENTRY.LOGICAL_DATE, BACKFILL_ENTRY.DATA_INTERVAL_START, BACKFILL_ENTRY.SKIPPED_BECAUSE);
            int position = 0;
            for (NewBackfill.PlannedEntry planned : backfill.entries()) {
                BackfillPlan.Entry entry = planned.entry();
                insert = insert.values(record.getId(), position++, toOffset(entry.logicalDate()),
                        toOffset(planned.dataIntervalStart()), entry.skippedBecause());
            }
            insert.execute();
            return toView(db, record);
        });
    }

    @Override
    public Optional<BackfillView> find(String dagId, long id) {
        return Optional.ofNullable(dsl.selectFrom(BACKFILL).where(BACKFILL.ID.eq(id)).and(BACKFILL.DAG_ID.eq(dagId))
                .fetchOne()).map(r -> toView(dsl, r));
    }

    @Override
    public List<BackfillView> list(String dagId, int limit) {
        return dsl.selectFrom(BACKFILL).where(BACKFILL.DAG_ID.eq(dagId)).orderBy(BACKFILL.ID.desc()).limit(limit)
                .fetch().map(r -> toView(dsl, r));
    }

    @Override
    public List<BackfillEntryView> entries(long id) {
        return dsl.select(BACKFILL_ENTRY.LOGICAL_DATE, BACKFILL_ENTRY.DATA_INTERVAL_START,
                        BACKFILL_ENTRY.SKIPPED_BECAUSE, DAG_RUN.RUN_ID, DAG_RUN.STATE)
                .from(BACKFILL_ENTRY).leftJoin(DAG_RUN).on(DAG_RUN.ID.eq(BACKFILL_ENTRY.DAG_RUN_ID))
                .where(BACKFILL_ENTRY.BACKFILL_ID.eq(id)).orderBy(BACKFILL_ENTRY.POSITION)
                .fetch(r -> new BackfillEntryView(toInstant(r.value1()), toInstant(r.value2()), r.value3(), r.value4(),
                        r.value5() == null ? null : DagRunState.fromWireName(r.value5())));
    }

    @Override
    public Map<Instant, DagRunState> latestRunStates(String dagId, Instant from, Instant to) {
        Map<Instant, DagRunState> latest = new HashMap<>();
        dsl.select(DAG_RUN.LOGICAL_DATE, DAG_RUN.STATE).from(DAG_RUN)
                .where(DAG_RUN.DAG_ID.eq(dagId)).and(DAG_RUN.LOGICAL_DATE.between(toOffset(from), toOffset(to)))
                .orderBy(DAG_RUN.QUEUED_AT, DAG_RUN.ID)
                .forEach(r -> latest.put(toInstant(r.value1()), DagRunState.fromWireName(r.value2())));
        return latest;
    }

    @Override
    public Optional<BackfillView> changeState(String dagId, long id, List<BackfillState> from, BackfillState to,
                                              Instant now) {
        dsl.update(BACKFILL).set(BACKFILL.STATE, to.wireName())
                .set(BACKFILL.ENDED_AT, to.isFinished() ? toOffset(now) : null)
                .where(BACKFILL.ID.eq(id)).and(BACKFILL.DAG_ID.eq(dagId))
                .and(BACKFILL.STATE.in(from.stream().map(BackfillState::wireName).toList())).execute();
        return find(dagId, id);
    }

    @Override
    public List<Long> running() {
        return dsl.select(BACKFILL.ID).from(BACKFILL).where(BACKFILL.STATE.eq(BackfillState.RUNNING.wireName()))
                .orderBy(BACKFILL.ID).fetch(BACKFILL.ID);
    }

    @Override
    public void advance(long id, Instant now, Function<Pending, Map<Instant, Long>> start) {
        dsl.transaction(tx -> {
            DSLContext db = tx.dsl();
            BackfillRecord backfill = db.selectFrom(BACKFILL).where(BACKFILL.ID.eq(id))
                    .and(BACKFILL.STATE.eq(BackfillState.RUNNING.wireName())).forUpdate().skipLocked().fetchOne();
            if (backfill == null) {
                return;
            }
            int active = db.fetchCount(DSL.selectOne().from(BACKFILL_ENTRY).join(DAG_RUN)
                    .on(DAG_RUN.ID.eq(BACKFILL_ENTRY.DAG_RUN_ID))
                    .where(BACKFILL_ENTRY.BACKFILL_ID.eq(id)).and(DAG_RUN.STATE.in(IN_PROGRESS)));
            Condition pending = BACKFILL_ENTRY.BACKFILL_ID.eq(id).and(BACKFILL_ENTRY.SKIPPED_BECAUSE.isNull())
                    .and(BACKFILL_ENTRY.DAG_RUN_ID.isNull());
            int waiting = db.fetchCount(BACKFILL_ENTRY, pending);
            if (waiting == 0 && active == 0) {
                db.update(BACKFILL).set(BACKFILL.STATE, BackfillState.COMPLETED.wireName())
                        .set(BACKFILL.ENDED_AT, toOffset(now)).where(BACKFILL.ID.eq(id)).execute();
                return;
            }
            int toStart = BackfillPlan.runsToStart(backfill.getMaxActiveRuns(), active, waiting);
            if (toStart == 0) {
                return;
            }
            List<BackfillStore.Interval> intervals = db.select(BACKFILL_ENTRY.DATA_INTERVAL_START,
                            BACKFILL_ENTRY.LOGICAL_DATE).from(BACKFILL_ENTRY).where(pending)
                    .orderBy(BACKFILL_ENTRY.POSITION).limit(toStart)
                    .fetch(r -> new BackfillStore.Interval(toInstant(r.value1()), toInstant(r.value2())));
            Map<Instant, Long> runIds = start.apply(new Pending(backfill.getDagId(), backfill.getConf().data(), id,
                    intervals));
            runIds.forEach((date, runId) -> db.update(BACKFILL_ENTRY).set(BACKFILL_ENTRY.DAG_RUN_ID, runId)
                    .where(pending).and(BACKFILL_ENTRY.LOGICAL_DATE.eq(toOffset(date))).execute());
        });
    }

    private static BackfillView toView(DSLContext db, BackfillRecord r) {
        Record p = db.select(TOTAL, SKIPPED, SUCCEEDED, FAILED, ACTIVE).from(BACKFILL_ENTRY).leftJoin(DAG_RUN)
                .on(DAG_RUN.ID.eq(BACKFILL_ENTRY.DAG_RUN_ID)).where(BACKFILL_ENTRY.BACKFILL_ID.eq(r.getId())).fetchOne();
        int succeeded = p.get(SUCCEEDED);
        int failed = p.get(FAILED);
        return new BackfillView(r.getId(), r.getDagId(), toInstant(r.getFromDate()), toInstant(r.getToDate()),
                r.getConf().data(), r.getMaxActiveRuns(), r.getRunOrder(), r.getReprocess(),
                BackfillState.fromWireName(r.getState()), toInstant(r.getCreatedAt()), toInstant(r.getEndedAt()),
                p.get(TOTAL), succeeded + failed, succeeded, failed, p.get(ACTIVE), p.get(SKIPPED));
    }
}
