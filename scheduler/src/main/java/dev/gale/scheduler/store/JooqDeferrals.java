package dev.gale.scheduler.store;

import static dev.gale.scheduler.store.JooqSchedulerStore.toInstant;
import static dev.gale.scheduler.store.JooqSchedulerStore.toOffset;
import static dev.gale.scheduler.store.jooq.Tables.TASK_INSTANCE;
import static dev.gale.scheduler.store.jooq.Tables.TASK_TRIGGER;

import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.service.ArmedTrigger;
import dev.gale.scheduler.service.Deferrals;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.scheduler.store.jooq.tables.records.TaskTriggerRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.Result;
import org.jooq.impl.DSL;

/** Deferred tasks' triggers in the {@code task_trigger} table. */
public final class JooqDeferrals implements Deferrals {
    private static final String EXTERNAL_EVENT = "external_event";
    private static final Condition ARMED = TASK_TRIGGER.FIRED_AT.isNull().and(TASK_TRIGGER.DISARMED_AT.isNull());

    private final DSLContext dsl;

    public JooqDeferrals(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public Optional<Long> defer(TaskAttempt attempt, String kind, String spec, Instant firstCheckAt, Instant timeoutAt,
                                Instant now) {
        return dsl.transactionResult(tx -> {
            int deferred = tx.dsl().update(TASK_INSTANCE)
                    .set(TASK_INSTANCE.STATE, TaskInstanceState.DEFERRED.wireName())
                    .set(TASK_INSTANCE.WORKER_ID, (String) null)
                    .where(TASK_INSTANCE.ID.eq(attempt.taskInstanceId()), TASK_INSTANCE.ATTEMPT.eq(attempt.attempt()),
                            TASK_INSTANCE.STATE.eq(TaskInstanceState.RUNNING.wireName()))
                    .execute();
            return deferred == 0 ? Optional.empty()
                    : Optional.of(new JooqDeferrals(tx.dsl()).arm(attempt.taskInstanceId(), kind, spec, firstCheckAt,
                            timeoutAt, now));
        });
    }

    @Override
    public boolean resume(long triggerId, String event, Instant now) {
        return dsl.transactionResult(tx -> {
            Long instance = tx.dsl().update(TASK_TRIGGER)
                    .set(TASK_TRIGGER.FIRED_AT, toOffset(now))
                    .set(TASK_TRIGGER.EVENT, JSONB.valueOf(event))
                    .where(TASK_TRIGGER.ID.eq(triggerId)).and(ARMED)
                    .returning(TASK_TRIGGER.TASK_INSTANCE_ID)
                    .fetchOptional(TASK_TRIGGER.TASK_INSTANCE_ID).orElse(null);
            if (instance == null) {
                return false;
            }
            // The claim counts one attempt more; taking one off here makes the resumed run the same
            // attempt, as Airflow does, so that waiting uses up no retry.
            return tx.dsl().update(TASK_INSTANCE)
                    .set(TASK_INSTANCE.STATE, TaskInstanceState.SCHEDULED.wireName())
                    .set(TASK_INSTANCE.ATTEMPT, TASK_INSTANCE.ATTEMPT.minus(1))
                    .where(TASK_INSTANCE.ID.eq(instance), TASK_INSTANCE.STATE.eq(TaskInstanceState.DEFERRED.wireName()))
                    .execute() == 1;
        });
    }

    @Override
    public long arm(long taskInstanceId, String kind, String spec, Instant firstCheckAt, Instant timeoutAt,
                    Instant now) {
        return dsl.insertInto(TASK_TRIGGER)
                .set(TASK_TRIGGER.TASK_INSTANCE_ID, taskInstanceId)
                .set(TASK_TRIGGER.ATTEMPT, DSL.field(DSL.select(TASK_INSTANCE.ATTEMPT).from(TASK_INSTANCE)
                        .where(TASK_INSTANCE.ID.eq(taskInstanceId))))
                .set(TASK_TRIGGER.KIND, kind)
                .set(TASK_TRIGGER.SPEC, JSONB.valueOf(spec))
                .set(TASK_TRIGGER.ARMED_AT, toOffset(now))
                .set(TASK_TRIGGER.NEXT_CHECK_AT, toOffset(firstCheckAt))
                .set(TASK_TRIGGER.TIMEOUT_AT, timeoutAt == null ? null : toOffset(timeoutAt))
                .returning(TASK_TRIGGER.ID)
                .fetchOne(TASK_TRIGGER.ID);
    }

    @Override
    public boolean isDeferred(TaskAttempt attempt) {
        return dsl.fetchExists(TASK_INSTANCE, TASK_INSTANCE.ID.eq(attempt.taskInstanceId()),
                TASK_INSTANCE.ATTEMPT.eq(attempt.attempt()),
                TASK_INSTANCE.STATE.eq(TaskInstanceState.DEFERRED.wireName()));
    }

    @Override
    public void checkAgainAt(long triggerId, Instant at) {
        dsl.update(TASK_TRIGGER).set(TASK_TRIGGER.NEXT_CHECK_AT, toOffset(at))
                .where(TASK_TRIGGER.ID.eq(triggerId)).and(ARMED)
                .execute();
    }

    @Override
    public List<ArmedTrigger> armedExternalEvents(String key) {
        return dsl.selectFrom(TASK_TRIGGER)
                .where(ARMED).and(TASK_TRIGGER.KIND.eq(EXTERNAL_EVENT))
                .and(DSL.field("{0} ->> 'key'", String.class, TASK_TRIGGER.SPEC).eq(key))
                .orderBy(TASK_TRIGGER.ID)
                .fetch(JooqDeferrals::toArmed);
    }

    @Override
    public List<ArmedTrigger> takeDue(Instant now, Duration every, int limit) {
        return dsl.transactionResult(tx -> {
            Result<TaskTriggerRecord> due = tx.dsl().selectFrom(TASK_TRIGGER)
                    .where(ARMED).and(TASK_TRIGGER.NEXT_CHECK_AT.le(toOffset(now)))
                    .orderBy(TASK_TRIGGER.NEXT_CHECK_AT, TASK_TRIGGER.ID)
                    .limit(limit)
                    .forUpdate().skipLocked()
                    .fetch();
            if (!due.isEmpty()) {
                tx.dsl().update(TASK_TRIGGER)
                        .set(TASK_TRIGGER.NEXT_CHECK_AT, toOffset(now.plus(every)))
                        .where(TASK_TRIGGER.ID.in(due.map(TaskTriggerRecord::getId)))
                        .execute();
            }
            return due.map(JooqDeferrals::toArmed);
        });
    }

    @Override
    public boolean fire(long triggerId, String event, Instant now) {
        return dsl.update(TASK_TRIGGER)
                .set(TASK_TRIGGER.FIRED_AT, toOffset(now))
                .set(TASK_TRIGGER.EVENT, JSONB.valueOf(event))
                .where(TASK_TRIGGER.ID.eq(triggerId)).and(ARMED)
                .execute() == 1;
    }

    @Override
    public boolean disarm(long taskInstanceId, Instant now) {
        return dsl.update(TASK_TRIGGER)
                .set(TASK_TRIGGER.DISARMED_AT, toOffset(now))
                .where(TASK_TRIGGER.TASK_INSTANCE_ID.eq(taskInstanceId)).and(ARMED)
                .execute() > 0;
    }

    @Override
    public List<ArmedTrigger> timedOut(Instant now, int limit) {
        return dsl.selectFrom(TASK_TRIGGER)
                .where(ARMED).and(TASK_TRIGGER.TIMEOUT_AT.le(toOffset(now)))
                .orderBy(TASK_TRIGGER.TIMEOUT_AT, TASK_TRIGGER.ID)
                .limit(limit)
                .fetch(JooqDeferrals::toArmed);
    }

    private static ArmedTrigger toArmed(TaskTriggerRecord r) {
        return new ArmedTrigger(r.getId(), r.getTaskInstanceId(), r.getKind(), r.getSpec().data(),
                r.getTimeoutAt() == null ? null : toInstant(r.getTimeoutAt()));
    }
}
