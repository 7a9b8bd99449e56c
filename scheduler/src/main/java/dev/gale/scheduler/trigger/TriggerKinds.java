package dev.gale.scheduler.trigger;

import dev.gale.scheduler.kafka.KafkaSettings;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The trigger kinds the scheduler processes evaluate, by name. A kind not among them (e.g. {@code human})
 * is stored as the task gave it and never looked at: it fires through an API, or its timeout.
 */
public final class TriggerKinds {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TIMEOUT_EVENT = "timeoutEvent";

    /** A spec ready to store, and when to look at it first. */
    public record Prepared(String specJson, Instant firstCheckAt) {
    }

    private final Map<String, TriggerKind> kinds = new LinkedHashMap<>();

    public TriggerKinds(List<TriggerKind> kinds) {
        kinds.forEach(k -> this.kinds.put(k.kind(), k));
    }

    /** Time and external events only: the kinds that need nothing of the deployment. */
    public static TriggerKinds basic() {
        return new TriggerKinds(List.of(new TimeTrigger(), new ExternalEventTrigger()));
    }

    /**
     * Every built-in kind.
     *
     * @param latestAssetVersion the latest version number of an asset by name, 0 when it has none
     * @param assetVersion       an asset's version as an event (asset, version, metadata), empty when missing
     * @param finishedRuns       the first run of a DAG that ended in the given states after an instant
     * @param connections        a Connection by id, for SQL triggers
     * @param kafka              how to reach Kafka, for Kafka-record triggers; empty when the server has none
     */
    public static TriggerKinds builtIn(Function<String, Integer> latestAssetVersion,
                                       AssetVersionTrigger.Versions assetVersion, DagRunFinishedTrigger.Runs finishedRuns,
                                       Function<String, Optional<SqlTrigger.Database>> connections,
                                       Optional<KafkaSettings> kafka) {
        return new TriggerKinds(List.of(new TimeTrigger(), new ExternalEventTrigger(),
                new AssetVersionTrigger(latestAssetVersion, assetVersion), new DagRunFinishedTrigger(finishedRuns),
                new HttpTrigger(), new SqlTrigger(connections), new FilePresentTrigger(),
                new KafkaRecordTrigger(kafka)));
    }

    public Optional<TriggerKind> kind(String name) {
        return Optional.ofNullable(kinds.get(name));
    }

    /**
     * Checks a deferral's spec and completes it.
     *
     * @throws InvalidTriggerException when the spec is not a JSON object, its timeoutEvent is not one, or its
     *                                 kind refuses it
     */
    public Prepared prepare(String kind, String specJson, Instant now) {
        Map<String, Object> spec = parse(kind, specJson);
        Object timeoutEvent = spec.get(TIMEOUT_EVENT);
        if (timeoutEvent != null && !(timeoutEvent instanceof Map)) {
            throw new InvalidTriggerException("\"timeoutEvent\" of a '" + kind + "' trigger must be a JSON object;"
                    + " got " + timeoutEvent);
        }
        TriggerKind evaluated = kinds.get(kind);
        if (evaluated == null) {
            return new Prepared(JSON.writeValueAsString(spec), TriggerKind.NEVER);
        }
        Map<String, Object> prepared = new LinkedHashMap<>(evaluated.prepare(spec, now));
        if (timeoutEvent != null) {
            prepared.put(TIMEOUT_EVENT, timeoutEvent);
        }
        return new Prepared(JSON.writeValueAsString(prepared), evaluated.nextCheck(prepared, now));
    }

    /** The event a timed-out trigger fires with, when its spec has a timeoutEvent. */
    public static Optional<String> timeoutEvent(String specJson) {
        Map<String, Object> spec = parse("", specJson);
        if (!(spec.get(TIMEOUT_EVENT) instanceof Map<?, ?> event)) {
            return Optional.empty();
        }
        Map<Object, Object> fired = new LinkedHashMap<>(event);
        fired.put("timedOut", true);
        return Optional.of(JSON.writeValueAsString(fired));
    }

    static Map<String, Object> parse(String kind, String specJson) {
        try {
            Map<String, Object> spec = JSON.readValue(specJson == null || specJson.isBlank() ? "{}" : specJson,
                    new TypeReference<Map<String, Object>>() { });
            return spec == null ? Map.of() : spec;
        } catch (JacksonException e) {
            throw new InvalidTriggerException("the spec of a '" + kind + "' trigger must be a JSON object: "
                    + e.getOriginalMessage());
        }
    }

    static String json(Object value) {
        return JSON.writeValueAsString(value);
    }
}
