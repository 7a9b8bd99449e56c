package dev.gale.scheduler.store;

import static dev.gale.scheduler.store.jooq.Tables.DAG;
import static dev.gale.scheduler.store.jooq.Tables.DAG_RUN;
import static dev.gale.scheduler.store.jooq.Tables.DAG_VERSION;
import static dev.gale.scheduler.store.jooq.Tables.POOL;
import static dev.gale.scheduler.store.jooq.Tables.TASK_ATTEMPT;
import static dev.gale.scheduler.store.jooq.Tables.TASK_TRIGGER;
import static dev.gale.scheduler.store.jooq.Tables.TASK_INSTANCE;
import static dev.gale.scheduler.store.jooq.Tables.TASK_LOG;
import static dev.gale.scheduler.store.jooq.Tables.WORKER;
import static dev.gale.scheduler.store.jooq.Tables.XCOM;

import dev.gale.scheduler.engine.DagRunState;
import dev.gale.scheduler.engine.GpuPlacement;
import dev.gale.scheduler.engine.Decision;
import dev.gale.scheduler.engine.RetryPolicy;
import dev.gale.scheduler.engine.RunDecider;
import dev.gale.scheduler.engine.RunSnapshot;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.engine.WorkerOffer;
import dev.gale.scheduler.service.AttemptIdentity;
import dev.gale.scheduler.service.ClaimedTask;
import dev.gale.scheduler.service.DagRunView;
import dev.gale.scheduler.service.DagSummary;
import dev.gale.scheduler.service.DagVersion;
import dev.gale.scheduler.service.KeyedRun;
import dev.gale.scheduler.service.NewDagRun;
import dev.gale.scheduler.service.ReportOutcome;
import dev.gale.scheduler.service.RunStateConflictException;
import dev.gale.scheduler.service.RunningTask;
import dev.gale.scheduler.service.SchedulerMetrics;
import dev.gale.scheduler.service.SchedulerStore;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.scheduler.service.TaskLogMdc;
import dev.gale.scheduler.service.TaskInstanceView;
import dev.gale.scheduler.service.TaskLogLine;
import dev.gale.scheduler.service.WorkerRegistration;
import dev.gale.scheduler.service.WorkerView;
import dev.gale.scheduler.store.jooq.tables.records.DagRunRecord;
import dev.gale.scheduler.store.jooq.tables.records.DagVersionRecord;
import dev.gale.scheduler.store.jooq.tables.records.TaskInstanceRecord;
import dev.gale.sdk.spec.DagSpec;
import dev.gale.sdk.spec.DagSpecJson;
import dev.gale.sdk.spec.IsolationSpec;
import dev.gale.sdk.spec.MapSpec;
import dev.gale.sdk.spec.TaskSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jooq.Condition;
import dev.gale.scheduler.secrets.SecretBox;
import java.util.function.Supplier;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.Record3;
import org.jooq.Row2;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The scheduler's store on PostgreSQL, every query written with jOOQ. */
public final class JooqSchedulerStore implements SchedulerStore {
    private static final Logger log = LoggerFactory.getLogger(JooqSchedulerStore.class);
    /** NOTIFY channel: a task instance was queued; the payload is its queue. */
    public static final String TASK_QUEUED_CHANNEL = "gale_task_queued";
    /** NOTIFY channel: a DAG run finished; the payload is its run id. */
    public static final String RUN_FINISHED_CHANNEL = "gale_run_finished";
    /**
     * NOTIFY channel: a run or one of its task instances changed state (sent by triggers, see V8);
     * the payload is {@code {"dagId": ..., "runId": ...}}.
     */
    public static final String RUN_CHANGED_CHANNEL = "gale_run_changed";
    private static final String RETURN_VALUE = RunDecisions.RETURN_VALUE;
    private static final String CANCELLED_ERROR = "the run was cancelled";
    private static final List<String> FINISHED = java.util.Arrays.stream(TaskInstanceState.values())
            .filter(TaskInstanceState::isFinished).map(TaskInstanceState::wireName).toList();
    private static final List<String> NOT_STARTED = List.of(TaskInstanceState.NONE.wireName(),
            TaskInstanceState.SCHEDULED.wireName(), TaskInstanceState.QUEUED.wireName(),
            TaskInstanceState.UP_FOR_RETRY.wireName(), TaskInstanceState.DEFERRED.wireName());

    /** A heartbeat this recent makes a start's own heartbeat redundant. */
    private static final Duration FRESH_HEARTBEAT = Duration.ofSeconds(1);

    private static final tools.jackson.databind.json.JsonMapper PARAMS_JSON =
            tools.jackson.databind.json.JsonMapper.builder().build();

    private final DSLContext dsl;
    private final CommittedMetrics metrics;
    private final Clock clock;
    private final DagVersionCache versions = new DagVersionCache();
    private final RunDecisions decisions;
    private final SealedParams sealed;
    /** Completions arriving together share a transaction: most of a completion's cost is its commit. */
    private final GroupCommit<Completion, ReportOutcome> completions;

    private record Completion(TaskAttempt attempt, String outputJson, Function<RunSnapshot, Decision> decide) {
    }

    /** A store whose secrets key is the one kept in the database, shared by every replica. */
    public JooqSchedulerStore(DSLContext dsl, Clock clock) {
        this(dsl, clock, JooqSigningKeys.secretBox(dsl));
    }

    /** A store that seals secret params with {@code box} (a configured key, or standalone's key file). */
    public JooqSchedulerStore(DSLContext dsl, Clock clock, Supplier<SecretBox> box) {
        this(dsl, clock, box, SchedulerMetrics.NONE);
    }

    /** As above, telling {@code metrics} what each committed change did to runs and attempts. */
    public JooqSchedulerStore(DSLContext dsl, Clock clock, Supplier<SecretBox> box, SchedulerMetrics metrics) {
        this.metrics = new CommittedMetrics(metrics);
        this.dsl = this.metrics.listeningTo(dsl);
        this.clock = clock;
        this.sealed = new SealedParams(box);
        this.decisions = new RunDecisions(id -> version(this.dsl, id).spec(), this::now, sealed, this.metrics);
        this.completions = new GroupCommit<>(
                batch -> this.dsl.transactionResult(tx -> completeTogether(tx.dsl(), batch)),
                c -> this.dsl.transactionResult(tx -> completeTogether(tx.dsl(), List.of(c)).getFirst()));
    }

    @Override
    public DagVersion syncDag(DagSpec spec, String hash) {
        return dsl.transactionResult(tx -> {
            DSLContext db = tx.dsl();
            db.insertInto(DAG, DAG.DAG_ID, DAG.IS_PAUSED).values(spec.dagId(), spec.pausedOnCreation())
                    .onConflictDoNothing().execute();
            db.selectFrom(DAG).where(DAG.DAG_ID.eq(spec.dagId())).forUpdate().fetchOne();
            DagVersionRecord existing = db.selectFrom(DAG_VERSION)
                    .where(DAG_VERSION.DAG_ID.eq(spec.dagId()), DAG_VERSION.HASH.eq(hash)).fetchOne();
            DagVersionRecord version = existing;
            JSONB json = JSONB.valueOf(DagSpecJson.toJson(spec));
            if (version != null && db.update(DAG_VERSION).set(DAG_VERSION.SPEC, json)
                    .where(DAG_VERSION.ID.eq(version.getId())).and(DAG_VERSION.SPEC.ne(json)).execute() > 0) {
                // The same structure with its tasks declared at other lines: the version shows where they are now.
                version.setSpec(json);
                versions.forget(version.getId());
            }
            if (version == null) {
                Integer latest = db.select(DSL.max(DAG_VERSION.VERSION_NUMBER)).from(DAG_VERSION)
                        .where(DAG_VERSION.DAG_ID.eq(spec.dagId())).fetchOne(0, Integer.class);
                version = db.insertInto(DAG_VERSION)
                        .set(DAG_VERSION.DAG_ID, spec.dagId())
                        .set(DAG_VERSION.VERSION_NUMBER, latest == null ? 1 : latest + 1)
                        .set(DAG_VERSION.HASH, hash)
                        .set(DAG_VERSION.SPEC, json)
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
        // Each scheduling pass lists every DAG: their versions come from the cache, not parsed anew from JSON.
        var dags = dsl.select(DAG.DAG_ID, DAG.IS_PAUSED, DAG.CURRENT_VERSION_ID).from(DAG)
                .where(DAG.CURRENT_VERSION_ID.isNotNull()).orderBy(DAG.DAG_ID).fetch();
        Map<Long, DagVersion> byId = versions.getAll(dags.map(Record3::value3), missing -> dsl.selectFrom(DAG_VERSION)
                .where(DAG_VERSION.ID.in(missing)).fetch().stream()
                .collect(Collectors.toMap(DagVersionRecord::getId, JooqSchedulerStore::toVersion)));
        return dags.map(r -> new DagSummary(r.value1(), r.value2(), byId.get(r.value3())));
    }

    @Override
    public Optional<DagSummary> findDag(String dagId) {
        return dsl.select(DAG.DAG_ID, DAG.IS_PAUSED, DAG.CURRENT_VERSION_ID).from(DAG)
                .where(DAG.DAG_ID.eq(dagId), DAG.CURRENT_VERSION_ID.isNotNull())
                .fetchOptional(r -> new DagSummary(r.value1(), r.value2(), version(dsl, r.value3())));
    }

    @Override
    public Optional<DagRunView> createRun(NewDagRun run, Function<RunSnapshot, Decision> decide) {
        return dsl.transactionResult(tx -> {
            DSLContext db = tx.dsl();
            DagSpec spec = run.version().spec();
            DagRunRecord record = db.insertInto(DAG_RUN)
                    .set(DAG_RUN.RUN_ID, run.runId())
                    .set(DAG_RUN.DAG_ID, run.version().dagId())
                    .set(DAG_RUN.DAG_VERSION_ID, run.version().id())
                    .set(DAG_RUN.RUN_TYPE, run.runType())
                    .set(DAG_RUN.STATE, DagRunState.QUEUED.wireName())
                    .set(DAG_RUN.CONF, JSONB.valueOf(run.confJson()))
                    .set(DAG_RUN.PARAMS, JSONB.valueOf(sealed.seal(spec.params(), run.paramsJson())))
                    .set(DAG_RUN.LOGICAL_DATE, toOffset(run.logicalDate()))
                    .set(DAG_RUN.DATA_INTERVAL_START, toOffset(run.dataIntervalStart()))
                    .set(DAG_RUN.QUEUED_AT, toOffset(run.queuedAt()))
                    .set(DAG_RUN.NOTE, run.note())
                    .set(DAG_RUN.IDEMPOTENCY_KEY, run.idempotencyKey())
                    .set(DAG_RUN.REQUEST_HASH, run.requestHash())
                    .set(DAG_RUN.TRACEPARENT, run.traceparent())
                    // A taken run id, scheduled logical date or Idempotency-Key yields no row, not an aborted transaction.
                    .onConflictDoNothing()
                    .returning().fetchOne();
            if (record == null) {
                return Optional.<DagRunView>empty();
            }
            var insert = db.insertInto(TASK_INSTANCE, TASK_INSTANCE.DAG_RUN_ID, TASK_INSTANCE.TASK_ID,
                    TASK_INSTANCE.STATE, TASK_INSTANCE.MAX_ATTEMPTS, TASK_INSTANCE.QUEUE, TASK_INSTANCE.PRIORITY_WEIGHT,
                    TASK_INSTANCE.POOL, TASK_INSTANCE.EXECUTION_TIMEOUT_MS, TASK_INSTANCE.GPU_COUNT,
                    TASK_INSTANCE.GPU_MEMORY_MB, TASK_INSTANCE.TASK_KIND, TASK_INSTANCE.POOL_SLOTS);
            for (TaskSpec task : spec.tasks()) {
                insert = insert.values(record.getId(), task.taskId(), TaskInstanceState.NONE.wireName(),
                        task.retries() + 1, task.queue(), task.priorityWeight(), task.pool(), task.executionTimeoutMs(),
                        task.resources().gpu(), task.resources().gpuMemoryMb(),
                        IsolationSpec.taskKind(task.isolation()), task.slotsOfPool());
            }
            insert.execute();
            if (spec.maxActiveRuns() == null) {
                decisions.apply(db, record, spec, decide);
            } else {
                decisions.startQueuedRuns(db, spec.dagId(), spec.maxActiveRuns(), decide);
            }
            return Optional.of(toRunView(db.selectFrom(DAG_RUN).where(DAG_RUN.ID.eq(record.getId())).fetchOne(),
                    run.version().versionNumber()));
        });
    }

    @Override
    public Optional<KeyedRun> findRunByIdempotencyKey(String dagId, String idempotencyKey) {
        return dsl.select(DAG_RUN.asterisk(), DAG_VERSION.VERSION_NUMBER)
                .from(DAG_RUN).join(DAG_VERSION).on(DAG_VERSION.ID.eq(DAG_RUN.DAG_VERSION_ID))
                .where(DAG_RUN.DAG_ID.eq(dagId), DAG_RUN.IDEMPOTENCY_KEY.eq(idempotencyKey))
                .fetchOptional(r -> new KeyedRun(toRunView(r.into(DAG_RUN), r.get(DAG_VERSION.VERSION_NUMBER)),
                        r.get(DAG_RUN.REQUEST_HASH)));
    }

    @Override
    public boolean setPaused(String dagId, boolean paused) {
        return dsl.update(DAG).set(DAG.IS_PAUSED, paused).set(DAG.UPDATED_AT, now())
                .where(DAG.DAG_ID.eq(dagId)).execute() == 1;
    }

    @Override
    public Optional<DagRunView> cancelRun(String dagId, String runId, Instant now) {
        return dsl.transactionResult(tx -> {
            DSLContext db = tx.dsl();
            DagRunRecord run = lockRun(db, dagId, runId);
            if (run == null) {
                return Optional.<DagRunView>empty();
            }
            DagRunState state = DagRunState.fromWireName(run.getState());
            if (state.isFinished()) {
                throw new RunStateConflictException("Run '" + runId + "' of DAG '" + dagId + "' has already ended ("
                        + state.wireName() + "); only queued or running runs can be cancelled.");
            }
            OffsetDateTime at = toOffset(now);
            // Failing the running attempts is what makes their next heartbeat answer "stop".
            List<Long> stopped = db.update(TASK_INSTANCE)
                    .set(TASK_INSTANCE.STATE, TaskInstanceState.FAILED.wireName())
                    .set(TASK_INSTANCE.ERROR, CANCELLED_ERROR)
                    .set(TASK_INSTANCE.ENDED_AT, at)
                    .where(TASK_INSTANCE.DAG_RUN_ID.eq(run.getId()),
                            TASK_INSTANCE.STATE.eq(TaskInstanceState.RUNNING.wireName()))
                    .returning().fetch().stream().map(ti -> {
                        metrics.attemptEnded(dagId, ti.getTaskId(), TaskInstanceState.FAILED,
                                between(ti.getStartedAt(), ti.getEndedAt()));
                        return ti.getId();
                    }).toList();
            recordEndedAttempts(db, TASK_INSTANCE.ID.in(stopped));
            db.update(TASK_INSTANCE)
                    .set(TASK_INSTANCE.STATE, TaskInstanceState.SKIPPED.wireName())
                    .set(TASK_INSTANCE.ENDED_AT, at)
                    .set(TASK_INSTANCE.RETRY_AT, (OffsetDateTime) null)
                    .where(TASK_INSTANCE.DAG_RUN_ID.eq(run.getId()), TASK_INSTANCE.STATE.in(NOT_STARTED))
                    .execute();
            run.setState(DagRunState.CANCELLED.wireName());
            run.setEndedAt(at);
            run.setError(CANCELLED_ERROR);
            run.store();
            metrics.runFinished(dagId, DagRunState.CANCELLED);
            RunDecisions.notifyRunFinished(db, run.getRunId());
            return Optional.of(toRunView(run, version(db, run.getDagVersionId()).versionNumber()));
        });
    }

    @Override
    public Optional<DagRunView> clearTasks(String dagId, String runId, Function<RunSnapshot, Set<String>> select,
                                           Function<RunSnapshot, Decision> decide) {
        return dsl.transactionResult(tx -> {
            DSLContext db = tx.dsl();
            DagRunRecord run = lockRun(db, dagId, runId);
            if (run == null) {
                return Optional.<DagRunView>empty();
            }
            DagRunState state = DagRunState.fromWireName(run.getState());
            if (!state.isFinished()) {
                throw new RunStateConflictException("Run '" + runId + "' of DAG '" + dagId + "' is still " + state.wireName()
                        + "; clear its failed tasks once it has ended, or cancel it first.");
            }
            DagVersion version = version(db, run.getDagVersionId());
            Set<String> cleared = select.apply(decisions.snapshot(db, run, version.spec()));
            if (cleared.isEmpty()) {
                throw new RunStateConflictException("Run '" + runId + "' of DAG '" + dagId
                        + "' has no failed task instances to clear.");
            }
            var clearedInstances = TASK_INSTANCE.DAG_RUN_ID.eq(run.getId()).and(TASK_INSTANCE.TASK_ID.in(cleared));
            db.deleteFrom(XCOM).where(XCOM.TASK_INSTANCE_ID.in(
                    DSL.select(TASK_INSTANCE.ID).from(TASK_INSTANCE).where(clearedInstances))).execute();
            // A cleared mapped task expands again from its (maybe different) list: keep one waiting instance.
            List<String> mapped = cleared.stream().filter(id -> version.spec().task(id).expand() != null).toList();
            if (!mapped.isEmpty()) {
                var mappedInstances = TASK_INSTANCE.DAG_RUN_ID.eq(run.getId()).and(TASK_INSTANCE.TASK_ID.in(mapped));
                db.deleteFrom(TASK_INSTANCE).where(mappedInstances, TASK_INSTANCE.MAP_INDEX.gt(0)).execute();
                db.update(TASK_INSTANCE).set(TASK_INSTANCE.MAP_INDEX, -1).set(TASK_INSTANCE.MAP_ITEM, (JSONB) null)
                        .where(mappedInstances).execute();
            }
            // The attempt number is kept, so reports from an attempt before the clear stay stale.
            db.update(TASK_INSTANCE)
                    .set(TASK_INSTANCE.STATE, TaskInstanceState.NONE.wireName())
                    .set(TASK_INSTANCE.ERROR, (String) null)
                    .set(TASK_INSTANCE.WORKER_ID, (String) null)
                    .set(TASK_INSTANCE.QUEUED_AT, (OffsetDateTime) null)
                    .set(TASK_INSTANCE.STARTED_AT, (OffsetDateTime) null)
                    .set(TASK_INSTANCE.ENDED_AT, (OffsetDateTime) null)
                    .set(TASK_INSTANCE.RETRY_AT, (OffsetDateTime) null)
                    .where(clearedInstances)
                    .execute();
            return Optional.of(decisions.reopen(db, run, version, decide));
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
    public List<ClaimedTask> claimQueued(WorkerOffer worker, int max) {
        if (max <= 0) {
            return List.of();
        }
        long started = System.nanoTime();
        List<ClaimedTask> claimed = dsl.transactionResult(tx -> {
            DSLContext db = tx.dsl();
            List<ClaimedTask> tasks = new ArrayList<>();
            int freeGpus = GpuRouting.freeGpus(db, worker);
            // GPU tasks one at a time, so that each claim sees the GPUs the one before took.
            while (tasks.size() < max && freeGpus > 0) {
                List<ClaimedTask> one = claim(db, worker.workerId(), worker.queues(), 1,
                        GpuRouting.fitsFreeGpus(worker, freeGpus).and(KindRouting.runsKind(worker)));
                if (one.isEmpty()) {
                    break;
                }
                freeGpus -= one.getFirst().gpuCount();
                tasks.addAll(one);
            }
            if (worker.takesTasksWithoutGpu() && tasks.size() < max) {
                tasks.addAll(claim(db, worker.workerId(), worker.queues(), max - tasks.size(),
                        GpuRouting.NEEDS_NO_GPU.and(KindRouting.runsKind(worker))));
            }
            return tasks;
        });
        metrics.claim(Duration.ofNanos(System.nanoTime() - started), claimed.size());
        return claimed;
    }

    private List<ClaimedTask> claim(DSLContext db, String workerId, List<String> queues, int max, Condition fits) {
        OffsetDateTime now = now();
        List<TaskInstanceRecord> claimed = db.update(TASK_INSTANCE)
                .set(TASK_INSTANCE.STATE, TaskInstanceState.RUNNING.wireName())
                .set(TASK_INSTANCE.ATTEMPT, TASK_INSTANCE.ATTEMPT.plus(1))
                .set(TASK_INSTANCE.WORKER_ID, workerId)
                .set(TASK_INSTANCE.STARTED_AT, now)
                .set(TASK_INSTANCE.LAST_HEARTBEAT_AT, now)
                .set(TASK_INSTANCE.WAITING_REASON, (String) null)
                .set(TASK_INSTANCE.WAITING_SINCE, (OffsetDateTime) null)
                .where(TASK_INSTANCE.ID.in(DSL.select(TASK_INSTANCE.ID).from(TASK_INSTANCE)
                        .where(TASK_INSTANCE.STATE.eq(TaskInstanceState.QUEUED.wireName()),
                                TASK_INSTANCE.QUEUE.in(queues), fits)
                        .orderBy(TASK_INSTANCE.PRIORITY_WEIGHT.desc(), TASK_INSTANCE.QUEUED_AT, TASK_INSTANCE.ID)
                        .limit(max)
                        .forUpdate().skipLocked()))
                .returning().fetch();
        return toClaimedTasks(db, claimed);
    }

    /**
     * What the workers need for the claimed instances, read with two queries for the whole claim
     * (their runs, then every upstream output they get) rather than a few per instance.
     */
    private List<ClaimedTask> toClaimedTasks(DSLContext db, List<TaskInstanceRecord> claimed) {
        if (claimed.isEmpty()) {
            return List.of();
        }
        Map<Long, Record> runs = new HashMap<>();
        db.select(DAG_RUN.ID, DAG_RUN.RUN_ID, DAG_RUN.DAG_ID, DAG_RUN.PARAMS, DAG_RUN.DAG_VERSION_ID, DAG_RUN.LOGICAL_DATE,
                        DAG_RUN.DATA_INTERVAL_START, DAG_RUN.TRACEPARENT)
                .from(DAG_RUN)
                .where(DAG_RUN.ID.in(claimed.stream().map(TaskInstanceRecord::getDagRunId).distinct().toList()))
                .forEach(r -> runs.put(r.value1(), r));
        List<List<String>> upstreamOf = new ArrayList<>(claimed.size());
        Set<Row2<Long, String>> sources = new LinkedHashSet<>();
        for (TaskInstanceRecord ti : claimed) {
            DagSpec spec = version(db, runs.get(ti.getDagRunId()).get(DAG_RUN.DAG_VERSION_ID)).spec();
            TaskSpec task = spec.task(ti.getTaskId());
            List<String> needed = task.upstream().stream()
                    .filter(up -> ti.getMapIndex() < 0 || !expandsOverWholeOutput(spec, task, up)).toList();
            upstreamOf.add(needed);
            needed.forEach(up -> sources.add(DSL.row(ti.getDagRunId(), up)));
        }
        Map<Long, Map<String, List<String>>> outputs = new HashMap<>();
        if (!sources.isEmpty()) {
            db.select(TASK_INSTANCE.DAG_RUN_ID, TASK_INSTANCE.TASK_ID, XCOM.VALUE).from(XCOM)
                    .join(TASK_INSTANCE).on(TASK_INSTANCE.ID.eq(XCOM.TASK_INSTANCE_ID))
                    .where(DSL.row(TASK_INSTANCE.DAG_RUN_ID, TASK_INSTANCE.TASK_ID).in(sources),
                            XCOM.KEY.eq(RETURN_VALUE))
                    .orderBy(TASK_INSTANCE.MAP_INDEX)
                    .forEach(r -> outputs.computeIfAbsent(r.value1(), k -> new HashMap<>())
                            .computeIfAbsent(r.value2(), k -> new ArrayList<>()).add(r.value3().data()));
        }
        Map<Long, List<ClaimedTask.FiredTrigger>> fired = firedTriggers(db, claimed);
        List<ClaimedTask> tasks = new ArrayList<>(claimed.size());
        for (int i = 0; i < claimed.size(); i++) {
            TaskInstanceRecord ti = claimed.get(i);
            Record run = runs.get(ti.getDagRunId());
            DagVersion version = version(db, run.get(DAG_RUN.DAG_VERSION_ID));
            Map<String, List<String>> ofRun = outputs.getOrDefault(ti.getDagRunId(), Map.of());
            TaskSpec task = version.spec().task(ti.getTaskId());
            metrics.taskClaimed(run.get(DAG_RUN.DAG_ID), ti.getTaskId(), between(ti.getQueuedAt(), ti.getStartedAt()));
            Map<String, String> upstream = new LinkedHashMap<>();
            for (String up : upstreamOf.get(i)) {
                List<String> values = ofRun.getOrDefault(up, List.of());
                if (version.spec().task(up).expand() != null) {
                    upstream.put(up, "[" + String.join(",", values) + "]");
                } else if (!values.isEmpty()) {
                    upstream.put(up, values.getFirst());
                }
            }
            tasks.add(new ClaimedTask(ti.getId(), ti.getAttempt(), run.get(DAG_RUN.DAG_ID), version.hash(),
                    run.get(DAG_RUN.RUN_ID), ti.getTaskId(), ti.getMapIndex(),
                    ti.getMapItem() == null ? "" : ti.getMapItem().data(),
                    sealed.open(version.spec().params(), run.get(DAG_RUN.PARAMS).data()), upstream,
                    task.executionTimeoutMs(), ti.getGpuCount(), ti.getGpuMemoryMb(),
                    IsolationSpec.taskKind(task.isolation()), DagSpecJson.toJson(task),
                    toInstant(run.get(DAG_RUN.LOGICAL_DATE)), toInstant(run.get(DAG_RUN.DATA_INTERVAL_START)),
                    run.get(DAG_RUN.TRACEPARENT),
                    fired.getOrDefault(ti.getId(), List.of())));
        }
        return tasks;
    }

    /** The triggers each claimed attempt deferred on and that fired, in the order it deferred: one query for the claim. */
    private static Map<Long, List<ClaimedTask.FiredTrigger>> firedTriggers(DSLContext db,
                                                                           List<TaskInstanceRecord> claimed) {
        Map<Long, List<ClaimedTask.FiredTrigger>> fired = new HashMap<>();
        db.select(TASK_TRIGGER.TASK_INSTANCE_ID, TASK_TRIGGER.KIND, TASK_TRIGGER.EVENT).from(TASK_TRIGGER)
                .where(DSL.row(TASK_TRIGGER.TASK_INSTANCE_ID, TASK_TRIGGER.ATTEMPT).in(claimed.stream()
                        .map(ti -> DSL.row(ti.getId(), ti.getAttempt())).toList()))
                .and(TASK_TRIGGER.FIRED_AT.isNotNull())
                .orderBy(TASK_TRIGGER.ID)
                .forEach(r -> fired.computeIfAbsent(r.value1(), k -> new ArrayList<>())
                        .add(new ClaimedTask.FiredTrigger(r.value2(), r.value3().data())));
        return fired;
    }

    /**
     * Whether a mapped task's instance can do without {@code upstream}'s output: it expands over that
     * (unmapped) task's list and gets its own element as the map item. Sending the whole list with each
     * of ten thousand instances was most of fan-out's cost; a task that still reads it asks for it
     * through GetXCom.
     */
    private static boolean expandsOverWholeOutput(DagSpec spec, TaskSpec task, String upstream) {
        return task.expand() != null && MapSpec.TASK.equals(task.expand().source())
                && task.expand().name().equals(upstream) && spec.task(upstream).expand() == null;
    }

    /**
     * The claim set the heartbeat moments ago, so a start right after it needs only the fencing check:
     * reading spares task_instance a new row version and an entry in each of its indexes (the heartbeat
     * column is indexed). A late start still counts as a heartbeat.
     */
    @Override
    public ReportOutcome startTask(TaskAttempt attempt) {
        OffsetDateTime lastHeartbeat = dsl.select(TASK_INSTANCE.LAST_HEARTBEAT_AT).from(TASK_INSTANCE)
                .where(isCurrent(attempt)).fetchOptional(TASK_INSTANCE.LAST_HEARTBEAT_AT).orElse(null);
        if (lastHeartbeat == null) {
            return ReportOutcome.STALE;
        }
        return lastHeartbeat.toInstant().isAfter(clock.instant().minus(FRESH_HEARTBEAT)) ? ReportOutcome.ACCEPTED
                : heartbeat(attempt);
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
    public List<String> secretParamValues(long taskInstanceId) {
        return dsl.select(DAG_RUN.PARAMS, DAG_RUN.DAG_VERSION_ID).from(DAG_RUN)
                .join(TASK_INSTANCE).on(TASK_INSTANCE.DAG_RUN_ID.eq(DAG_RUN.ID))
                .where(TASK_INSTANCE.ID.eq(taskInstanceId))
                .fetchOptional(r -> {
                    List<dev.gale.sdk.spec.ParamSpec> declared = version(dsl, r.value2()).spec().params();
                    if (declared.stream().noneMatch(dev.gale.sdk.spec.ParamSpec::secret)) {
                        return List.<String>of();
                    }
                    Map<String, Object> params = PARAMS_JSON.readValue(sealed.open(declared, r.value1().data()),
                            new tools.jackson.core.type.TypeReference<Map<String, Object>>() { });
                    return dev.gale.sdk.SecretParams.values(declared, params);
                })
                .orElse(List.of());
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
    public Optional<AttemptIdentity> attemptIdentity(TaskAttempt attempt) {
        return dsl.select(DAG_RUN.DAG_ID, DAG_RUN.RUN_ID, TASK_INSTANCE.TASK_ID, TASK_INSTANCE.MAP_INDEX,
                        TASK_INSTANCE.WORKER_ID, TASK_INSTANCE.STATE)
                .from(TASK_INSTANCE).join(DAG_RUN).on(DAG_RUN.ID.eq(TASK_INSTANCE.DAG_RUN_ID))
                .where(TASK_INSTANCE.ID.eq(attempt.taskInstanceId()))
                .fetchOptional(r -> new AttemptIdentity(r.value1(), r.value2(), r.value3(), r.value4(),
                        attempt.attempt(), r.value5(), r.value6()));
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
    public Optional<RunningTask> runningTask(TaskAttempt attempt) {
        return dsl.select(TASK_INSTANCE.TASK_ID, TASK_INSTANCE.MAP_INDEX, TASK_INSTANCE.WORKER_ID, DAG_RUN.DAG_ID,
                        DAG_RUN.RUN_ID, DAG_RUN.CONF, DAG_RUN.DAG_VERSION_ID)
                .from(TASK_INSTANCE).join(DAG_RUN).on(DAG_RUN.ID.eq(TASK_INSTANCE.DAG_RUN_ID))
                .where(isCurrent(attempt))
                .fetchOptional(r -> {
                    DagVersion version = version(dsl, r.value7());
                    return new RunningTask(attempt, r.value4(), version.versionNumber(), r.value5(), r.value1(),
                            r.value2(), r.value3(), version.spec().task(r.value1()), r.value6().data());
                });
    }

    @Override
    public Optional<TaskInstanceView> findTaskInstance(String runId, String taskId, int mapIndex) {
        return dsl.select(TASK_INSTANCE.asterisk()).from(TASK_INSTANCE)
                .join(DAG_RUN).on(DAG_RUN.ID.eq(TASK_INSTANCE.DAG_RUN_ID))
                .where(DAG_RUN.RUN_ID.eq(runId), TASK_INSTANCE.TASK_ID.eq(taskId), TASK_INSTANCE.MAP_INDEX.eq(mapIndex))
                .fetchOptional(r -> JooqRunHistory.toView(r.into(TASK_INSTANCE)));
    }

    @Override
    public ReportOutcome completeTask(TaskAttempt attempt, String outputJson,
                                      Function<RunSnapshot, Decision> decide) {
        return completions.apply(new Completion(attempt, outputJson, decide));
    }

    /**
     * Records successful attempts (one, or a batch that arrived together) in a few statements for the
     * whole batch: the runs are locked (in id order) and their instances updated, recorded and given
     * their outputs together, and each run that needs it is decided once, after all of its completions,
     * which yields the same states as deciding after each because a decision depends only on the
     * states it sees. An attempt that is no longer the running one is answered STALE.
     */
    private List<ReportOutcome> completeTogether(DSLContext db, List<Completion> batch) {
        Set<Long> ids = batch.stream().map(c -> c.attempt().taskInstanceId()).collect(Collectors.toSet());
        Map<Long, DagRunRecord> runs = new LinkedHashMap<>();
        db.selectFrom(DAG_RUN)
                .where(DAG_RUN.ID.in(DSL.select(TASK_INSTANCE.DAG_RUN_ID).from(TASK_INSTANCE)
                        .where(TASK_INSTANCE.ID.in(ids))))
                .orderBy(DAG_RUN.ID)
                .forUpdate()
                .forEach(r -> runs.put(r.getId(), r));
        Map<TaskAttempt, TaskInstanceRecord> completed = new HashMap<>();
        db.update(TASK_INSTANCE)
                .set(TASK_INSTANCE.STATE, TaskInstanceState.SUCCESS.wireName())
                .set(TASK_INSTANCE.ENDED_AT, now())
                .where(DSL.row(TASK_INSTANCE.ID, TASK_INSTANCE.ATTEMPT).in(batch.stream()
                                .map(c -> DSL.row(c.attempt().taskInstanceId(), c.attempt().attempt())).toList()),
                        TASK_INSTANCE.STATE.eq(TaskInstanceState.RUNNING.wireName()))
                .returning().fetch()
                .forEach(ti -> completed.put(new TaskAttempt(ti.getId(), ti.getAttempt()), ti));
        List<ReportOutcome> outcomes = new ArrayList<>(batch.size());
        Map<Long, String> outputs = new LinkedHashMap<>();
        Map<Long, Completion> decideRuns = new LinkedHashMap<>();
        List<TaskInstanceRecord> accepted = new ArrayList<>();
        Map<Completion, String> badBranches = new LinkedHashMap<>();
        for (Completion c : batch) {
            TaskInstanceRecord ti = completed.remove(c.attempt());
            // A second report of the same attempt in one batch is stale, as it would be after the first.
            if (ti == null || !runs.containsKey(ti.getDagRunId())) {
                outcomes.add(ReportOutcome.STALE);
                continue;
            }
            outcomes.add(ReportOutcome.ACCEPTED);
            Optional<String> badBranch = branchProblem(db, runs.get(ti.getDagRunId()), ti, c.outputJson());
            if (badBranch.isPresent()) {
                badBranches.put(c, badBranch.get());
                continue;
            }
            accepted.add(ti);
            outputs.put(ti.getId(), c.outputJson() == null || c.outputJson().isBlank() ? "null" : c.outputJson());
            decideRuns.putIfAbsent(ti.getDagRunId(), c);
        }
        // Recorded as the failure it is: back to running, inside this transaction, for the failure path.
        badBranches.forEach((c, problem) -> {
            db.update(TASK_INSTANCE).set(TASK_INSTANCE.STATE, TaskInstanceState.RUNNING.wireName())
                    .setNull(TASK_INSTANCE.ENDED_AT).where(TASK_INSTANCE.ID.eq(c.attempt().taskInstanceId())).execute();
            failInTransaction(db, c.attempt(), problem, true, clock.instant(), c.decide());
        });
        if (accepted.isEmpty()) {
            return outcomes;
        }
        recordEndedAttempts(db, TASK_INSTANCE.ID.in(outputs.keySet()));
        accepted.forEach(ti -> metrics.attemptEnded(runs.get(ti.getDagRunId()).getDagId(), ti.getTaskId(),
                TaskInstanceState.SUCCESS, between(ti.getStartedAt(), ti.getEndedAt())));
        var insert = db.insertInto(XCOM, XCOM.TASK_INSTANCE_ID, XCOM.KEY, XCOM.VALUE);
        for (var output : outputs.entrySet()) {
            insert = insert.values(output.getKey(), RETURN_VALUE, JSONB.valueOf(output.getValue()));
        }
        insert.onConflict(XCOM.TASK_INSTANCE_ID, XCOM.KEY).doUpdate().set(XCOM.VALUE, DSL.excluded(XCOM.VALUE))
                .execute();
        // Which mapped tasks of these runs still have unfinished instances, in one query for the batch.
        Set<Row2<Long, String>> mapped = accepted.stream().filter(ti -> ti.getMapIndex() >= 0)
                .map(ti -> DSL.row(ti.getDagRunId(), ti.getTaskId())).collect(Collectors.toSet());
        Set<String> unfinished = new HashSet<>();
        if (!mapped.isEmpty()) {
            db.selectDistinct(TASK_INSTANCE.DAG_RUN_ID, TASK_INSTANCE.TASK_ID).from(TASK_INSTANCE)
                    .where(DSL.row(TASK_INSTANCE.DAG_RUN_ID, TASK_INSTANCE.TASK_ID).in(mapped),
                            TASK_INSTANCE.STATE.notIn(FINISHED))
                    .forEach(r -> unfinished.add(r.value1() + "/" + r.value2()));
        }
        Set<Long> toDecide = new HashSet<>();
        boolean promote = false;
        for (TaskInstanceRecord ti : accepted) {
            DagSpec spec = version(db, runs.get(ti.getDagRunId()).getDagVersionId()).spec();
            boolean siblingsUnfinished = ti.getMapIndex() >= 0
                    && unfinished.contains(ti.getDagRunId() + "/" + ti.getTaskId());
            if (!RunDecider.decisionUnchanged(spec, ti.getTaskId(), TaskInstanceState.SUCCESS, siblingsUnfinished)) {
                toDecide.add(ti.getDagRunId());
            }
            promote |= RunDecider.isLimited(spec.task(ti.getTaskId()), spec);
        }
        decideRuns.forEach((runId, c) -> {
            if (toDecide.contains(runId)) {
                DagRunRecord run = runs.get(runId);
                decisions.apply(db, run, version(db, run.getDagVersionId()).spec(), c.decide());
            }
        });
        if (promote) {
            decisions.promoteScheduled(db);
        }
        return outcomes;
    }

    private Optional<String> branchProblem(DSLContext db, DagRunRecord run, TaskInstanceRecord ti, String outputJson) {
        DagSpec spec = version(db, run.getDagVersionId()).spec();
        return spec.task(ti.getTaskId()).branch() ? BranchOutputs.problem(spec, ti.getTaskId(), outputJson)
                : Optional.empty();
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
        TaskSpec task = spec.task(ti.getTaskId());
        RetryPolicy.AfterFailure after = RetryPolicy.afterFailure(task, ti.getAttempt(), noRetry, now);
        ti.setState(after.state().wireName());
        ti.setError(error);
        ti.setEndedAt(toOffset(now));
        ti.setRetryAt(toOffset(after.retryAt()));
        ti.store();
        recordEndedAttempts(db, TASK_INSTANCE.ID.eq(ti.getId()));
        metrics.attemptEnded(run.getDagId(), ti.getTaskId(), after.state(), between(ti.getStartedAt(), ti.getEndedAt()));
        if (after.state() == TaskInstanceState.FAILED) {
            decisions.apply(db, run, spec, decide);
        }
        if (RunDecider.isLimited(task, spec)) {
            decisions.promoteScheduled(db);
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
            RunDecisions.notifyQueued(db, queue);
            return ReportOutcome.ACCEPTED;
        });
    }

    @Override
    public int requeueDueRetries(Instant now) {
        return dsl.transactionResult(tx -> {
            DSLContext db = tx.dsl();
            var due = db.select(TASK_INSTANCE.ID, TASK_INSTANCE.TASK_ID, TASK_INSTANCE.QUEUE, DAG_RUN.DAG_VERSION_ID)
                    .from(TASK_INSTANCE).join(DAG_RUN).on(DAG_RUN.ID.eq(TASK_INSTANCE.DAG_RUN_ID))
                    .where(TASK_INSTANCE.STATE.eq(TaskInstanceState.UP_FOR_RETRY.wireName()),
                            TASK_INSTANCE.RETRY_AT.le(toOffset(now)))
                    .limit(1_000)
                    .forUpdate().of(TASK_INSTANCE).skipLocked()
                    .fetch();
            List<Long> queued = new ArrayList<>();
            List<Long> scheduled = new ArrayList<>();
            Set<String> queues = new HashSet<>();
            for (var r : due) {
                DagSpec spec = version(db, r.value4()).spec();
                if (RunDecider.isLimited(spec.task(r.value2()), spec)) {
                    scheduled.add(r.value1());
                } else {
                    queued.add(r.value1());
                    queues.add(r.value3());
                }
            }
            requeue(db, queued, TaskInstanceState.QUEUED, now);
            requeue(db, scheduled, TaskInstanceState.SCHEDULED, now);
            queues.forEach(queue -> RunDecisions.notifyQueued(db, queue));
            if (!scheduled.isEmpty()) {
                decisions.promoteScheduled(db);
            }
            return due.size();
        });
    }

    private static void requeue(DSLContext db, List<Long> ids, TaskInstanceState state, Instant now) {
        if (ids.isEmpty()) {
            return;
        }
        db.update(TASK_INSTANCE)
                .set(TASK_INSTANCE.STATE, state.wireName())
                .set(TASK_INSTANCE.QUEUED_AT, toOffset(now))
                .set(TASK_INSTANCE.RETRY_AT, (OffsetDateTime) null)
                .where(TASK_INSTANCE.ID.in(ids))
                .execute();
    }

    @Override
    public int failAttemptsWithoutHeartbeat(Instant now, Duration timeout, Function<RunSnapshot, Decision> decide) {
        List<TaskAttempt> expired = dsl.select(TASK_INSTANCE.ID, TASK_INSTANCE.ATTEMPT).from(TASK_INSTANCE)
                .where(TASK_INSTANCE.STATE.eq(TaskInstanceState.RUNNING.wireName()),
                        TASK_INSTANCE.LAST_HEARTBEAT_AT.lt(toOffset(now.minus(timeout))))
                .limit(1000)
                .fetch(r -> new TaskAttempt(r.value1(), r.value2()));
        return failEach(expired, now, "no heartbeat from its worker for " + timeout.toSeconds()
                + " s; the worker is presumed dead", decide);
    }

    @Override
    public int failTimedOutAttempts(Instant now, Function<RunSnapshot, Decision> decide) {
        List<TaskAttempt> timedOut = new ArrayList<>();
        Map<TaskAttempt, Long> limits = new HashMap<>();
        dsl.select(TASK_INSTANCE.ID, TASK_INSTANCE.ATTEMPT, TASK_INSTANCE.STARTED_AT, TASK_INSTANCE.EXECUTION_TIMEOUT_MS)
                .from(TASK_INSTANCE)
                .where(TASK_INSTANCE.STATE.eq(TaskInstanceState.RUNNING.wireName()),
                        TASK_INSTANCE.EXECUTION_TIMEOUT_MS.isNotNull())
                .forEach(r -> {
                    if (r.value3().toInstant().plusMillis(r.value4()).isBefore(now)) {
                        TaskAttempt attempt = new TaskAttempt(r.value1(), r.value2());
                        timedOut.add(attempt);
                        limits.put(attempt, r.value4());
                    }
                });
        int failed = 0;
        for (TaskAttempt attempt : timedOut) {
            failed += failEach(List.of(attempt), now, "timed out after its execution timeout of "
                    + Duration.ofMillis(limits.get(attempt)), decide);
        }
        return failed;
    }

    private int failEach(List<TaskAttempt> attempts, Instant now, String error,
                         Function<RunSnapshot, Decision> decide) {
        int failed = 0;
        for (TaskAttempt attempt : attempts) {
            ReportOutcome outcome = dsl.transactionResult(tx -> failInTransaction(tx.dsl(), attempt, error, false,
                    now, decide));
            if (outcome == ReportOutcome.ACCEPTED) {
                failed++;
                attemptIdentity(attempt).ifPresent(failedAttempt -> {
                    try (TaskLogMdc mdc = TaskLogMdc.of(failedAttempt)) {
                        log.warn("Failed attempt {} of {}.{} ({} now): {}", attempt.attempt(), failedAttempt.dagId(),
                                failedAttempt.taskId(), failedAttempt.state(), error);
                    }
                });
            }
        }
        return failed;
    }

    @Override
    public void startQueuedRuns(Function<RunSnapshot, Decision> decide) {
        var waiting = dsl.selectDistinct(DAG_RUN.DAG_ID, DAG_RUN.DAG_VERSION_ID).from(DAG_RUN)
                .where(DAG_RUN.STATE.eq(DagRunState.QUEUED.wireName())).fetch();
        for (var r : waiting) {
            DagSpec spec = version(dsl, r.value2()).spec();
            if (spec.maxActiveRuns() != null) {
                dsl.transaction(tx -> decisions.startQueuedRuns(tx.dsl(), r.value1(), spec.maxActiveRuns(), decide));
            }
        }
    }

    @Override
    public void queueScheduledTasks() {
        dsl.transaction(tx -> decisions.promoteScheduled(tx.dsl()));
    }

    @Override
    public void definePools(Map<String, Integer> slotsByPool) {
        dsl.transaction(tx -> slotsByPool.forEach((name, slots) -> tx.dsl().insertInto(POOL, POOL.NAME, POOL.SLOTS)
                .values(name, slots).onConflict(POOL.NAME).doUpdate().set(POOL.SLOTS, slots).execute()));
    }

    @Override
    public void registerWorker(WorkerRegistration worker) {
        JooqWorkers.upsert(dsl, worker);
    }

    @Override
    public Optional<String> workerIncarnation(String workerId) {
        return dsl.select(WORKER.INCARNATION).from(WORKER).where(WORKER.WORKER_ID.eq(workerId))
                .fetchOptional(WORKER.INCARNATION).filter(incarnation -> !incarnation.isEmpty());
    }

    @Override
    public Optional<WorkerView> registeredWorker(String workerId) {
        return JooqWorkers.find(dsl, workerId);
    }

    @Override
    public int releaseAttemptsOf(String workerId, String reason, Instant now, Function<RunSnapshot, Decision> decide) {
        List<TaskAttempt> held = dsl.select(TASK_INSTANCE.ID, TASK_INSTANCE.ATTEMPT).from(TASK_INSTANCE)
                .where(TASK_INSTANCE.STATE.eq(TaskInstanceState.RUNNING.wireName()),
                        TASK_INSTANCE.WORKER_ID.eq(workerId))
                .fetch(r -> new TaskAttempt(r.value1(), r.value2()));
        return failEach(held, now, reason, decide);
    }

    @Override
    public Optional<TaskInstanceState> endedAttemptState(TaskAttempt attempt) {
        return dsl.select(TASK_ATTEMPT.STATE).from(TASK_ATTEMPT)
                .where(TASK_ATTEMPT.TASK_INSTANCE_ID.eq(attempt.taskInstanceId()),
                        TASK_ATTEMPT.ATTEMPT.eq(attempt.attempt()))
                .fetchOptional(r -> TaskInstanceState.fromWireName(r.value1()));
    }

    @Override
    public void workersSeen(List<String> workerIds, Instant now) {
        JooqWorkers.seen(dsl, workerIds, now);
    }

    @Override
    public void workerDisconnected(String workerId, Instant now) {
        JooqWorkers.disconnected(dsl, workerId, now);
    }

    @Override
    public List<WorkerView> connectedWorkers(Instant seenSince) {
        return JooqWorkers.connected(dsl, seenSince);
    }

    @Override
    public int reviewGpuWaits(Instant now, Instant seenSince, Duration timeout, Function<RunSnapshot, Decision> decide) {
        KindRouting.reviewWaits(dsl, seenSince, now);
        List<WorkerOffer> connected = connectedWorkers(seenSince).stream().map(WorkerView::offer).toList();
        var waiting = dsl.select(TASK_INSTANCE.ID, TASK_INSTANCE.QUEUE, TASK_INSTANCE.GPU_COUNT,
                        TASK_INSTANCE.GPU_MEMORY_MB, TASK_INSTANCE.WAITING_REASON, TASK_INSTANCE.WAITING_SINCE)
                .from(TASK_INSTANCE)
                .where(TASK_INSTANCE.STATE.eq(TaskInstanceState.QUEUED.wireName()), TASK_INSTANCE.GPU_COUNT.gt(0))
                .limit(1_000)
                .fetch();
        int failed = 0;
        for (var r : waiting) {
            Optional<String> reason = GpuPlacement.unplaceable(r.value2(), r.value3(), r.value4(), connected);
            var stillQueued = TASK_INSTANCE.ID.eq(r.value1()).and(TASK_INSTANCE.STATE.eq(
                    TaskInstanceState.QUEUED.wireName()));
            if (reason.isEmpty()) {
                if (r.value5() != null) {
                    dsl.update(TASK_INSTANCE).set(TASK_INSTANCE.WAITING_REASON, (String) null)
                            .set(TASK_INSTANCE.WAITING_SINCE, (OffsetDateTime) null).where(stillQueued).execute();
                }
            } else if (r.value6() == null) {
                dsl.update(TASK_INSTANCE).set(TASK_INSTANCE.WAITING_REASON, reason.get())
                        .set(TASK_INSTANCE.WAITING_SINCE, toOffset(now)).where(stillQueued).execute();
            } else if (!r.value6().toInstant().plus(timeout).isAfter(now)) {
                String error = "no connected worker could run it for " + timeout.toSeconds() + " s (the GPU wait"
                        + " timeout): " + reason.get();
                if (dsl.transactionResult(tx -> failQueued(tx.dsl(), r.value1(), error, now, decide))) {
                    failed++;
                }
            } else if (!reason.get().equals(r.value5())) {
                dsl.update(TASK_INSTANCE).set(TASK_INSTANCE.WAITING_REASON, reason.get()).where(stillQueued).execute();
            }
        }
        return failed;
    }

    @Override
    public boolean failDeferred(long taskInstanceId, String error, Instant now, Function<RunSnapshot, Decision> decide) {
        return dsl.transactionResult(tx -> {
            // The trigger row first, as a firing trigger takes it before the instance: no deadlock between them.
            if (!new JooqDeferrals(tx.dsl()).disarm(taskInstanceId, now)) {
                return false;
            }
            return failWaiting(tx.dsl(), taskInstanceId, TaskInstanceState.DEFERRED, error, now, decide);
        });
    }

    /** Fails a queued task instance that never ran, without retry, and decides what follows in its run. */
    private boolean failQueued(DSLContext db, long taskInstanceId, String error, Instant now,
                               Function<RunSnapshot, Decision> decide) {
        return failWaiting(db, taskInstanceId, TaskInstanceState.QUEUED, error, now, decide);
    }

    /** Fails a task instance that holds no worker (queued or deferred), without retry, and decides its run. */
    private boolean failWaiting(DSLContext db, long taskInstanceId, TaskInstanceState waiting, String error,
                                Instant now, Function<RunSnapshot, Decision> decide) {
        DagRunRecord run = lockRunOf(db, taskInstanceId);
        if (run == null) {
            return false;
        }
        int updated = db.update(TASK_INSTANCE)
                .set(TASK_INSTANCE.STATE, TaskInstanceState.FAILED.wireName())
                .set(TASK_INSTANCE.ERROR, error)
                .set(TASK_INSTANCE.ENDED_AT, toOffset(now))
                .where(TASK_INSTANCE.ID.eq(taskInstanceId), TASK_INSTANCE.STATE.eq(waiting.wireName()))
                .execute();
        if (updated == 0) {
            return false;
        }
        if (waiting == TaskInstanceState.DEFERRED) {
            recordEndedAttempts(db, TASK_INSTANCE.ID.eq(taskInstanceId));
        }
        DagSpec spec = version(db, run.getDagVersionId()).spec();
        decisions.apply(db, run, spec, decide);
        String taskId = db.select(TASK_INSTANCE.TASK_ID).from(TASK_INSTANCE).where(TASK_INSTANCE.ID.eq(taskInstanceId))
                .fetchOne(TASK_INSTANCE.TASK_ID);
        if (RunDecider.isLimited(spec.task(taskId), spec)) {
            decisions.promoteScheduled(db);
        }
        return true;
    }

    /** Copies attempts that just ended into the attempt history; the task instance row moves on to the next. */
    /** Zero when either end is unknown (an instance never claimed has no start). */
    private static Duration between(OffsetDateTime from, OffsetDateTime to) {
        return from == null || to == null ? Duration.ZERO : Duration.between(from, to);
    }

    private static void recordEndedAttempts(DSLContext db, Condition which) {
        db.insertInto(TASK_ATTEMPT, TASK_ATTEMPT.TASK_INSTANCE_ID, TASK_ATTEMPT.ATTEMPT, TASK_ATTEMPT.STATE,
                        TASK_ATTEMPT.WORKER_ID, TASK_ATTEMPT.ERROR, TASK_ATTEMPT.STARTED_AT, TASK_ATTEMPT.ENDED_AT)
                .select(DSL.select(TASK_INSTANCE.ID, TASK_INSTANCE.ATTEMPT, TASK_INSTANCE.STATE, TASK_INSTANCE.WORKER_ID,
                                TASK_INSTANCE.ERROR, TASK_INSTANCE.STARTED_AT, TASK_INSTANCE.ENDED_AT)
                        .from(TASK_INSTANCE).where(which))
                .onConflictDoNothing()
                .execute();
    }

    private static DagRunRecord lockRun(DSLContext db, String dagId, String runId) {
        return db.selectFrom(DAG_RUN).where(DAG_RUN.DAG_ID.eq(dagId), DAG_RUN.RUN_ID.eq(runId)).forUpdate().fetchOne();
    }

    /** Locks the run of a task instance: every change to a run's task states takes this lock first. */
    private DagRunRecord lockRunOf(DSLContext db, long taskInstanceId) {
        return db.selectFrom(DAG_RUN)
                .where(DAG_RUN.ID.eq(DSL.select(TASK_INSTANCE.DAG_RUN_ID).from(TASK_INSTANCE)
                        .where(TASK_INSTANCE.ID.eq(taskInstanceId))))
                .forUpdate().fetchOne();
    }

    private static Condition isCurrent(TaskAttempt attempt) {
        return TASK_INSTANCE.ID.eq(attempt.taskInstanceId())
                .and(TASK_INSTANCE.ATTEMPT.eq(attempt.attempt()))
                .and(TASK_INSTANCE.STATE.eq(TaskInstanceState.RUNNING.wireName()));
    }

    private DagVersion version(DSLContext db, long versionId) {
        return versions.get(versionId, id -> toVersion(db.selectFrom(DAG_VERSION).where(DAG_VERSION.ID.eq(id))
                .fetchOne()));
    }

    static DagVersion toVersion(DagVersionRecord r) {
        return new DagVersion(r.getId(), r.getDagId(), r.getVersionNumber(), r.getHash(),
                DagSpecJson.fromJson(r.getSpec().data()), r.getCreatedAt().toInstant());
    }

    static DagRunView toRunView(DagRunRecord r, int versionNumber) {
        return new DagRunView(r.getId(), r.getRunId(), r.getDagId(), versionNumber, r.getRunType(),
                DagRunState.fromWireName(r.getState()), r.getConf().data(),
                r.getResult() == null ? null : r.getResult().data(), r.getError(), r.getNote(),
                toInstant(r.getLogicalDate()),
                toInstant(r.getQueuedAt()), toInstant(r.getStartedAt()), toInstant(r.getEndedAt()));
    }

    private OffsetDateTime now() {
        return toOffset(clock.instant());
    }

    static OffsetDateTime toOffset(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    static Instant toInstant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
