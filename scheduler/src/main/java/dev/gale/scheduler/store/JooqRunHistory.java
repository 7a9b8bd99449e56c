package dev.gale.scheduler.store;

import static dev.gale.scheduler.store.JooqSchedulerStore.toInstant;
import static dev.gale.scheduler.store.JooqSchedulerStore.toOffset;
import static dev.gale.scheduler.store.JooqSchedulerStore.toRunView;
import static dev.gale.scheduler.store.JooqSchedulerStore.toVersion;
import static dev.gale.scheduler.store.jooq.Tables.DAG_RUN;
import static dev.gale.scheduler.store.jooq.Tables.DAG_VERSION;
import static dev.gale.scheduler.store.jooq.Tables.TASK_ATTEMPT;
import static dev.gale.scheduler.store.jooq.Tables.TASK_INSTANCE;
import static dev.gale.scheduler.store.jooq.Tables.XCOM;

import dev.gale.scheduler.engine.DagRunState;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.service.DagRunView;
import dev.gale.scheduler.service.DagVersion;
import dev.gale.scheduler.service.RunCursor;
import dev.gale.scheduler.service.RunHistory;
import dev.gale.scheduler.service.RunPage;
import dev.gale.scheduler.service.RunQuery;
import dev.gale.scheduler.service.TaskAttemptView;
import dev.gale.scheduler.service.TaskInstancePage;
import dev.gale.scheduler.service.TaskInstanceView;
import dev.gale.scheduler.service.XComEntry;
import dev.gale.scheduler.store.jooq.tables.records.TaskInstanceRecord;
import dev.gale.sdk.spec.DagSpecJson;
import dev.gale.sdk.spec.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** The API's read-only queries on PostgreSQL. Runs page by keyset on (queued_at, id), never by offset. */
public final class JooqRunHistory implements RunHistory {
    private final DSLContext dsl;

    public JooqRunHistory(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public RunPage listRuns(RunQuery query) {
        Condition where = DSL.noCondition();
        if (!query.dagIds().isEmpty()) {
            where = where.and(DAG_RUN.DAG_ID.in(query.dagIds()));
        }
        if (!query.states().isEmpty()) {
            where = where.and(DAG_RUN.STATE.in(query.states().stream().map(DagRunState::wireName).toList()));
        }
        if (!query.runTypes().isEmpty()) {
            where = where.and(DAG_RUN.RUN_TYPE.in(query.runTypes()));
        }
        if (query.queuedFrom() != null) {
            where = where.and(DAG_RUN.QUEUED_AT.ge(toOffset(query.queuedFrom())));
        }
        if (query.queuedTo() != null) {
            where = where.and(DAG_RUN.QUEUED_AT.lt(toOffset(query.queuedTo())));
        }
        if (query.after() != null) {
            where = where.and(DSL.row(DAG_RUN.QUEUED_AT, DAG_RUN.ID)
                    .lt(toOffset(query.after().queuedAt()), query.after().id()));
        }
        // One row more than asked tells whether there is a next page.
        List<DagRunView> runs = dsl.select(DAG_RUN.asterisk(), DAG_VERSION.VERSION_NUMBER)
                .from(DAG_RUN).join(DAG_VERSION).on(DAG_VERSION.ID.eq(DAG_RUN.DAG_VERSION_ID))
                .where(where)
                .orderBy(DAG_RUN.QUEUED_AT.desc(), DAG_RUN.ID.desc())
                .limit(query.limit() + 1)
                .fetch(r -> toRunView(r.into(DAG_RUN), r.get(DAG_VERSION.VERSION_NUMBER)));
        if (runs.size() <= query.limit()) {
            return new RunPage(runs, null);
        }
        List<DagRunView> page = runs.subList(0, query.limit());
        DagRunView last = page.getLast();
        return new RunPage(page, new RunCursor(last.queuedAt(), last.id()));
    }

    @Override
    public List<DagVersion> listDagVersions(String dagId) {
        return dsl.selectFrom(DAG_VERSION).where(DAG_VERSION.DAG_ID.eq(dagId))
                .orderBy(DAG_VERSION.VERSION_NUMBER.desc())
                .fetch(JooqSchedulerStore::toVersion);
    }

    @Override
    public Optional<TaskInstancePage> listTaskInstances(String dagId, String runId, int limit, int offset) {
        Long id = runKey(dagId, runId);
        if (id == null) {
            return Optional.empty();
        }
        int total = dsl.fetchCount(TASK_INSTANCE, TASK_INSTANCE.DAG_RUN_ID.eq(id));
        List<TaskInstanceView> page = dsl.selectFrom(TASK_INSTANCE).where(TASK_INSTANCE.DAG_RUN_ID.eq(id))
                .orderBy(TASK_INSTANCE.TASK_ID, TASK_INSTANCE.MAP_INDEX)
                .limit(limit).offset(offset)
                .fetch(JooqRunHistory::toView);
        return Optional.of(new TaskInstancePage(page, total));
    }

    @Override
    public Optional<TaskInstanceView> findTaskInstance(String dagId, String runId, String taskId, int mapIndex) {
        return Optional.ofNullable(taskInstance(dagId, runId, taskId, mapIndex)).map(JooqRunHistory::toView);
    }

    @Override
    public List<TaskAttemptView> listAttempts(String dagId, String runId, String taskId, int mapIndex) {
        TaskInstanceRecord ti = taskInstance(dagId, runId, taskId, mapIndex);
        if (ti == null) {
            return List.of();
        }
        List<TaskAttemptView> attempts = new ArrayList<>(dsl.selectFrom(TASK_ATTEMPT)
                .where(TASK_ATTEMPT.TASK_INSTANCE_ID.eq(ti.getId()))
                .orderBy(TASK_ATTEMPT.ATTEMPT)
                .fetch(a -> new TaskAttemptView(a.getAttempt(), TaskInstanceState.fromWireName(a.getState()),
                        a.getWorkerId(), a.getError(), toInstant(a.getStartedAt()), toInstant(a.getEndedAt()))));
        boolean currentEnded = !attempts.isEmpty() && attempts.getLast().attempt() == ti.getAttempt();
        if (ti.getAttempt() > 0 && !currentEnded) {
            attempts.add(new TaskAttemptView(ti.getAttempt(), TaskInstanceState.fromWireName(ti.getState()),
                    ti.getWorkerId(), ti.getError(), toInstant(ti.getStartedAt()), toInstant(ti.getEndedAt())));
        }
        return attempts;
    }

    @Override
    public List<XComEntry> listXComs(String dagId, String runId, String taskId, int mapIndex) {
        TaskInstanceRecord ti = taskInstance(dagId, runId, taskId, mapIndex);
        if (ti == null) {
            return List.of();
        }
        return dsl.select(XCOM.KEY, XCOM.VALUE).from(XCOM).where(XCOM.TASK_INSTANCE_ID.eq(ti.getId()))
                .orderBy(XCOM.KEY)
                .fetch(r -> new XComEntry(r.value1(), r.value2().data()));
    }

    private Long runKey(String dagId, String runId) {
        return dsl.select(DAG_RUN.ID).from(DAG_RUN).where(DAG_RUN.DAG_ID.eq(dagId), DAG_RUN.RUN_ID.eq(runId))
                .fetchOne(DAG_RUN.ID);
    }

    @Override
    public Optional<TaskSpec> findTaskSpec(String dagId, String runId, String taskId) {
        return dsl.select(DAG_VERSION.SPEC).from(DAG_RUN).join(DAG_VERSION).on(DAG_VERSION.ID.eq(DAG_RUN.DAG_VERSION_ID))
                .where(DAG_RUN.DAG_ID.eq(dagId), DAG_RUN.RUN_ID.eq(runId))
                .fetchOptional(r -> DagSpecJson.fromJson(r.value1().data()))
                .flatMap(spec -> spec.tasks().stream().filter(t -> t.taskId().equals(taskId)).findFirst());
    }

    private TaskInstanceRecord taskInstance(String dagId, String runId, String taskId, int mapIndex) {
        return dsl.select(TASK_INSTANCE.asterisk()).from(TASK_INSTANCE)
                .join(DAG_RUN).on(DAG_RUN.ID.eq(TASK_INSTANCE.DAG_RUN_ID))
                .where(DAG_RUN.DAG_ID.eq(dagId), DAG_RUN.RUN_ID.eq(runId), TASK_INSTANCE.TASK_ID.eq(taskId),
                        TASK_INSTANCE.MAP_INDEX.eq(mapIndex))
                .fetchOptional(r -> r.into(TASK_INSTANCE)).orElse(null);
    }

    static TaskInstanceView toView(TaskInstanceRecord r) {
        return new TaskInstanceView(r.getId(), r.getTaskId(), r.getMapIndex(), TaskInstanceState.fromWireName(r.getState()),
                r.getAttempt(), r.getMaxAttempts(), r.getQueue(), r.getPriorityWeight(), r.getWorkerId(), r.getError(),
                toInstant(r.getQueuedAt()), toInstant(r.getStartedAt()), toInstant(r.getEndedAt()),
                TaskInstanceState.QUEUED.wireName().equals(r.getState()) ? r.getWaitingReason() : null);
    }
}
