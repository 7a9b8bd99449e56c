package dev.gale.sdk.runtime;

import java.util.Map;

/** Which attempt of which task instance is running; handed to child processes as environment variables. */
record TaskIdentity(String dagId, String runId, String taskId, int mapIndex, int attempt) {
    static final String RETURN_VALUE = "return_value";

    Map<String, String> environment() {
        return Map.of("GALE_DAG_ID", dagId, "GALE_RUN_ID", runId, "GALE_TASK_ID", taskId,
                "GALE_MAP_INDEX", Integer.toString(mapIndex), "GALE_ATTEMPT", Integer.toString(attempt));
    }

    static TaskIdentity fromEnvironment(Map<String, String> env) {
        return new TaskIdentity(required(env, "GALE_DAG_ID"), required(env, "GALE_RUN_ID"),
                required(env, "GALE_TASK_ID"), Integer.parseInt(required(env, "GALE_MAP_INDEX")),
                Integer.parseInt(required(env, "GALE_ATTEMPT")));
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null) {
            throw new IllegalStateException(name + " is not set: this program is started by a Gale worker, not by hand");
        }
        return value;
    }
}
