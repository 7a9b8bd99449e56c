package dev.gale.sdk.runtime;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Which attempt of which task instance is running, and on which GPUs; handed to child processes as
 * environment variables. When {@code pinGpus} is set (the worker accounts GPUs), a child process sees
 * only its own GPUs through {@code CUDA_VISIBLE_DEVICES}, and none when the task asked for none.
 */
record TaskIdentity(String dagId, String runId, String taskId, int mapIndex, int attempt, List<Integer> gpus,
                    boolean pinGpus) {
    static final String RETURN_VALUE = "return_value";
    static final String GPUS_ENV = "GALE_GPU_DEVICES";

    TaskIdentity {
        gpus = List.copyOf(gpus);
    }

    TaskIdentity(String dagId, String runId, String taskId, int mapIndex, int attempt) {
        this(dagId, runId, taskId, mapIndex, attempt, List.of(), false);
    }

    TaskIdentity onGpus(List<Integer> devices, boolean pin) {
        return new TaskIdentity(dagId, runId, taskId, mapIndex, attempt, devices, pin);
    }

    Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(Map.of("GALE_DAG_ID", dagId, "GALE_RUN_ID", runId,
                "GALE_TASK_ID", taskId, "GALE_MAP_INDEX", Integer.toString(mapIndex),
                "GALE_ATTEMPT", Integer.toString(attempt)));
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
                gpus.isBlank() ? List.of() : Arrays.stream(gpus.split(",")).map(Integer::valueOf).toList(),
                env.containsKey(GPUS_ENV));
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null) {
            throw new IllegalStateException(name + " is not set: this program is started by a Gale worker, not by hand");
        }
        return value;
    }
}
