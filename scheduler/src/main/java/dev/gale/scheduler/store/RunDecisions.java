package dev.gale.scheduler.store;

import static dev.gale.scheduler.store.jooq.Tables.DAG_RUN;
import static dev.gale.scheduler.store.jooq.Tables.POOL;
import static dev.gale.scheduler.store.jooq.Tables.TASK_INSTANCE;
import static dev.gale.scheduler.store.jooq.Tables.XCOM;

import dev.gale.scheduler.engine.DagRunState;
import dev.gale.scheduler.engine.Decision;
import dev.gale.scheduler.engine.Queueing;
import dev.gale.scheduler.engine.RunDecider;
import dev.gale.scheduler.engine.RunSnapshot;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.engine.TaskStates;
import dev.gale.scheduler.service.DagRunView;
import dev.gale.scheduler.service.DagVersion;
import dev.gale.scheduler.service.SchedulerMetrics;
import dev.gale.scheduler.store.jooq.tables.records.DagRunRecord;
import dev.gale.scheduler.store.jooq.tables.records.TaskInstanceRecord;
import dev.gale.sdk.SecretParams;
import dev.gale.sdk.spec.DagSpec;
import dev.gale.sdk.spec.IsolationSpec;
import dev.gale.sdk.spec.MapSpec;
import dev.gale.sdk.spec.ParamSpec;
import dev.gale.sdk.spec.TaskSpec;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.impl.DSL;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Applies the engine's decisions to a run inside the caller's transaction (which holds the run's
 * row lock): state changes, the expansion of mapped tasks, queueing under pool and DAG limits, and
 * starting runs that waited for {@code maxActiveRuns}.
 */
final class RunDecisions {
    static final String RETURN_VALUE = "return_value";
    /** Pools a task names without configuring them get the size of Airflow's default pool. */
    static final int DEFAULT_POOL_SLOTS = 128;
    private static final int INSERT_CHUNK = 2_000;
    private static final long QUEUEING_LOCK = 0x6761_6c65_7175_6575L;
    private static final List<String> ACTIVE = List.of(TaskInstanceState.QUEUED.wireName(),
            TaskInstanceState.RUNNING.wireName());

    private final LongFunction<DagSpec> specOfVersion;
    private final Supplier<OffsetDateTime> now;
    private final JsonMapper json = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Object>> PARAMS = new TypeReference<>() { };

    private final SealedParams sealed;
    private final SchedulerMetrics metrics;

    /** @param metrics told of runs that start and end; the caller holds the reports back until its commit */
    RunDecisions(LongFunction<DagSpec> specOfVersion, Supplier<OffsetDateTime> now, SealedParams sealed,
                 SchedulerMetrics metrics) {
        this.specOfVersion = specOfVersion;
        this.now = now;
        this.sealed = sealed;
        this.metrics = metrics;
    }

    /** Decides and applies until nothing changes; expansions need a second look at what follows them. */
    /**
     * Sets an ended run going again after some of its task instances were reset (a clear, a mark), decides
     * what is ready now, and returns the run as the API shows it.
     */
    DagRunView reopen(DSLContext db, DagRunRecord run, DagVersion version, Function<RunSnapshot, Decision> decide) {
        run.setState(DagRunState.RUNNING.wireName());
        run.setEndedAt(null);
        run.setError(null);
        run.setResult(null);
        run.store();
        apply(db, run, version.spec(), decide);
        return JooqSchedulerStore.toRunView(run, version.versionNumber());
    }

    void apply(DSLContext db, DagRunRecord run, DagSpec spec, Function<RunSnapshot, Decision> decide) {
        boolean promote = false;
        for (int round = 0; round <= spec.tasks().size(); round++) {
            DagRunState before = DagRunState.fromWireName(run.getState());
            Decision decision = decide.apply(snapshot(db, run, spec));
            promote |= applyTransitions(db, run, spec, decision.transitions());
            for (String taskId : decision.expand()) {
                promote |= expand(db, run, spec, spec.task(taskId));
            }
            updateRunState(db, run, spec, before, decision.runState(), decide);
            if (decision.expand().isEmpty()) {
                break;
            }
        }
        if (promote) {
            promoteScheduled(db);
        }
    }

    RunSnapshot snapshot(DSLContext db, DagRunRecord run, DagSpec spec) {
        Map<String, Map<TaskInstanceState, Integer>> counts = new HashMap<>();
        db.select(TASK_INSTANCE.TASK_ID, TASK_INSTANCE.STATE, DSL.count()).from(TASK_INSTANCE)
                .where(TASK_INSTANCE.DAG_RUN_ID.eq(run.getId()))
                .groupBy(TASK_INSTANCE.TASK_ID, TASK_INSTANCE.STATE)
                .forEach(r -> counts.computeIfAbsent(r.value1(), k -> new EnumMap<>(TaskInstanceState.class))
                        .put(TaskInstanceState.fromWireName(r.value2()), r.value3()));
        Map<String, TaskStates> tasks = new HashMap<>();
        counts.forEach((task, c) -> tasks.put(task, new TaskStates(c)));
        List<String> branches = spec.tasks().stream().filter(TaskSpec::branch).map(TaskSpec::taskId)
                .filter(id -> tasks.containsKey(id) && tasks.get(id).count(TaskInstanceState.SUCCESS) > 0).toList();
        Map<String, List<String>> choices = new HashMap<>();
        if (!branches.isEmpty()) {
            db.select(TASK_INSTANCE.TASK_ID, XCOM.VALUE).from(XCOM)
                    .join(TASK_INSTANCE).on(TASK_INSTANCE.ID.eq(XCOM.TASK_INSTANCE_ID))
                    .where(TASK_INSTANCE.DAG_RUN_ID.eq(run.getId()), TASK_INSTANCE.TASK_ID.in(branches),
                            XCOM.KEY.eq(RETURN_VALUE))
                    .forEach(r -> choices.put(r.value1(),
                            stringList(BranchOutputs.chosen(json.readTree(r.value2().data())))));
        }
        return new RunSnapshot(spec, DagRunState.fromWireName(run.getState()), tasks, choices);
    }

    /** Returns whether an instance became scheduled, so that queueing must run. */
    private boolean applyTransitions(DSLContext db, DagRunRecord run, DagSpec spec,
                                     List<Decision.TaskTransition> transitions) {
        Map<TaskInstanceState, List<String>> byTarget = transitions.stream()
                .collect(Collectors.groupingBy(Decision.TaskTransition::to,
                        Collectors.mapping(Decision.TaskTransition::taskId, Collectors.toList())));
        OffsetDateTime at = now.get();
        byTarget.forEach((state, taskIds) -> {
            var update = db.update(TASK_INSTANCE).set(TASK_INSTANCE.STATE, state.wireName());
            update = state == TaskInstanceState.QUEUED || state == TaskInstanceState.SCHEDULED
                    ? update.set(TASK_INSTANCE.QUEUED_AT, at) : update.set(TASK_INSTANCE.ENDED_AT, at);
            update.where(TASK_INSTANCE.DAG_RUN_ID.eq(run.getId()), TASK_INSTANCE.TASK_ID.in(taskIds),
                    TASK_INSTANCE.STATE.eq(TaskInstanceState.NONE.wireName())).execute();
        });
        List<String> queued = byTarget.getOrDefault(TaskInstanceState.QUEUED, List.of());
        queued.stream().map(id -> spec.task(id).queue()).distinct().forEach(q -> notifyQueued(db, q));
        return byTarget.containsKey(TaskInstanceState.SCHEDULED);
    }

    /**
     * Creates one instance of a mapped task per element of its list: the waiting instance becomes
     * element 0. An empty list skips the task; a value that is not a list fails it, saying so.
     */
    private boolean expand(DSLContext db, DagRunRecord run, DagSpec spec, TaskSpec task) {
        TaskInstanceRecord placeholder = db.selectFrom(TASK_INSTANCE)
                .where(TASK_INSTANCE.DAG_RUN_ID.eq(run.getId()), TASK_INSTANCE.TASK_ID.eq(task.taskId()),
                        TASK_INSTANCE.MAP_INDEX.eq(-1), TASK_INSTANCE.STATE.eq(TaskInstanceState.NONE.wireName()))
                .forUpdate().fetchOne();
        if (placeholder == null) {
            return false;
        }
        JsonNode list = mapSource(db, run, spec, task.expand());
        OffsetDateTime at = now.get();
        if (list == null || !list.isArray()) {
            placeholder.setState(TaskInstanceState.FAILED.wireName());
            placeholder.setError("task '" + task.taskId() + "' maps over " + describe(task.expand())
                    + ", which is not a list (got " + (list == null ? "nothing" : list.getNodeType().name().toLowerCase())
                    + "); make it return or hold a JSON array");
            placeholder.setEndedAt(at);
            placeholder.store();
            return false;
        }
        if (list.isEmpty()) {
            placeholder.setState(TaskInstanceState.SKIPPED.wireName());
            placeholder.setEndedAt(at);
            placeholder.store();
            return false;
        }
        boolean limited = RunDecider.isLimited(task, spec);
        String state = (limited ? TaskInstanceState.SCHEDULED : TaskInstanceState.QUEUED).wireName();
        placeholder.setMapIndex(0);
        placeholder.setMapItem(JSONB.valueOf(list.get(0).toString()));
        placeholder.setState(state);
        placeholder.setQueuedAt(at);
        placeholder.store();
        for (int start = 1; start < list.size(); start += INSERT_CHUNK) {
            var insert = db.insertInto(TASK_INSTANCE, TASK_INSTANCE.DAG_RUN_ID, TASK_INSTANCE.TASK_ID,
                    TASK_INSTANCE.MAP_INDEX, TASK_INSTANCE.MAP_ITEM, TASK_INSTANCE.STATE, TASK_INSTANCE.MAX_ATTEMPTS,
                    TASK_INSTANCE.QUEUE, TASK_INSTANCE.PRIORITY_WEIGHT, TASK_INSTANCE.POOL,
                    TASK_INSTANCE.EXECUTION_TIMEOUT_MS, TASK_INSTANCE.QUEUED_AT, TASK_INSTANCE.GPU_COUNT,
                    TASK_INSTANCE.GPU_MEMORY_MB, TASK_INSTANCE.TASK_KIND, TASK_INSTANCE.POOL_SLOTS);
            for (int i = start; i < Math.min(list.size(), start + INSERT_CHUNK); i++) {
                insert = insert.values(run.getId(), task.taskId(), i, JSONB.valueOf(list.get(i).toString()), state,
                        task.retries() + 1, task.queue(), task.priorityWeight(), task.pool(),
                        task.executionTimeoutMs(), at, task.resources().gpu(), task.resources().gpuMemoryMb(),
                        IsolationSpec.taskKind(task.isolation()), task.slotsOfPool());
            }
            insert.execute();
        }
        if (!limited) {
            notifyQueued(db, task.queue());
        }
        return limited;
    }

    private JsonNode mapSource(DSLContext db, DagRunRecord run, DagSpec spec, MapSpec source) {
        if (MapSpec.PARAM.equals(source.source())) {
            return json.readTree(sealed.open(spec.params(), run.getParams().data())).get(source.name());
        }
        boolean sourceMapped = spec.task(source.name()).expand() != null;
        List<String> values = outputs(db, run.getId(), source.name());
        if (values.isEmpty()) {
            return null;
        }
        return json.readTree(sourceMapped ? "[" + String.join(",", values) + "]" : values.getFirst());
    }

    /** The outputs of every instance of a task, in map-index order. */
    static List<String> outputs(DSLContext db, long runId, String taskId) {
        return db.select(XCOM.VALUE).from(XCOM).join(TASK_INSTANCE).on(TASK_INSTANCE.ID.eq(XCOM.TASK_INSTANCE_ID))
                .where(TASK_INSTANCE.DAG_RUN_ID.eq(runId), TASK_INSTANCE.TASK_ID.eq(taskId), XCOM.KEY.eq(RETURN_VALUE))
                .orderBy(TASK_INSTANCE.MAP_INDEX)
                .fetch(r -> r.value1().data());
    }

    private void updateRunState(DSLContext db, DagRunRecord run, DagSpec spec, DagRunState before, DagRunState after,
                                Function<RunSnapshot, Decision> decide) {
        if (after == before) {
            return;
        }
        OffsetDateTime at = now.get();
        run.setState(after.wireName());
        if (before == DagRunState.QUEUED) {
            run.setStartedAt(at);
        }
        if (after.isFinished()) {
            run.setEndedAt(at);
            if (spec.resultTaskId() != null) {
                List<String> values = outputs(db, run.getId(), spec.resultTaskId());
                if (!values.isEmpty()) {
                    boolean mapped = spec.task(spec.resultTaskId()).expand() != null;
                    // The result is for people: the run's secret values are scrubbed, as in logs and errors.
                    String result = mapped ? "[" + String.join(",", values) + "]" : values.getFirst();
                    run.setResult(JSONB.valueOf(spec.params().stream().noneMatch(ParamSpec::secret) ? result
                            : SecretParams.scrubJson(result, SecretParams.values(spec.params(),
                            json.readValue(sealed.open(spec.params(), run.getParams().data()), PARAMS)))));
                }
            }
            if (after == DagRunState.FAILED) {
                run.setError(failureSummary(db, run.getId()));
            }
        }
        run.store();
        if (before == DagRunState.QUEUED) {
            metrics.runStarted(run.getDagId());
        }
        if (after.isFinished()) {
            metrics.runFinished(run.getDagId(), after);
            notifyRunFinished(db, run.getRunId());
            if (spec.maxActiveRuns() != null) {
                startQueuedRuns(db, run.getDagId(), spec.maxActiveRuns(), decide);
            }
        }
    }

    /** Starts the oldest queued runs of a DAG while fewer than {@code maxActiveRuns} are running. */
    void startQueuedRuns(DSLContext db, String dagId, int maxActiveRuns, Function<RunSnapshot, Decision> decide) {
        db.select(DSL.function("pg_advisory_xact_lock", Object.class, DSL.function("hashtext", Long.class,
                DSL.val("gale.runs." + dagId)))).fetch();
        int running = db.fetchCount(DAG_RUN, DAG_RUN.DAG_ID.eq(dagId),
                DAG_RUN.STATE.eq(DagRunState.RUNNING.wireName()));
        if (running >= maxActiveRuns) {
            return;
        }
        List<DagRunRecord> next = db.selectFrom(DAG_RUN)
                .where(DAG_RUN.DAG_ID.eq(dagId), DAG_RUN.STATE.eq(DagRunState.QUEUED.wireName()))
                .orderBy(DAG_RUN.QUEUED_AT, DAG_RUN.ID)
                .limit(maxActiveRuns - running)
                .forUpdate().skipLocked().fetch();
        for (DagRunRecord queued : next) {
            apply(db, queued, specOfVersion.apply(queued.getDagVersionId()), decide);
        }
    }

    /**
     * Queues scheduled instances while their pools and DAG task limits have free slots. One
     * transaction-scoped advisory lock serializes this across schedulers; only limited tasks pay it.
     */
    void promoteScheduled(DSLContext db) {
        db.select(DSL.function("pg_advisory_xact_lock", Object.class, DSL.val(QUEUEING_LOCK))).fetch();
        // Free slots of every pool that has work waiting, first: a pool with none left is left out of the
        // candidates, so that a full pool's backlog cannot fill the batch and starve the other pools.
        Map<String, Integer> poolFree = new HashMap<>();
        for (String pool : db.selectDistinct(TASK_INSTANCE.POOL).from(TASK_INSTANCE)
                .where(TASK_INSTANCE.STATE.eq(TaskInstanceState.SCHEDULED.wireName()), TASK_INSTANCE.POOL.isNotNull())
                .fetch(TASK_INSTANCE.POOL)) {
            Integer slots = db.select(POOL.SLOTS).from(POOL).where(POOL.NAME.eq(pool)).fetchOne(POOL.SLOTS);
            int used = db.select(DSL.coalesce(DSL.sum(TASK_INSTANCE.POOL_SLOTS), BigDecimal.ZERO)).from(TASK_INSTANCE)
                    .where(TASK_INSTANCE.POOL.eq(pool), TASK_INSTANCE.STATE.in(ACTIVE)).fetchOne().value1().intValue();
            poolFree.put(pool, (slots == null ? DEFAULT_POOL_SLOTS : slots) - used);
        }
        List<String> full = poolFree.entrySet().stream().filter(e -> e.getValue() <= 0).map(Map.Entry::getKey).toList();
        var rows = db.select(TASK_INSTANCE.ID, DAG_RUN.DAG_ID, TASK_INSTANCE.POOL, DAG_RUN.DAG_VERSION_ID,
                        TASK_INSTANCE.PRIORITY_WEIGHT, TASK_INSTANCE.POOL_SLOTS)
                .from(TASK_INSTANCE).join(DAG_RUN).on(DAG_RUN.ID.eq(TASK_INSTANCE.DAG_RUN_ID))
                .where(TASK_INSTANCE.STATE.eq(TaskInstanceState.SCHEDULED.wireName()))
                .and(full.isEmpty() ? DSL.noCondition() : TASK_INSTANCE.POOL.isNull().or(TASK_INSTANCE.POOL.notIn(full)))
                .orderBy(TASK_INSTANCE.PRIORITY_WEIGHT.desc(), TASK_INSTANCE.ID)
                .limit(1_000).fetch();
        if (rows.isEmpty()) {
            return;
        }
        List<Queueing.Candidate> candidates = new ArrayList<>();
        Set<String> limitedDags = new HashSet<>();
        for (var r : rows) {
            Integer limit = specOfVersion.apply(r.value4()).maxActiveTasks();
            candidates.add(new Queueing.Candidate(r.value1(), r.value2(), r.value3(), limit, r.value5(), r.value6()));
            if (limit != null) {
                limitedDags.add(r.value2());
            }
        }
        Map<String, Integer> dagActive = new HashMap<>();
        for (String dagId : limitedDags) {
            dagActive.put(dagId, db.fetchCount(db.select(TASK_INSTANCE.ID).from(TASK_INSTANCE)
                    .join(DAG_RUN).on(DAG_RUN.ID.eq(TASK_INSTANCE.DAG_RUN_ID))
                    .where(DAG_RUN.DAG_ID.eq(dagId), TASK_INSTANCE.STATE.in(ACTIVE))));
        }
        List<Long> chosen = Queueing.choose(candidates, poolFree, dagActive);
        if (chosen.isEmpty()) {
            return;
        }
        db.update(TASK_INSTANCE)
                .set(TASK_INSTANCE.STATE, TaskInstanceState.QUEUED.wireName())
                .set(TASK_INSTANCE.QUEUED_AT, now.get())
                .where(TASK_INSTANCE.ID.in(chosen), TASK_INSTANCE.STATE.eq(TaskInstanceState.SCHEDULED.wireName()))
                .returning(TASK_INSTANCE.QUEUE).fetch(TASK_INSTANCE.QUEUE)
                .stream().distinct().forEach(q -> notifyQueued(db, q));
    }

    static void notifyRunFinished(DSLContext db, String runId) {
        db.select(DSL.function("pg_notify", Object.class, DSL.val(JooqSchedulerStore.RUN_FINISHED_CHANNEL),
                DSL.val(runId))).fetch();
    }

    static void notifyQueued(DSLContext db, String queue) {
        db.select(DSL.function("pg_notify", Object.class, DSL.val(JooqSchedulerStore.TASK_QUEUED_CHANNEL),
                DSL.val(queue))).fetch();
    }

    private static String failureSummary(DSLContext db, long runId) {
        return db.select(TASK_INSTANCE.TASK_ID, TASK_INSTANCE.MAP_INDEX, TASK_INSTANCE.ERROR).from(TASK_INSTANCE)
                .where(TASK_INSTANCE.DAG_RUN_ID.eq(runId), TASK_INSTANCE.STATE.eq(TaskInstanceState.FAILED.wireName()))
                .orderBy(TASK_INSTANCE.ENDED_AT).limit(5)
                .fetch(r -> "task '" + r.value1() + "'" + (r.value2() >= 0 ? " [" + r.value2() + "]" : "")
                        + " failed: " + r.value3())
                .stream().collect(Collectors.joining("; "));
    }

    private static String describe(MapSpec source) {
        return MapSpec.PARAM.equals(source.source()) ? "param '" + source.name() + "'"
                : "the output of task '" + source.name() + "'";
    }

    private static List<String> stringList(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node != null && node.isArray()) {
            node.forEach(v -> values.add(v.asString()));
        }
        return values;
    }
}
