package dev.gale.scheduler.service;

import dev.gale.scheduler.engine.RunDecider;
import dev.gale.sdk.ParamValidator;
import dev.gale.sdk.SecretParams;
import dev.gale.sdk.spec.DagSpec;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.codec.digest.DigestUtils;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Triggers, reads, cancels and clears DAG runs. */
public final class RunService {
    private static final DateTimeFormatter RUN_ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    /** The conf key of an asset-triggered run that lists the asset versions that triggered it. */
    public static final String TRIGGERING_ASSET_VERSIONS = "triggeringAssetVersions";

    private final SchedulerStore store;
    private final RunHistory history;
    private final Clock clock;
    private final RunTracing tracing;
    // Sorted keys make the request hash independent of the order the client wrote its conf in.
    private final JsonMapper json = JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
    private final SecureRandom random = new SecureRandom();

    public RunService(SchedulerStore store, RunHistory history, Clock clock) {
        this(store, history, clock, RunTracing.NONE);
    }

    /** As above, tracing the creation of each run into {@code tracing} and storing its context with the run. */
    public RunService(SchedulerStore store, RunHistory history, Clock clock, RunTracing tracing) {
        this.store = store;
        this.history = history;
        this.clock = clock;
        this.tracing = tracing;
    }

    /** Triggers a run without a note or an Idempotency-Key. */
    public DagRunView trigger(String dagId, Map<String, Object> conf, String runType, Instant logicalDate) {
        return trigger(new RunRequest(dagId, conf, runType, logicalDate, null, null)).run();
    }

    /**
     * Validates {@code conf} against the DAG's params and creates a run pinned to the DAG's current
     * version, queueing its first tasks in the same transaction. With an Idempotency-Key already used
     * for the same request, returns that run instead.
     *
     * @throws UnknownDagException when the DAG does not exist
     * @throws DagPausedException when the DAG is paused
     * @throws InvalidConfException when conf breaks the params schema; nothing is created
     * @throws IdempotencyConflictException when the key was used for a different request
     */
    public TriggeredRun trigger(RunRequest request) {
        String requestHash = request.idempotencyKey() == null ? null : requestHash(request);
        if (request.idempotencyKey() != null) {
            Optional<TriggeredRun> earlier = earlierRun(request, requestHash);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        DagSummary dag = store.findDag(request.dagId()).orElseThrow(() -> new UnknownDagException(request.dagId()));
        if (dag.paused()) {
            throw new DagPausedException(request.dagId());
        }
        ParamValidator.Result validation = ParamValidator.validate(dag.currentVersion().spec().params(),
                request.conf());
        if (!validation.valid()) {
            throw new InvalidConfException(request.dagId(), validation.violations());
        }
        Optional<DagRunView> created = tracing.creatingRun(request.dagId(), request.runType(), span -> {
            Instant now = clock.instant();
            String runId = newRunId(request.runType(), now);
            NewDagRun run = new NewDagRun(runId, dag.currentVersion(), request.runType(),
                    json.writeValueAsString(SecretParams.mask(dag.currentVersion().spec().params(), request.conf())),
                    paramsJson(dag.currentVersion().spec(), validation.params()),
                    request.logicalDate(), null, now, request.note(), request.idempotencyKey(), requestHash,
                    RunTracing.traceparentOf(span, runId));
            return store.createRun(run, RunDecider::decide);
        });
        if (created.isPresent()) {
            return new TriggeredRun(created.get(), false);
        }
        // Another request with the same key won the race between our look-up and our insert.
        return earlierRun(request, requestHash).orElseThrow(() -> new IllegalStateException(
                "Idempotency-Key '" + request.idempotencyKey() + "' is taken but its run cannot be read"));
    }

    private Optional<TriggeredRun> earlierRun(RunRequest request, String requestHash) {
        return store.findRunByIdempotencyKey(request.dagId(), request.idempotencyKey()).map(keyed -> {
            if (!keyed.requestHash().equals(requestHash)) {
                throw new IdempotencyConflictException(request.dagId(), request.idempotencyKey(),
                        keyed.run().runId());
            }
            return new TriggeredRun(keyed.run(), true);
        });
    }

    /**
     * Creates the scheduled run of a DAG for a logical date, its data interval starting at
     * {@code dataIntervalStart}, with the params' defaults. Does nothing when the DAG is paused or gone,
     * or when that run exists already.
     */
    public Optional<DagRunView> triggerScheduled(String dagId, Instant logicalDate, Instant dataIntervalStart) {
        Optional<DagSummary> dag = store.findDag(dagId).filter(d -> !d.paused());
        if (dag.isEmpty()) {
            return Optional.empty();
        }
        ParamValidator.Result defaults = ParamValidator.validate(dag.get().currentVersion().spec().params(), Map.of());
        if (!defaults.valid()) {
            // A required param without default cannot be scheduled; the DAG author learns it from the log.
            throw new InvalidConfException(dagId, defaults.violations());
        }
        return tracing.creatingRun(dagId, "scheduled", span -> {
            // Run ids are unique over all DAGs; the logical date alone would let one DAG's fire take another's.
            String runId = "scheduled__" + RUN_ID_TIME.format(logicalDate) + "_" + randomSuffix();
            NewDagRun run = new NewDagRun(runId, dag.get().currentVersion(),
                    "scheduled", "{}", paramsJson(dag.get().currentVersion().spec(), defaults.params()), logicalDate,
                    dataIntervalStart, clock.instant(), null, null,
                    null, RunTracing.traceparentOf(span, runId));
            return store.createRun(run, RunDecider::decide);
        });
    }

    /**
     * Creates one {@code backfill} run of a DAG for a logical date (its data interval starting at
     * {@code dataIntervalStart}), paused DAG or not (a paused
     * schedule is the usual state while backfilling). {@code key} names the run: a second call with the
     * same key returns the same run, whichever scheduler makes it.
     *
     * @throws UnknownDagException  when the DAG does not exist
     * @throws InvalidConfException when conf breaks the params of the DAG's current version
     */
    public DagRunView triggerBackfill(String dagId, Map<String, Object> conf, Instant logicalDate,
                                      Instant dataIntervalStart, String key) {
        Optional<KeyedRun> earlier = store.findRunByIdempotencyKey(dagId, key);
        if (earlier.isPresent()) {
            return earlier.get().run();
        }
        DagSummary dag = store.findDag(dagId).orElseThrow(() -> new UnknownDagException(dagId));
        DagSpec spec = dag.currentVersion().spec();
        ParamValidator.Result validation = ParamValidator.validate(spec.params(), conf);
        if (!validation.valid()) {
            throw new InvalidConfException(dagId, validation.violations());
        }
        return tracing.creatingRun(dagId, "backfill", span -> {
            String runId = "backfill__" + RUN_ID_TIME.format(logicalDate) + "_" + randomSuffix();
            NewDagRun run = new NewDagRun(runId, dag.currentVersion(), "backfill",
                    json.writeValueAsString(SecretParams.mask(spec.params(), conf)), paramsJson(spec, validation.params()),
                    logicalDate, dataIntervalStart, clock.instant(), null, key, key,
                    RunTracing.traceparentOf(span, runId));
            return store.createRun(run, RunDecider::decide);
        })
                .or(() -> store.findRunByIdempotencyKey(dagId, key).map(KeyedRun::run))
                .orElseThrow(() -> new IllegalStateException("backfill run '" + key + "' is taken but cannot be read"));
    }

    /**
     * Creates the {@code asset_triggered} run of a DAG for one triggering event, with the params'
     * defaults and, in its conf, the versions that triggered it under {@value #TRIGGERING_ASSET_VERSIONS}.
     * {@code eventKey} names the event: a second call with the same key creates nothing, whichever
     * scheduler makes it. Does nothing when the DAG is paused or gone.
     */
    public Optional<DagRunView> triggerForAssets(String dagId, String eventKey,
                                                 List<Map<String, Object>> triggeringVersions) {
        Optional<DagSummary> dag = store.findDag(dagId).filter(d -> !d.paused());
        if (dag.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> conf = Map.of(TRIGGERING_ASSET_VERSIONS, triggeringVersions);
        ParamValidator.Result params = ParamValidator.validate(dag.get().currentVersion().spec().params(), conf);
        if (!params.valid()) {
            throw new InvalidConfException(dagId, params.violations());
        }
        return tracing.creatingRun(dagId, "asset_triggered", span -> {
            Instant now = clock.instant();
            String runId = newRunId("asset_triggered", now);
            // The event key doubles as the Idempotency-Key, whose unique index makes the run exist once.
            NewDagRun run = new NewDagRun(runId, dag.get().currentVersion(), "asset_triggered",
                    json.writeValueAsString(conf), paramsJson(dag.get().currentVersion().spec(), params.params()), null,
                    null, now, null, eventKey, eventKey, RunTracing.traceparentOf(span, runId));
            return store.createRun(run, RunDecider::decide);
        });
    }

    /**
     * The params tasks get, as JSON. A DAG's LLM budget reaches the LLM layer as the run's
     * {@code llm.budgetUsd}; a conf may lower it, never raise it.
     */
    private String paramsJson(DagSpec dag, Map<String, Object> params) {
        if (dag.llmBudgetUsd() == null) {
            return json.writeValueAsString(params);
        }
        Map<String, Object> withBudget = new java.util.LinkedHashMap<>(params);
        Map<String, Object> llm = params.get("llm") instanceof Map<?, ?> given
                ? new java.util.LinkedHashMap<>(castToStringKeys(given)) : new java.util.LinkedHashMap<>();
        double budget = llm.get("budgetUsd") instanceof Number n ? Math.min(n.doubleValue(), dag.llmBudgetUsd())
                : dag.llmBudgetUsd();
        llm.put("budgetUsd", budget);
        withBudget.put("llm", llm);
        return json.writeValueAsString(withBudget);
    }

    private static Map<String, Object> castToStringKeys(Map<?, ?> map) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(String.valueOf(k), v));
        return copy;
    }

    public Optional<DagRunView> find(String dagId, String runId) {
        return store.findRun(dagId, runId);
    }

    public RunPage list(RunQuery query) {
        return history.listRuns(query);
    }

    /**
     * Cancels an unfinished run: its running task instances are failed (their workers are told to stop
     * at the next heartbeat), the ones not started yet are skipped, and the run becomes cancelled.
     *
     * @throws RunStateConflictException when the run has already finished
     */
    public Optional<DagRunView> cancel(String dagId, String runId) {
        return store.cancelRun(dagId, runId, clock.instant());
    }

    /**
     * Clears the failed and upstream_failed task instances of a finished run, and those downstream of
     * them, so that they run again; the run is running again.
     *
     * @throws RunStateConflictException when the run has not finished, or nothing in it failed
     */
    public Optional<DagRunView> clearFailedTasks(String dagId, String runId) {
        return store.clearTasks(dagId, runId,
                snapshot -> FailedTaskClearing.tasksToClear(snapshot.dag(), snapshot.tasks()),
                RunDecider::decide);
    }

    private String requestHash(RunRequest request) {
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("conf", request.conf());
        identity.put("logicalDate", request.logicalDate() == null ? null : request.logicalDate().toString());
        identity.put("note", request.note());
        identity.put("runType", request.runType());
        return DigestUtils.sha256Hex(json.writeValueAsString(identity));
    }

    /** Readable, time-ordered and unique without coordination: {@code manual__20261121T020308123Z_k3j2h1}. */
    private String newRunId(String runType, Instant now) {
        return runType + "__" + RUN_ID_TIME.format(now) + "_" + randomSuffix();
    }

    private String randomSuffix() {
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            suffix.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return suffix.toString();
    }
}
