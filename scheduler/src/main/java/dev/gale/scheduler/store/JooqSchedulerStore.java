package dev.gale.scheduler.store;

import static dev.gale.scheduler.store.jooq.Tables.DAG;
import static dev.gale.scheduler.store.jooq.Tables.DAG_RUN;
import static dev.gale.scheduler.store.jooq.Tables.DAG_VERSION;
import static dev.gale.scheduler.store.jooq.Tables.TASK_INSTANCE;
import static dev.gale.scheduler.store.jooq.Tables.TASK_LOG;
import static dev.gale.scheduler.store.jooq.Tables.WORKER;
import static dev.gale.scheduler.store.jooq.Tables.XCOM;

import dev.gale.scheduler.engine.DagRunState;
import dev.gale.scheduler.engine.Decision;
import dev.gale.scheduler.engine.RetryPolicy;
import dev.gale.scheduler.engine.RunSnapshot;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.service.ClaimedTask;
import dev.gale.scheduler.service.DagRunView;
import dev.gale.scheduler.service.DagSummary;
import dev.gale.scheduler.service.DagVersion;
import dev.gale.scheduler.service.NewDagRun;
import dev.gale.scheduler.service.ReportOutcome;
import dev.gale.scheduler.service.SchedulerStore;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.scheduler.service.TaskInstanceView;
import dev.gale.scheduler.service.TaskLogLine;
import dev.gale.scheduler.service.WorkerRegistration;
import dev.gale.scheduler.store.jooq.tables.records.DagRunRecord;
import dev.gale.scheduler.store.jooq.tables.records.DagVersionRecord;
import dev.gale.scheduler.store.jooq.tables.records.TaskInstanceRecord;
import dev.gale.sdk.spec.DagSpec;
import dev.gale.sdk.spec.DagSpecJson;
import dev.gale.sdk.spec.TaskSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.impl.DSL;

/** The scheduler's store on PostgreSQL, every query written with jOOQ. */
public final class JooqSchedulerStore implements SchedulerStore {
    /** NOTIFY channel: a task instance was queued; the payload is its queue. */
    public static final String TASK_QUEUED_CHANNEL = "gale_task_queued";
    /** NOTIFY channel: a DAG run finished; the payload is its run id. */
    public static final String RUN_FINISHED_CHANNEL = "gale_run_finished";
    private static final String RETURN_VALUE = "return_value";

    private final DSLContext dsl;
    private final Clock clock;
    private final DagVersionCache versions = new DagVersionCache();

    public JooqSchedulerStore(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
    }

    @Override
    public DagVersion syncDag(DagSpec spec, String hash) {
        return dsl.transactionResult(tx -> {
            DSLContext db = tx.dsl();
            db.insertInto(DAG, DAG.DAG_ID).values(spec.dagId()).onConflictDoNothing().execute();
            db.selectFrom(DAG).where(DAG.DAG_ID.eq(spec.dagId())).forUpdate().fetchOne();
            DagVersionRecord existing = db.selectFrom(DAG_VERSION)
                    .where(DAG_VERSION.DAG_ID.eq(spec.dagId()), DAG_VERSION.HASH.eq(hash)).fetchOne();
            DagVersionRecord version = existing;
            if (version == null) {
                Integer latest = db.select(DSL.max(DAG_VERSION.VERSION_NUMBER)).from(DAG_VERSION)
                        .where(DAG_VERSION.DAG_ID.eq(spec.dagId())).fetchOne(0, Integer.class);
                version = db.insertInto(DAG_VERSION)
                        .set(DAG_VERSION.DAG_ID, spec.dagId())
                        .set(DAG_VERSION.VERSION_NUMBER, latest == null ? 1 : latest + 1)
                        .set(DAG_VERSION.HASH, hash)
                        .set(DAG_VERSION.SPEC, JSONB.valueOf(DagSpecJson.toJson(spec)))
                        .set(DAG_VERSION.CREATED_AT, now())
                        .returning().fetchOne();
            }
            db.update(DAG).set(DAG.CURRENT_VERSION_ID, version.getId()).set(DAG.UPDATED_AT, now())
                    .where(DAG.DAG_ID.eq(spec.dagId())).execute();
            return toVersion(version);
        });
    }

    @Override
    public List<DagSummary> listDags() {
        return dagsWithCurrentVersion().orderBy(DAG.DAG_ID).fetch(this::toSummary);
    }

    @Override
    public Optional<DagSummary> findDag(String dagId) {
        return dagsWithCurrentVersion().where(DAG.DAG_ID.eq(dagId)).fetchOptional(this::toSummary);
    }

    private org.jooq.SelectJoinStep<Record> dagsWithCurrentVersion() {
        return dsl.select(DAG.DAG_ID, DAG.IS_PAUSED).select(DAG_VERSION.asterisk())
                .from(DAG).join(DAG_VERSION).on(DAG_VERSION.ID.eq(DAG.CURRENT_VERSION_ID));
    }

    @Override
    public DagRunView createRun(NewDagRun run, Function<RunSnapshot, Decision> decide) {
        return dsl.transactionResult(tx -> {
            DSLContext db = tx.dsl();
            DagRunRecord record = db.insertInto(DAG_RUN)
                    .set(DAG_RUN.RUN_ID, run.runId())
                    .set(DAG_RUN.DAG_ID, run.version().dagId())
                    .set(DAG_RUN.DAG_VERSION_ID, run.version().id())
                    .set(DAG_RUN.RUN_TYPE, run.runType())
                    .set(DAG_RUN.STATE, DagRunState.QUEUED.wireName())
                    .set(DAG_RUN.CONF, JSONB.valueOf(run.confJson()))
                    .set(DAG_RUN.PARAMS, JSONB.valueOf(run.paramsJson()))
                    .set(DAG_RUN.LOGICAL_DATE, toOffset(run.logicalDate()))
                    .set(DAG_RUN.QUEUED_AT, toOffset(run.queuedAt()))
                    .returning().fetchOne();
            var insert = db.insertInto(TASK_INSTANCE, TASK_INSTANCE.DAG_RUN_ID, TASK_INSTANCE.TASK_ID,
                    TASK_INSTANCE.STATE, TASK_INSTANCE.MAX_ATTEMPTS, TASK_INSTANCE.QUEUE, TASK_INSTANCE.PRIORITY_WEIGHT);
            for (TaskSpec task : run.version().spec().tasks()) {
                insert = insert.values(record.getId(), task.taskId(), TaskInstanceState.NONE.wireName(),
                        task.retries() + 1, task.queue(), task.priorityWeight());
            }
            insert.execute();
            applyDecision(db, record, run.version().spec(), decide);
            return toRunView(db.selectFrom(DAG_RUN).where(DAG_RUN.ID.eq(record.getId())).fetchOne(),
                    run.version().versionNumber());
        });
    }

    @Override
    public Optional<DagRunView> findRun(String dagId, String runId) {
        return dsl.select(DAG_RUN.asterisk(), DAG_VERSION.VERSION_NUMBER)
                .from(DAG_RUN).join(DAG_VERSION).on(DAG_VERSION.ID.eq(DAG_RUN.DAG_VERSION_ID))
                .where(DAG_RUN.DAG_ID.eq(dagId), DAG_RUN.RUN_ID.eq(runId))
                .fetchOptional(r -> toRunView(r.into(DAG_RUN), r.get(DAG_VERSION.VERSION_NUMBER)));
    }

    @Override
    public int countRuns(String dagId) {
        return dsl.fetchCount(DAG_RUN, DAG_RUN.DAG_ID.eq(dagId));
    }

    @Override
    public List<ClaimedTask> claimQueued(String workerId, List<String> queues, int max) {
        if (max <= 0) {
            return List.of();
        }
        return dsl.transactionResult(tx -> {
            DSLContext db = tx.dsl();
            OffsetDateTime now = now();
            List<TaskInstanceRecord> claimed = db.update(TASK_INSTANCE)
                    .set(TASK_INSTANCE.STATE, TaskInstanceState.RUNNING.wireName())
                    .set(TASK_INSTANCE.ATTEMPT, TASK_INSTANCE.ATTEMPT.plus(1))
                    .set(TASK_INSTANCE.WORKER_ID, workerId)
                    .set(TASK_INSTANCE.STARTED_AT, now)
                    .set(TASK_INSTANCE.LAST_HEARTBEAT_AT, now)
                    .where(TASK_INSTANCE.ID.in(DSL.select(TASK_INSTANCE.ID).from(TASK_INSTANCE)
                            .where(TASK_INSTANCE.STATE.eq(TaskInstanceState.QUEUED.wireName()),
                                    TASK_INSTANCE.QUEUE.in(queues))
                            .orderBy(TASK_INSTANCE.PRIORITY_WEIGHT.desc(), TASK_INSTANCE.QUEUED_AT, TASK_INSTANCE.ID)
                            .limit(max)
                            .forUpdate().skipLocked()))
                    .returning().fetch();
            List<ClaimedTask> tasks = new ArrayList<>(claimed.size());
            for (TaskInstanceRecord ti : claimed) {
                tasks.add(toClaimedTask(db, ti));
            }
            return tasks;
        });
    }

    private ClaimedTask toClaimedTask(DSLContext db, TaskInstanceRecord ti) {
        Record run = db.select(DAG_RUN.RUN_ID, DAG_RUN.DAG_ID, DAG_RUN.PARAMS, DAG_RUN.DAG_VERSION_ID)
                .from(DAG_RUN).where(DAG_RUN.ID.eq(ti.getDagRunId())).fetchOne();
        DagVersion version = version(db, run.get(DAG_RUN.DAG_VERSION_ID));
        TaskSpec task = taskSpec(version.spec(), ti.getTaskId());
        Map<String, String> upstream = new LinkedHashMap<>();
        if (!task.upstream().isEmpty()) {
            db.select(TASK_INSTANCE.TASK_ID, XCOM.VALUE)
                    .from(XCOM).join(TASK_INSTANCE).on(TASK_INSTANCE.ID.eq(XCOM.TASK_INSTANCE_ID))
                    .where(TASK_INSTANCE.DAG_RUN_ID.eq(ti.getDagRunId()), TASK_INSTANCE.TASK_ID.in(task.upstream()),
                            XCOM.KEY.eq(RETURN_VALUE))
                    .forEach(r -> upstream.put(r.value1(), r.value2().data()));
        }
        return new ClaimedTask(ti.getId(), ti.getAttempt(), run.get(DAG_RUN.DAG_ID), version.hash(),
                run.get(DAG_RUN.RUN_ID), ti.getTaskId(), ti.getMapIndex(), run.get(DAG_RUN.PARAMS).data(), upstream,
                task.executionTimeoutMs());
    }

    @Override
    public ReportOutcome startTask(TaskAttempt attempt) {
        return heartbeat(attempt);
    }

    @Override
    public ReportOutcome heartbeat(TaskAttempt attempt) {
        int updated = dsl.update(TASK_INSTANCE)
                .set(TASK_INSTANCE.LAST_HEARTBEAT_AT, now())
                .where(isCurrent(attempt))
                .execute();
        return updated == 1 ? ReportOutcome.ACCEPTED : ReportOutcome.STALE;
    }

    @Override
    public ReportOutcome appendLogs(TaskAttempt attempt, List<TaskLogLine> lines) {
        // Logs of an attempt that is no longer running are still worth keeping: they explain the end.
        boolean known = dsl.fetchExists(TASK_INSTANCE, TASK_INSTANCE.ID.eq(attempt.taskInstanceId()),
                TASK_INSTANCE.ATTEMPT.eq(attempt.attempt()));
        if (!known) {
            return ReportOutcome.STALE;
        }
        var insert = dsl.insertInto(TASK_LOG, TASK_LOG.TASK_INSTANCE_ID, TASK_LOG.ATTEMPT, TASK_LOG.LOGGED_AT,
                TASK_LOG.STREAM, TASK_LOG.LINE);
        for (TaskLogLine line : lines) {
            insert = insert.values(attempt.taskInstanceId(), attempt.attempt(), toOffset(line.loggedAt()),
                    line.stream(), line.line());
        }
        insert.execute();
        return ReportOutcome.ACCEPTED;
    }

    @Override
    public List<TaskLogLine> readLogs(String runId, String taskId, int mapIndex, Integer attempt, long afterOffset,
                                      int limit) {
        var condition = TASK_LOG.TASK_INSTANCE_ID.eq(DSL.select(TASK_INSTANCE.ID).from(TASK_INSTANCE)
                        .join(DAG_RUN).on(DAG_RUN.ID.eq(TASK_INSTANCE.DAG_RUN_ID))
                        .where(DAG_RUN.RUN_ID.eq(runId), TASK_INSTANCE.TASK_ID.eq(taskId),
                                TASK_INSTANCE.MAP_INDEX.eq(mapIndex)))
                .and(TASK_LOG.ID.gt(afterOffset));
        if (attempt != null) {
            condition = condition.and(TASK_LOG.ATTEMPT.eq(attempt));
        }
        return dsl.selectFrom(TASK_LOG).where(condition).orderBy(TASK_LOG.ID).limit(limit)
                .fetch(r -> new TaskLogLine(r.getId(), r.getAttempt(), r.getLoggedAt().toInstant(), r.getStream(),
                        r.getLine()));
    }

    @Override
    public Optional<String> runIdOf(long taskInstanceId) {
        return dsl.select(DAG_RUN.RUN_ID).from(DAG_RUN).join(TASK_INSTANCE).on(TASK_INSTANCE.DAG_RUN_ID.eq(DAG_RUN.ID))
                .where(TASK_INSTANCE.ID.eq(taskInstanceId)).fetchOptional(DAG_RUN.RUN_ID);
    }

    @Override
    public Optional<String> readXCom(String runId, String taskId, int mapIndex, String key) {
        return dsl.select(XCOM.VALUE).from(XCOM)
                .join(TASK_INSTANCE).on(TASK_INSTANCE.ID.eq(XCOM.TASK_INSTANCE_ID))
                .join(DAG_RUN).on(DAG_RUN.ID.eq(TASK_INSTANCE.DAG_RUN_ID))
                .where(DAG_RUN.RUN_ID.eq(runId), TASK_INSTANCE.TASK_ID.eq(taskId),
                        TASK_INSTANCE.MAP_INDEX.eq(mapIndex), XCOM.KEY.eq(key))
                .fetchOptional(r -> r.value1().data());
    }

    @Override
    public ReportOutcome putXCom(TaskAttempt attempt, String key, String valueJson) {
        return dsl.transactionResult(tx -> {
            DSLContext db = tx.dsl();
            if (db.selectFrom(TASK_INSTANCE).where(isCurrent(attempt)).forShare().fetchOne() == null) {
                return ReportOutcome.STALE;
            }
            db.insertInto(XCOM, XCOM.TASK_INSTANCE_ID, XCOM.KEY, XCOM.VALUE)
                    .values(attempt.taskInstanceId(), key, JSONB.valueOf(valueJson))
                    .onConflict(XCOM.TASK_INSTANCE_ID, XCOM.KEY).doUpdate().set(XCOM.VALUE, JSONB.valueOf(valueJson))
                    .execute();
            return ReportOutcome.ACCEPTED;
        });
    }

    @Override
    public Optional<TaskInstanceView> findTaskInstance(String runId, String taskId, int mapIndex) {
        return dsl.select(TASK_INSTANCE.asterisk()).from(TASK_INSTANCE)
                .join(DAG_RUN).on(DAG_RUN.ID.eq(TASK_INSTANCE.DAG_RUN_ID))
                .where(DAG_RUN.RUN_ID.eq(runId), TASK_INSTANCE.TASK_ID.eq(taskId), TASK_INSTANCE.MAP_INDEX.eq(mapIndex))
                .fetchOptional(r -> {
                    TaskInstanceRecord ti = r.into(TASK_INSTANCE);
                    return new TaskInstanceView(ti.getId(), ti.getTaskId(), ti.getMapIndex(),
                            TaskInstanceState.fromWireName(ti.getState()), ti.getAttempt(), ti.getWorkerId(),
                            ti.getError(), toInstant(ti.getQueuedAt()), toInstant(ti.getStartedAt()),
                            toInstant(ti.getEndedAt()));
                });
    }

    @Override
    public ReportOutcome completeTask(TaskAttempt attempt, String outputJson,
                                      Function<RunSnapshot, Decision> decide) {
        return dsl.transactionResult(tx -> {
            DSLContext db = tx.dsl();
            DagRunRecord run = lockRunOf(db, attempt.taskInstanceId());
            if (run == null) {
                return ReportOutcome.STALE;
            }
            int updated = db.update(TASK_INSTANCE)
                    .set(TASK_INSTANCE.STATE, TaskInstanceState.SUCCESS.wireName())
                    .set(TASK_INSTANCE.ENDED_AT, now())
                    .where(isCurrent(attempt))
                    .execute();
            if (updated == 0) {
                return ReportOutcome.STALE;
            }
            String value = outputJson == null || outputJson.isBlank() ? "null" : outputJson;
            db.insertInto(XCOM, XCOM.TASK_INSTANCE_ID, XCOM.KEY, XCOM.VALUE)
                    .values(attempt.taskInstanceId(), RETURN_VALUE, JSONB.valueOf(value))
                    .onConflict(XCOM.TASK_INSTANCE_ID, XCOM.KEY).doUpdate().set(XCOM.VALUE, JSONB.valueOf(value))
                    .execute();
            applyDecision(db, run, version(db, run.getDagVersionId()).spec(), decide);
            return ReportOutcome.ACCEPTED;
        });
    }

    @Override
    public ReportOutcome failTask(TaskAttempt attempt, String error, boolean noRetry, Instant now,
                                  Function<RunSnapshot, Decision> decide) {
        return dsl.transactionResult(tx -> failInTransaction(tx.dsl(), attempt, error, noRetry, now, decide));
    }

    private ReportOutcome failInTransaction(DSLContext db, TaskAttempt attempt, String error, boolean noRetry,
                                            Instant now, Function<RunSnapshot, Decision> decide) {
        DagRunRecord run = lockRunOf(db, attempt.taskInstanceId());
        if (run == null) {
            return ReportOutcome.STALE;
        }
        TaskInstanceRecord ti = db.selectFrom(TASK_INSTANCE).where(isCurrent(attempt)).forUpdate().fetchOne();
        if (ti == null) {
            return ReportOutcome.STALE;
        }
        DagSpec spec = version(db, run.getDagVersionId()).spec();
        RetryPolicy.AfterFailure after = RetryPolicy.afterFailure(taskSpec(spec, ti.getTaskId()), ti.getAttempt(),
                noRetry, now);
        ti.setState(after.state().wireName());
        ti.setError(error);
        ti.setEndedAt(toOffset(now));
        ti.setRetryAt(toOffset(after.retryAt()));
        ti.store();
        if (after.state() == TaskInstanceState.FAILED) {
            applyDecision(db, run, spec, decide);
        }
        return ReportOutcome.ACCEPTED;
    }

    @Override
    public ReportOutcome requeueAfterWorkerShutdown(TaskAttempt attempt, String reason, Instant now) {
        return dsl.transactionResult(tx -> {
            DSLContext db = tx.dsl();
            if (lockRunOf(db, attempt.taskInstanceId()) == null) {
                return ReportOutcome.STALE;
            }
            String queue = db.update(TASK_INSTANCE)
                    .set(TASK_INSTANCE.STATE, TaskInstanceState.QUEUED.wireName())
                    .set(TASK_INSTANCE.QUEUED_AT, toOffset(now))
                    .set(TASK_INSTANCE.ERROR, reason)
                    .set(TASK_INSTANCE.WORKER_ID, (String) null)
                    .where(isCurrent(attempt))
                    .returning(TASK_INSTANCE.QUEUE).fetchOptional(TASK_INSTANCE.QUEUE).orElse(null);
            if (queue == null) {
                return ReportOutcome.STALE;
            }
            notify(db, TASK_QUEUED_CHANNEL, queue);
            return ReportOutcome.ACCEPTED;
        });
    }

    @Override
    public int requeueDueRetries(Instant now) {
        List<String> queues = dsl.update(TASK_INSTANCE)
                .set(TASK_INSTANCE.STATE, TaskInstanceState.QUEUED.wireName())
                .set(TASK_INSTANCE.QUEUED_AT, toOffset(now))
                .set(TASK_INSTANCE.RETRY_AT, (OffsetDateTime) null)
                .where(TASK_INSTANCE.STATE.eq(TaskInstanceState.UP_FOR_RETRY.wireName()),
                        TASK_INSTANCE.RETRY_AT.le(toOffset(now)))
                .returning(TASK_INSTANCE.QUEUE).fetch(TASK_INSTANCE.QUEUE);
        Set.copyOf(queues).forEach(queue -> notify(dsl, TASK_QUEUED_CHANNEL, queue));
        return queues.size();
    }

    @Override
    public int failAttemptsWithoutHeartbeat(Instant now, Duration timeout, Function<RunSnapshot, Decision> decide) {
        List<TaskAttempt> expired = dsl.select(TASK_INSTANCE.ID, TASK_INSTANCE.ATTEMPT).from(TASK_INSTANCE)
                .where(TASK_INSTANCE.STATE.eq(TaskInstanceState.RUNNING.wireName()),
                        TASK_INSTANCE.LAST_HEARTBEAT_AT.lt(toOffset(now.minus(timeout))))
                .limit(1000)
                .fetch(r -> new TaskAttempt(r.value1(), r.value2()));
        int failed = 0;
        for (TaskAttempt attempt : expired) {
            ReportOutcome outcome = dsl.transactionResult(tx -> failInTransaction(tx.dsl(), attempt,
                    "no heartbeat from its worker for " + timeout.toSeconds() + " s; the worker is presumed dead",
                    false, now, decide));
            if (outcome == ReportOutcome.ACCEPTED) {
                failed++;
            }
        }
        return failed;
    }

    @Override
    public void registerWorker(WorkerRegistration worker) {
        OffsetDateTime at = toOffset(worker.registeredAt());
        dsl.insertInto(WORKER)
                .set(WORKER.WORKER_ID, worker.workerId())
                .set(WORKER.HOSTNAME, worker.hostname())
                .set(WORKER.QUEUES, worker.queues().toArray(String[]::new))
                .set(WORKER.CAPABILITIES, JSONB.valueOf(worker.capabilitiesJson()))
                .set(WORKER.SOFTWARE_VERSION, worker.softwareVersion())
                .set(WORKER.REGISTERED_AT, at)
                .set(WORKER.LAST_HEARTBEAT_AT, at)
                .onConflict(WORKER.WORKER_ID).doUpdate()
                .set(WORKER.HOSTNAME, worker.hostname())
                .set(WORKER.QUEUES, worker.queues().toArray(String[]::new))
                .set(WORKER.CAPABILITIES, JSONB.valueOf(worker.capabilitiesJson()))
                .set(WORKER.SOFTWARE_VERSION, worker.softwareVersion())
                .set(WORKER.REGISTERED_AT, at)
                .set(WORKER.LAST_HEARTBEAT_AT, at)
                .execute();
    }

    /** Locks the run of a task instance: every change to a run's task states takes this lock first. */
    private DagRunRecord lockRunOf(DSLContext db, long taskInstanceId) {
        return db.selectFrom(DAG_RUN)
                .where(DAG_RUN.ID.eq(DSL.select(TASK_INSTANCE.DAG_RUN_ID).from(TASK_INSTANCE)
                        .where(TASK_INSTANCE.ID.eq(taskInstanceId))))
                .forUpdate().fetchOne();
    }

    private void applyDecision(DSLContext db, DagRunRecord run, DagSpec spec, Function<RunSnapshot, Decision> decide) {
        Map<String, TaskInstanceState> states = new HashMap<>();
        db.select(TASK_INSTANCE.TASK_ID, TASK_INSTANCE.STATE).from(TASK_INSTANCE)
                .where(TASK_INSTANCE.DAG_RUN_ID.eq(run.getId()))
                .forEach(r -> states.put(r.value1(), TaskInstanceState.fromWireName(r.value2())));
        DagRunState before = DagRunState.fromWireName(run.getState());
        Decision decision = decide.apply(new RunSnapshot(spec, before, states));
        OffsetDateTime now = now();
        Map<TaskInstanceState, List<String>> byTarget = decision.transitions().stream()
                .collect(Collectors.groupingBy(Decision.TaskTransition::to,
                        Collectors.mapping(Decision.TaskTransition::taskId, Collectors.toList())));
        byTarget.forEach((state, taskIds) -> {
            var update = db.update(TASK_INSTANCE).set(TASK_INSTANCE.STATE, state.wireName());
            if (state == TaskInstanceState.QUEUED) {
                update = update.set(TASK_INSTANCE.QUEUED_AT, now);
            } else {
                update = update.set(TASK_INSTANCE.ENDED_AT, now);
            }
            update.where(TASK_INSTANCE.DAG_RUN_ID.eq(run.getId()), TASK_INSTANCE.TASK_ID.in(taskIds)).execute();
        });
        if (byTarget.containsKey(TaskInstanceState.QUEUED)) {
            Set<String> queues = byTarget.get(TaskInstanceState.QUEUED).stream()
                    .map(id -> taskSpec(spec, id).queue()).collect(Collectors.toSet());
            queues.forEach(queue -> notify(db, TASK_QUEUED_CHANNEL, queue));
        }
        DagRunState after = decision.runState();
        if (after == before) {
            return;
        }
        run.setState(after.wireName());
        if (before == DagRunState.QUEUED) {
            run.setStartedAt(now);
        }
        if (after.isFinished()) {
            run.setEndedAt(now);
            if (spec.resultTaskId() != null) {
                db.select(XCOM.VALUE).from(XCOM).join(TASK_INSTANCE).on(TASK_INSTANCE.ID.eq(XCOM.TASK_INSTANCE_ID))
                        .where(TASK_INSTANCE.DAG_RUN_ID.eq(run.getId()),
                                TASK_INSTANCE.TASK_ID.eq(spec.resultTaskId()), XCOM.KEY.eq(RETURN_VALUE))
                        .fetchOptional(XCOM.VALUE).ifPresent(run::setResult);
            }
            if (after == DagRunState.FAILED) {
                run.setError(failureSummary(db, run.getId()));
            }
        }
        run.store();
        if (after.isFinished()) {
            notify(db, RUN_FINISHED_CHANNEL, run.getRunId());
        }
    }

    private static String failureSummary(DSLContext db, long runId) {
        return db.select(TASK_INSTANCE.TASK_ID, TASK_INSTANCE.ERROR).from(TASK_INSTANCE)
                .where(TASK_INSTANCE.DAG_RUN_ID.eq(runId), TASK_INSTANCE.STATE.eq(TaskInstanceState.FAILED.wireName()))
                .orderBy(TASK_INSTANCE.ENDED_AT)
                .fetch(r -> "task '" + r.value1() + "' failed: " + r.value2())
                .stream().collect(Collectors.joining("; "));
    }

    private static void notify(DSLContext db, String channel, String payload) {
        db.select(DSL.function("pg_notify", Object.class, DSL.val(channel), DSL.val(payload))).fetch();
    }

    private static org.jooq.Condition isCurrent(TaskAttempt attempt) {
        return TASK_INSTANCE.ID.eq(attempt.taskInstanceId())
                .and(TASK_INSTANCE.ATTEMPT.eq(attempt.attempt()))
                .and(TASK_INSTANCE.STATE.eq(TaskInstanceState.RUNNING.wireName()));
    }

    private DagVersion version(DSLContext db, long versionId) {
        return versions.get(versionId, id -> toVersion(db.selectFrom(DAG_VERSION).where(DAG_VERSION.ID.eq(id))
                .fetchOne()));
    }

    private static TaskSpec taskSpec(DagSpec spec, String taskId) {
        return spec.tasks().stream().filter(t -> t.taskId().equals(taskId)).findFirst()
                .orElseThrow(() -> new IllegalStateException("DAG '" + spec.dagId() + "' has no task '" + taskId + "'"));
    }

    private DagSummary toSummary(Record r) {
        return new DagSummary(r.get(DAG.DAG_ID), r.get(DAG.IS_PAUSED), toVersion(r.into(DAG_VERSION)));
    }

    private static DagVersion toVersion(DagVersionRecord r) {
        return new DagVersion(r.getId(), r.getDagId(), r.getVersionNumber(), r.getHash(),
                DagSpecJson.fromJson(r.getSpec().data()), r.getCreatedAt().toInstant());
    }

    private static DagRunView toRunView(DagRunRecord r, int versionNumber) {
        return new DagRunView(r.getId(), r.getRunId(), r.getDagId(), versionNumber, r.getRunType(),
                DagRunState.fromWireName(r.getState()), r.getConf().data(),
                r.getResult() == null ? null : r.getResult().data(), r.getError(), toInstant(r.getLogicalDate()),
                toInstant(r.getQueuedAt()), toInstant(r.getStartedAt()), toInstant(r.getEndedAt()));
    }

    private OffsetDateTime now() {
        return toOffset(clock.instant());
    }

    private static OffsetDateTime toOffset(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant toInstant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
