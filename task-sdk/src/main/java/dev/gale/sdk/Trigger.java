package dev.gale.sdk;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a deferred task waits for, evaluated by the scheduler processes while no worker holds the task
 * (see {@link TaskContext#defer}). {@code spec} is the kind's settings, sent to the server as JSON: use
 * the factories for the built-in kinds, and {@link #of} for kinds defined elsewhere.
 *
 * <p>A spec may hold {@code "timeoutEvent": {...}}: when the wait times out, the trigger then fires
 * with that object plus {@code "timedOut": true} instead of failing the task.
 */
public record Trigger(String kind, Map<String, Object> spec) {
    /** Kind of {@link #at} and {@link #after}. */
    public static final String TIME = "time";
    public static final String ASSET_VERSION = "asset_version";
    public static final String DAG_RUN_FINISHED = "dag_run_finished";
    public static final String EXTERNAL_EVENT = "external_event";
    public static final String FILE_PRESENT = "file_present";
    public static final String HTTP = "http";
    public static final String SQL = "sql";
    public static final String KAFKA_RECORD = "kafka_record";

    public Trigger {
        if (kind == null || kind.isBlank()) {
            throw new IllegalArgumentException("a trigger needs a kind, e.g. \"time\"");
        }
        // Values may be null (JSON null), which Map.copyOf refuses.
        spec = Collections.unmodifiableMap(new LinkedHashMap<>(spec == null ? Map.of() : spec));
    }

    /** A trigger of a kind this class has no factory for, e.g. {@code "human"}. */
    public static Trigger of(String kind, Map<String, Object> spec) {
        return new Trigger(kind, spec);
    }

    /** Fires at {@code instant}; its event is {@code {"at": "<instant>"}}. */
    public static Trigger at(Instant instant) {
        return new Trigger(TIME, Map.of("at", Objects.requireNonNull(instant, "instant").toString()));
    }

    /** Fires {@code delay} after the task deferred, as the server's clock counts. */
    public static Trigger after(Duration delay) {
        if (delay == null || delay.isNegative()) {
            throw new IllegalArgumentException("a delay must not be negative; got " + delay);
        }
        return new Trigger(TIME, Map.of("after", delay.toString()));
    }

    /**
     * Fires when a version of {@code assetName} newer than its latest at the time of deferral is
     * published; the event is {@code {"asset", "version", "metadata"}}.
     */
    public static Trigger assetVersion(String assetName) {
        return new Trigger(ASSET_VERSION, Map.of("asset", required(assetName, "assetName")));
    }

    /**
     * Fires when a run of {@code dagId} that ended after the deferral ended in one of {@code states}
     * ({@code "success"} when none are given); the event is {@code {"dagId", "runId", "state"}}.
     */
    public static Trigger dagRunFinished(String dagId, String... states) {
        List<String> wanted = states.length == 0 ? List.of("success") : Arrays.asList(states);
        return new Trigger(DAG_RUN_FINISHED, Map.of("dagId", required(dagId, "dagId"), "states", wanted));
    }

    /**
     * Fires when {@code POST /api/v1/events/{key}} is called; the request's JSON body is the event.
     */
    public static Trigger externalEvent(String key) {
        return new Trigger(EXTERNAL_EVENT, Map.of("key", required(key, "key")));
    }

    /**
     * Fires when a file matching {@code pathGlob} exists on the scheduler's filesystem (e.g.
     * {@code /data/incoming/*.csv}), looked for every {@code interval}; the event is {@code {"paths": [...]}}.
     */
    public static Trigger filePresent(String pathGlob, Duration interval) {
        return new Trigger(FILE_PRESENT, Map.of("path", required(pathGlob, "pathGlob"), "interval",
                positive(interval).toString()));
    }

    /**
     * Fires when a GET of {@code url} answers 2xx with a JSON body whose value at {@code jsonPointer}
     * (RFC 6901, e.g. {@code /status}) equals {@code expected}, polled every {@code interval}; the event is
     * the body. A null {@code jsonPointer} fires on any 2xx answer.
     */
    public static Trigger http(String url, String jsonPointer, Object expected, Duration interval) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("url", required(url, "url"));
        if (jsonPointer != null) {
            spec.put("pointer", jsonPointer);
            spec.put("equals", expected);
        }
        spec.put("interval", positive(interval).toString());
        return new Trigger(HTTP, spec);
    }

    /**
     * Fires when {@code query}, run against the Connection {@code connId} (a JDBC database), returns a
     * row whose first column is true, polled every {@code interval}; the event is that row by column name.
     */
    public static Trigger sql(String connId, String query, Duration interval) {
        return new Trigger(SQL, Map.of("conn", required(connId, "connId"), "query", required(query, "query"),
                "interval", positive(interval).toString()));
    }

    /**
     * Fires with the first record of {@code topic} written after the deferral whose JSON value holds, at each
     * JSON pointer of {@code filter} (e.g. {@code "/status"}), the value given there; an empty filter fires on
     * any record. Read from the Kafka of the server (GALE_KAFKA_BOOTSTRAP); the event is
     * {@code {"topic", "partition", "offset", "key", "value"}}.
     */
    public static Trigger kafkaRecord(String topic, Map<String, Object> filter) {
        return new Trigger(KAFKA_RECORD, Map.of("topic", required(topic, "topic"), "filter",
                new LinkedHashMap<>(filter == null ? Map.of() : filter)));
    }

    /** {@link #kafkaRecord(String, Map)} of records whose key is also {@code key}. */
    public static Trigger kafkaRecord(String topic, String key, Map<String, Object> filter) {
        Map<String, Object> spec = new LinkedHashMap<>(kafkaRecord(topic, filter).spec());
        spec.put("key", required(key, "key"));
        return new Trigger(KAFKA_RECORD, spec);
    }

    /**
     * This trigger, firing with {@code event} plus {@code "timedOut": true} when the wait times out,
     * instead of failing the task.
     */
    public Trigger withTimeoutEvent(Map<String, Object> event) {
        Map<String, Object> copy = new LinkedHashMap<>(spec);
        copy.put("timeoutEvent", new LinkedHashMap<>(event));
        return new Trigger(kind, copy);
    }

    private static String required(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }

    private static Duration positive(Duration interval) {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("a poll interval must be positive; got " + interval);
        }
        return interval;
    }
}
