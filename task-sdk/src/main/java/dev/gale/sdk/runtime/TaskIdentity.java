package dev.gale.sdk.runtime;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Which attempt of which task instance is running, for which logical date and data interval (null for
 * a run without a logical date), and on which GPUs; handed to child processes as environment variables
 * (the dates as ISO-8601 instants, absent when null). When {@code pinGpus} is set (the worker accounts GPUs), a child process sees
 * only its own GPUs through {@code CUDA_VISIBLE_DEVICES}, and none when the task asked for none.
 */
record TaskIdentity(String dagId, String runId, String taskId, int mapIndex, int attempt, RunDates dates,
                    List<Integer> gpus, boolean pinGpus) {
    static final String RETURN_VALUE = "return_value";
    static final String GPUS_ENV = "GALE_GPU_DEVICES";
    static final String LOGICAL_DATE_ENV = "GALE_LOGICAL_DATE";
    static final String DATA_INTERVAL_START_ENV = "GALE_DATA_INTERVAL_START";
    static final String DATA_INTERVAL_END_ENV = "GALE_DATA_INTERVAL_END";

    /** A run's logical date and data interval; all null for a run triggered without a logical date. */
    record RunDates(Instant logicalDate, Instant dataIntervalStart, Instant dataIntervalEnd) {
        static final RunDates NONE = new RunDates(null, null, null);
    }

    TaskIdentity {
        gpus = List.copyOf(gpus);
    }

    TaskIdentity(String dagId, String runId, String taskId, int mapIndex, int attempt, RunDates dates) {
        this(dagId, runId, taskId, mapIndex, attempt, dates, List.of(), false);
    }

    TaskIdentity onGpus(List<Integer> devices, boolean pin) {
        return new TaskIdentity(dagId, runId, taskId, mapIndex, attempt, dates, devices, pin);
    }

    Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(Map.of("GALE_DAG_ID", dagId, "GALE_RUN_ID", runId,
                "GALE_TASK_ID", taskId, "GALE_MAP_INDEX", Integer.toString(mapIndex),
                "GALE_ATTEMPT", Integer.toString(attempt)));
        putDate(env, LOGICAL_DATE_ENV, dates.logicalDate());
        putDate(env, DATA_INTERVAL_START_ENV, dates.dataIntervalStart());
        putDate(env, DATA_INTERVAL_END_ENV, dates.dataIntervalEnd());
        if (pinGpus) {
            String devices = gpus.stream().map(String::valueOf).collect(Collectors.joining(","));
            env.put("CUDA_VISIBLE_DEVICES", devices);
            env.put(GPUS_ENV, devices);
        }
        return env;
    }

    static TaskIdentity fromEnvironment(Map<String, String> env) {
        String gpus = env.getOrDefault(GPUS_ENV, "");
        return new TaskIdentity(required(env, "GALE_DAG_ID"), required(env, "GALE_RUN_ID"),
                required(env, "GALE_TASK_ID"), Integer.parseInt(required(env, "GALE_MAP_INDEX")),
                Integer.parseInt(required(env, "GALE_ATTEMPT")),
                new RunDates(date(env, LOGICAL_DATE_ENV), date(env, DATA_INTERVAL_START_ENV),
                        date(env, DATA_INTERVAL_END_ENV)),
                gpus.isBlank() ? List.of() : Arrays.stream(gpus.split(",")).map(Integer::valueOf).toList(),
                env.containsKey(GPUS_ENV));
    }

    private static void putDate(Map<String, String> env, String name, Instant date) {
        if (date != null) {
            env.put(name, date.toString());
        }
    }

    private static Instant date(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null ? null : Instant.parse(value);
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null) {
            throw new IllegalStateException(name + " is not set: this program is started by a Gale worker, not by hand");
        }
        return value;
    }
}
