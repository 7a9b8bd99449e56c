package dev.gale.scheduler.store;

import static dev.gale.scheduler.store.JooqSchedulerStore.toInstant;
import static dev.gale.scheduler.store.JooqSchedulerStore.toOffset;
import static dev.gale.scheduler.store.JooqSchedulerStore.toVersion;
import static dev.gale.scheduler.store.jooq.Tables.DAG_RUN;
import static dev.gale.scheduler.store.jooq.Tables.DAG_VERSION;
import static dev.gale.scheduler.store.jooq.Tables.TASK_ACTION;
import static dev.gale.scheduler.store.jooq.Tables.TASK_INSTANCE;

import dev.gale.scheduler.engine.Decision;
import dev.gale.scheduler.engine.Downstream;
import dev.gale.scheduler.engine.RunSnapshot;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.secrets.SecretBox;
import dev.gale.scheduler.service.SchedulerMetrics;
import dev.gale.scheduler.service.DagRunView;
import dev.gale.scheduler.service.DagVersion;
import dev.gale.scheduler.service.RunStateConflictException;
import dev.gale.scheduler.service.TaskActionStore;
import dev.gale.scheduler.service.TaskActionView;
import dev.gale.scheduler.service.UnknownTaskException;
import dev.gale.scheduler.store.jooq.tables.records.DagRunRecord;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** Task instances marked by hand, and the {@code task_action} record of what people did, in PostgreSQL. */
public final class JooqTaskActionStore implements TaskActionStore {
    /** Instances a worker holds or is about to; a deferred one holds none, and marking it disarms its trigger. */
    private static final List<String> IN_FLIGHT = List.of(TaskInstanceState.QUEUED.wireName(),
            TaskInstanceState.RUNNING.wireName());

    private final DSLContext dsl;
    private final Clock clock;
    private final RunDecisions decisions;

    public JooqTaskActionStore(DSLContext dsl, Clock clock) {
        this(dsl, clock, JooqSigningKeys.secretBox(dsl));
    }

    /** A store that opens secret params with {@code box}, the one the scheduler store seals them with. */
    public JooqTaskActionStore(DSLContext dsl, Clock clock, Supplier<SecretBox> box) {
        this(dsl, clock, box, SchedulerMetrics.NONE);
    }

    /** As above, telling {@code metrics} of the runs that a mark or clear ends, once committed. */
    public JooqTaskActionStore(DSLContext dsl, Clock clock, Supplier<SecretBox> box, SchedulerMetrics metrics) {
        CommittedMetrics committed = new CommittedMetrics(metrics);
        this.dsl = committed.listeningTo(dsl);
        this.clock = clock;
        this.decisions = new RunDecisions(id -> version(this.dsl, id).spec(), () -> toOffset(clock.instant()),
                new SealedParams(box), committed);
    }

    private static DagVersion version(DSLContext db, long id) {
        return toVersion(db.selectFrom(DAG_VERSION).where(DAG_VERSION.ID.eq(id)).fetchOne());
    }

    @Override
    public Optional<DagRunView> mark(String dagId, String runId, String taskId, TaskInstanceState state, String error,
                                     Function<RunSnapshot, Decision> decide) {
        return dsl.transactionResult(tx -> {
            DSLContext db = tx.dsl();
            DagRunRecord run = db.selectFrom(DAG_RUN).where(DAG_RUN.DAG_ID.eq(dagId), DAG_RUN.RUN_ID.eq(runId))
                    .forUpdate().fetchOne();
            if (run == null) {
                return Optional.<DagRunView>empty();
            }
            DagVersion version = version(db, run.getDagVersionId());
            if (version.spec().tasks().stream().noneMatch(t -> t.taskId().equals(taskId))) {
                throw new UnknownTaskException(dagId, taskId);
            }
            var instances = TASK_INSTANCE.DAG_RUN_ID.eq(run.getId()).and(TASK_INSTANCE.TASK_ID.eq(taskId));
            List<String> inFlight = db.select(TASK_INSTANCE.STATE).from(TASK_INSTANCE).where(instances)
                    .and(TASK_INSTANCE.STATE.in(IN_FLIGHT)).fetch(TASK_INSTANCE.STATE);
            if (!inFlight.isEmpty()) {
                throw new RunStateConflictException("task '" + taskId + "' of run '" + runId + "' is " + inFlight.getFirst()
                        + "; wait for it to end, or cancel the run, before marking it");
            }
            OffsetDateTime now = toOffset(clock.instant());
            db.update(TASK_INSTANCE).set(TASK_INSTANCE.STATE, state.wireName()).set(TASK_INSTANCE.ERROR, error)
                    .set(TASK_INSTANCE.ENDED_AT, now).where(instances).execute();
            // What did not run because this task had failed waits again, to run now that it succeeded.
            db.update(TASK_INSTANCE).set(TASK_INSTANCE.STATE, TaskInstanceState.NONE.wireName())
                    .setNull(TASK_INSTANCE.ENDED_AT)
                    .where(TASK_INSTANCE.DAG_RUN_ID.eq(run.getId()))
                    .and(TASK_INSTANCE.TASK_ID.in(Downstream.withDownstream(version.spec(), Set.of(taskId))))
                    .and(TASK_INSTANCE.STATE.eq(TaskInstanceState.UPSTREAM_FAILED.wireName())).execute();
            return Optional.of(decisions.reopen(db, run, version, decide));
        });
    }

    @Override
    public void record(String dagId, String runId, TaskActionView action) {
        dsl.insertInto(TASK_ACTION, TASK_ACTION.DAG_RUN_ID, TASK_ACTION.TASK_ID, TASK_ACTION.ACTION,
                        TASK_ACTION.REASON, TASK_ACTION.ACTOR, TASK_ACTION.AT)
                .select(dsl.select(DAG_RUN.ID, DSL.val(action.taskId()),
                                DSL.val(action.action()), DSL.val(action.reason()),
                                DSL.val(action.actor()), DSL.val(toOffset(action.at())))
                        .from(DAG_RUN).where(DAG_RUN.DAG_ID.eq(dagId), DAG_RUN.RUN_ID.eq(runId)))
                .execute();
    }

    @Override
    public List<TaskActionView> actions(String dagId, String runId) {
        return dsl.select(TASK_ACTION.TASK_ID, TASK_ACTION.ACTION, TASK_ACTION.REASON, TASK_ACTION.ACTOR, TASK_ACTION.AT)
                .from(TASK_ACTION).join(DAG_RUN).on(DAG_RUN.ID.eq(TASK_ACTION.DAG_RUN_ID))
                .where(DAG_RUN.DAG_ID.eq(dagId), DAG_RUN.RUN_ID.eq(runId)).orderBy(TASK_ACTION.ID)
                .fetch(r -> new TaskActionView(r.value1(), r.value2(), r.value3(), r.value4(), toInstant(r.value5())));
    }
}
