package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The endpoints the web UI needs beyond the rest of the API: the DAG overview, a DAG's grid, and live events. */
class UiApiIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    @RegisterExtension
    static final GaleTestServer gale = GaleTestServer.perClass(Map.of("gale.scheduler.interval", "PT0.2S"));

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> response = gale.get(path);
        assertThat(response.statusCode()).as(path + " answered " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode triggerAndWait(String dagId, String conf) throws Exception {
        HttpResponse<String> response = gale.post("/api/v1/dags/" + dagId + "/runs?wait=PT60S", "{\"conf\": " + conf + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    void theOverviewListsEachDagWithItsRecentRunsAndNextScheduledRun() throws Exception {
        String older = triggerAndWait("hello", "{\"name\": \"Ada\"}").get("runId").asString();
        String newer = triggerAndWait("hello", "{\"name\": \"Grace\"}").get("runId").asString();

        JsonNode hello = find(get("/api/v1/dag-overview?recentRuns=5").get("dags"), "hello");
        assertThat(hello.get("tags").valueStream().map(JsonNode::asString).toList()).contains("example");
        assertThat(hello.get("schedule").isNull()).isTrue();
        assertThat(hello.get("nextRunAt").isNull()).isTrue();
        List<String> recent = hello.get("recentRuns").valueStream().map(r -> r.get("runId").asString()).toList();
        assertThat(recent).startsWith(newer, older);
        assertThat(hello.get("recentRuns").get(0).get("state").asString()).isEqualTo("success");
        assertThat(find(get("/api/v1/dag-overview?recentRuns=1").get("dags"), "hello").get("recentRuns")).hasSize(1);

        JsonNode cron = find(get("/api/v1/dag-overview").get("dags"), "cron_demo");
        assertThat(cron.get("isPaused").asBoolean()).isTrue();
        assertThat(cron.get("schedule").asString()).isEqualTo("* * * * *");
        assertThat(cron.get("nextRunAt").isNull()).as("a paused DAG has no next run").isTrue();

        HttpResponse<String> tooMany = gale.get("/api/v1/dag-overview?recentRuns=99");
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(tooMany.body()).get("detail").asString()).contains("recentRuns must be between 0 and 25");
    }

    @Test
    void anUnpausedCronDagHasItsNextRunWithinItsPeriod() throws Exception {
        HttpResponse<String> unpaused = gale.send(gale.request("/api/v1/dags/cron_demo", gale.adminToken)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"isPaused\": false}")).build());
        assertThat(unpaused.statusCode()).as(unpaused.body()).isEqualTo(200);
        try {
            Instant next = Instant.parse(find(get("/api/v1/dag-overview").get("dags"), "cron_demo").get("nextRunAt")
                    .asString());
            assertThat(next).isAfter(Instant.now().minusSeconds(1)).isBefore(Instant.now().plusSeconds(61));
            assertThat(next.getEpochSecond() % 60).as("on the minute").isZero();
        } finally {
            gale.send(gale.request("/api/v1/dags/cron_demo", gale.adminToken).header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"isPaused\": true}")).build());
        }
    }

    @Test
    void theGridGivesEachRunsTaskStatesWithMappedTasksCounted() throws Exception {
        String runId = triggerAndWait("mapping_demo", "{\"numbers\": [1, 2, 3, 4]}").get("runId").asString();

        JsonNode grid = get("/api/v1/dags/mapping_demo/grid?runs=5");
        assertThat(grid.get("taskIds").valueStream().map(JsonNode::asString).toList()).containsExactly("square", "sum");
        JsonNode run = grid.get("runs").get(0);
        assertThat(run.get("runId").asString()).isEqualTo(runId);
        assertThat(run.get("state").asString()).isEqualTo("success");
        JsonNode square = run.get("tasks").get(0);
        assertThat(square.get("taskId").asString()).isEqualTo("square");
        assertThat(square.get("mapped").asBoolean()).isTrue();
        assertThat(square.get("mappedStates").get("success").asInt()).isEqualTo(4);
        JsonNode sum = run.get("tasks").get(1);
        assertThat(sum.get("mapped").asBoolean()).isFalse();
        assertThat(sum.get("state").asString()).isEqualTo("success");

        assertThat(gale.get("/api/v1/dags/mapping_demo/grid?runs=0").statusCode()).isEqualTo(400);
        assertThat(gale.get("/api/v1/dags/no_such_dag/grid").statusCode()).isEqualTo(404);
    }

    @Test
    void eventsTellWhichRunsOfTheChosenDagChanged() throws Exception {
        HttpResponse<InputStream> stream = HttpClient.newHttpClient().send(
                gale.request("/api/v1/events?dagId=hello", gale.adminToken).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).as("the stream opens at once").isEqualTo(":connected");
            // A run of another DAG first: the filter keeps it out of this stream.
            triggerAndWait("experiment_demo", "{\"epochs\": 5}");
            String helloRun = triggerAndWait("hello", "{\"name\": \"Events\"}").get("runId").asString();

            List<JsonNode> events = new ArrayList<>();
            CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
                try {
                    String event = null;
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        if (line.startsWith("event:")) {
                            event = line.substring(6);
                        } else if (line.startsWith("data:") && "run".equals(event)) {
                            JsonNode data = JSON.readTree(line.substring(5));
                            events.add(data);
                            if (data.get("runId").asString().equals(helloRun)) {
                                return;
                            }
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            reading.get(30, TimeUnit.SECONDS);
            assertThat(events).isNotEmpty().allSatisfy(e -> assertThat(e.get("dagId").asString()).isEqualTo("hello"));
        }

        HttpResponse<String> anonymous = gale.send(gale.request("/api/v1/events", null).build());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    private static JsonNode find(JsonNode dags, String dagId) {
        return dags.valueStream().filter(d -> d.get("dagId").asString().equals(dagId)).findFirst().orElseThrow();
    }
}
