package dev.gale.scheduler.trigger;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Fires when a run of another DAG ends, after the deferral, in one of "states" (default success), polled
 * every "interval" (5 s).
 */
public final class DagRunFinishedTrigger extends PolledTrigger {
    static final String KIND = "dag_run_finished";
    private static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final Set<String> END_STATES = Set.of("success", "failed", "cancelled");

    /** The first run of {@code dagId} that ended after {@code since} in one of {@code states}, as {dagId, runId, state}. */
    @FunctionalInterface
    public interface Runs {
        Optional<Map<String, Object>> firstEndedAfter(String dagId, List<String> states, Instant since);
    }

    private final Runs runs;

    DagRunFinishedTrigger(Runs runs) {
        super(KIND, INTERVAL);
        this.runs = runs;
    }

    @Override
    public Map<String, Object> prepare(Map<String, Object> spec, Instant now) {
        String dagId = Specs.text(KIND, spec, "dagId");
        List<String> states = states(spec);
        Map<String, Object> prepared = new LinkedHashMap<>();
        prepared.put("dagId", dagId);
        prepared.put("states", states);
        prepared.put("since", spec.get("since") instanceof String s ? Specs.instant(KIND, spec, "since").toString()
                : now.toString());
        prepared.put("interval", interval(spec).toString());
        return prepared;
    }

    private static List<String> states(Map<String, Object> spec) {
        Object value = spec.getOrDefault("states", List.of("success"));
        if (!(value instanceof List<?> list) || list.isEmpty()
                || !list.stream().allMatch(s -> s instanceof String && END_STATES.contains(s))) {
            throw new InvalidTriggerException("\"states\" of a 'dag_run_finished' trigger must be a non-empty list of"
                    + " run end states among " + END_STATES.stream().sorted().toList() + "; got " + value);
        }
        return list.stream().map(Object::toString).toList();
    }

    @Override
    public Optional<Map<String, Object>> check(Map<String, Object> spec, Instant now) {
        return runs.firstEndedAfter(Specs.text(KIND, spec, "dagId"), states(spec), Specs.instant(KIND, spec, "since"));
    }
}
