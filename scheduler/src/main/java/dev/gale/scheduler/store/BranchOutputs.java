package dev.gale.scheduler.store;

import dev.gale.sdk.spec.DagSpec;
import dev.gale.sdk.spec.TaskSpec;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a branch task's output must be: a JSON array of the ids of its direct downstream tasks to
 * follow, or an object whose {@code follow} field is that array (an approval task's decision). Anything else (a bare string, an unknown id) would skip every downstream task and let the
 * run succeed, so the attempt is failed instead, saying what came and what was expected.
 */
final class BranchOutputs {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private BranchOutputs() {
    }

    /** Why {@code outputJson} is not a valid choice of branch task {@code taskId}; empty when it is one. */
    static Optional<String> problem(DagSpec spec, String taskId, String outputJson) {
        List<String> downstream = spec.tasks().stream().filter(t -> t.upstream().contains(taskId))
                .map(TaskSpec::taskId).toList();
        String expected = "; a branch task returns a JSON array of the ids of the direct downstream tasks to follow,"
                + " among " + downstream + " (an empty array follows none)";
        JsonNode output;
        try {
            output = JSON.readTree(outputJson == null || outputJson.isBlank() ? "null" : outputJson);
        } catch (JacksonException e) {
            return Optional.of("branch task '" + taskId + "' returned invalid JSON" + expected);
        }
        output = chosen(output);
        if (!output.isArray()) {
            return Optional.of("branch task '" + taskId + "' returned " + abbreviate(outputJson) + expected);
        }
        for (JsonNode id : output) {
            if (!id.isString() || !downstream.contains(id.asString())) {
                return Optional.of("branch task '" + taskId + "' chose " + abbreviate(id.toString())
                        + ", which is not one of its direct downstream tasks" + expected);
            }
        }
        return Optional.empty();
    }

    /** The array of chosen task ids in a branch task's output: the output itself, or its {@code follow} field. */
    static JsonNode chosen(JsonNode output) {
        return output != null && output.isObject() && output.has("follow") ? output.get("follow") : output;
    }

    private static String abbreviate(String json) {
        return json.length() <= 200 ? json : json.substring(0, 200) + "...";
    }
}
