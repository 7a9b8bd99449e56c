package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Task logs over REST: shipped by the worker while the task runs, tailed by offset, and kept after. */
class TaskLogsIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    @RegisterExtension
    static final GaleTestServer gale = GaleTestServer.perClass(Map.of("gale.heartbeat.interval", "PT0.2S"));

    private static JsonNode get(String path) throws Exception {
        return JSON.readTree(gale.get(path).body());
    }

    @Test
    void linesCanBeTailedWhileTheTaskRunsAndReadAfter() throws Exception {
        String runId = JSON.readTree(gale.post("/api/v1/dags/chatty_for_tests/runs", "{}").body()).get("runId")
                .asString();
        String logs = "/api/v1/dags/chatty_for_tests/runs/" + runId + "/tasks/talk/logs";

        List<String> seen = new ArrayList<>();
        long[] offset = {0};
        boolean[] sawRunning = {false};
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode page = get(logs + "?offset=" + offset[0]);
            page.get("lines").forEach(l -> seen.add(l.get("line").asString()));
            offset[0] = page.get("nextOffset").asLong();
            if (page.get("taskState").asString().equals("running") && !seen.isEmpty()) {
                sawRunning[0] = true;
            }
            return page.get("taskState").asString().equals("success") && page.get("lines").isEmpty();
        });

        assertThat(sawRunning[0]).as("lines were readable while the task ran").isTrue();
        assertThat(seen).containsSubsequence("line 1", "line 5", "line 10");
        assertThat(seen.stream().filter(l -> l.startsWith("line "))).hasSize(10);

        JsonNode all = get(logs + "?mapIndex=-1&attempt=1&offset=0");
        assertThat(all.get("attempt").asInt()).isEqualTo(1);
        assertThat(all.get("lines").get(0).get("stream").asString()).isEqualTo("task");
        assertThat(all.get("lines").get(0).has("timestamp")).isTrue();
        assertThat(all.get("lines")).hasSize(seen.size());
    }

    @Test
    void unknownRunsTasksAndAttemptsAreProblems() throws Exception {
        String runId = JSON.readTree(gale.post("/api/v1/dags/hello/runs?wait=PT10S", "{}").body()).get("runId")
                .asString();

        var unknownRun = gale.get("/api/v1/dags/hello/runs/manual__nope/tasks/greet/logs");
        assertThat(unknownRun.statusCode()).isEqualTo(404);
        assertThat(unknownRun.headers().firstValue("Content-Type")).get().asString()
                .startsWith("application/problem+json");
        assertThat(JSON.readTree(unknownRun.body()).get("type").asString()).isEqualTo("urn:gale:problem:unknown-run");

        var unknownTask = gale.get("/api/v1/dags/hello/runs/" + runId + "/tasks/nope/logs");
        assertThat(unknownTask.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknownTask.body()).get("detail").asString()).contains("has no task 'nope'");

        var runOfAnotherDag = gale.get("/api/v1/dags/chatty_for_tests/runs/" + runId + "/tasks/greet/logs");
        assertThat(runOfAnotherDag.statusCode()).isEqualTo(404);

        var unknownAttempt = gale.get("/api/v1/dags/hello/runs/" + runId + "/tasks/greet/logs?attempt=7");
        assertThat(unknownAttempt.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknownAttempt.body()).get("detail").asString()).contains("has had 1 attempt(s)");

        var badOffset = gale.get("/api/v1/dags/hello/runs/" + runId + "/tasks/greet/logs?offset=-3");
        assertThat(badOffset.statusCode()).isEqualTo(400);
    }
}
