package dev.gale.scheduler.service;

import dev.gale.scheduler.engine.RunDecider;
import dev.gale.sdk.ParamValidator;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/** Triggers and reads DAG runs. */
public final class RunService {
    private static final DateTimeFormatter RUN_ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final SchedulerStore store;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();
    private final SecureRandom random = new SecureRandom();

    public RunService(SchedulerStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * Validates {@code conf} against the DAG's params and creates a run pinned to the DAG's current
     * version, queueing its first tasks in the same transaction.
     *
     * @throws UnknownDagException when the DAG does not exist
     * @throws InvalidConfException when conf breaks the params schema; nothing is created
     */
    public DagRunView trigger(String dagId, Map<String, Object> conf, String runType, Instant logicalDate) {
        DagSummary dag = store.findDag(dagId).orElseThrow(() -> new UnknownDagException(dagId));
        ParamValidator.Result validation = ParamValidator.validate(dag.currentVersion().spec().params(), conf);
        if (!validation.valid()) {
            throw new InvalidConfException(dagId, validation.violations());
        }
        Instant now = clock.instant();
        NewDagRun run = new NewDagRun(newRunId(runType, now), dag.currentVersion(), runType,
                json.writeValueAsString(conf), json.writeValueAsString(validation.params()), logicalDate, now);
        return store.createRun(run, RunDecider::decide).orElseThrow();
    }

    /**
     * Creates the scheduled run of a DAG for a logical date, with the params' defaults. Does nothing
     * when the DAG is paused or gone, or when that run exists already.
     */
    public Optional<DagRunView> triggerScheduled(String dagId, Instant logicalDate) {
        Optional<DagSummary> dag = store.findDag(dagId).filter(d -> !d.paused());
        if (dag.isEmpty()) {
            return Optional.empty();
        }
        ParamValidator.Result defaults = ParamValidator.validate(dag.get().currentVersion().spec().params(), Map.of());
        if (!defaults.valid()) {
            // A required param without default cannot be scheduled; the DAG author learns it from the log.
            throw new InvalidConfException(dagId, defaults.violations());
        }
        NewDagRun run = new NewDagRun("scheduled__" + RUN_ID_TIME.format(logicalDate), dag.get().currentVersion(),
                "scheduled", "{}", json.writeValueAsString(defaults.params()), logicalDate, clock.instant());
        return store.createRun(run, RunDecider::decide);
    }

    public Optional<DagRunView> find(String dagId, String runId) {
        return store.findRun(dagId, runId);
    }

    /** Readable, time-ordered and unique without coordination: {@code manual__20261121T020308123Z_k3j2h1}. */
    private String newRunId(String runType, Instant now) {
        StringBuilder id = new StringBuilder(runType).append("__").append(RUN_ID_TIME.format(now)).append('_');
        for (int i = 0; i < 6; i++) {
            id.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return id.toString();
    }
}
