package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The example DAGs that ship with Gale, run through the real server and a worker over gRPC. */
class ExampleDagsIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    @RegisterExtension
    static final GaleTestServer gale = GaleTestServer.perClass(Map.of("gale.scheduler.interval", "PT0.2S"));

    private static JsonNode trigger(String dagId, String body) throws Exception {
        HttpResponse<String> response = gale.post("/api/v1/dags/" + dagId + "/runs?wait=PT30S", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    void branchingDemoFollowsTheEvenOrOddPathAndJoins() throws Exception {
        JsonNode even = trigger("branching_demo", "{\"conf\": {\"number\": 4}}");
        JsonNode odd = trigger("branching_demo", "{\"conf\": {\"number\": 7}}");

        assertThat(even.get("state").asString()).isEqualTo("success");
        assertThat(even.get("result").asString()).isEqualTo("done: 4");
        assertThat(odd.get("state").asString()).isEqualTo("success");
    }

    @Test
    void mappingDemoSquaresAHundredNumbersInAHundredInstancesAndSumsThem() throws Exception {
        JsonNode run = trigger("mapping_demo", "{}");

        assertThat(run.get("state").asString()).isEqualTo("success");
        assertThat(run.get("result").asLong()).isEqualTo(338_350L);

        JsonNode small = trigger("mapping_demo", "{\"conf\": {\"numbers\": [2, 3]}}");
        assertThat(small.get("result").asLong()).isEqualTo(13L);
    }

    @Test
    void retryDemoFailsTwiceThenSucceedsOnTheThirdAttempt() throws Exception {
        JsonNode run = trigger("retry_demo", "{}");

        assertThat(run.get("state").asString()).isEqualTo("success");
        assertThat(run.get("result").asString()).isEqualTo("succeeded on attempt 3");
    }

    @Test
    void cronDemoIsLoadedPausedWithItsSchedule() throws Exception {
        JsonNode dag = JSON.readTree(gale.get("/api/v1/dags/cron_demo").body());

        assertThat(dag.get("isPaused").asBoolean()).isTrue();
    }

    @Test
    void llmRoutingDemoRunsOfflineOnTheExtractiveAnswererAndTheInProcessEmbeddingModel() throws Exception {
        JsonNode run = trigger("llm_routing_demo", "{}");

        assertThat(run.get("state").asString()).isEqualTo("success");
        assertThat(run.get("result").get("triage").asString()).isEqualTo("local/extractive");
        JsonNode usage = JSON.readTree(gale.get("/api/v1/dags/llm_routing_demo/runs/" + run.get("runId").asString()
                + "/llm-usage").body());
        assertThat(usage.get("calls").findValuesAsString("model")).containsOnly("extractive", "all-minilm-l6-v2");
        assertThat(usage.get("calls")).hasSize(4);
        JsonNode draft = JSON.readTree(gale.get("/api/v1/dags/llm_routing_demo/runs/" + run.get("runId").asString()
                + "/tasks/draft_reply/xcom").body());
        assertThat(draft.toString()).contains("No language model is configured", "[refunds.md] Refunds for duplicate"
                + " charges");
    }

    @Test
    void inboxDemoWaitsDeferredForACsvThenCountsItsRowsAndMovesItAside() throws Exception {
        java.nio.file.Path inbox = java.nio.file.Files.createDirectories(dev.gale.examples.InboxDemo.INBOX);
        try (var stale = java.nio.file.Files.newDirectoryStream(inbox, "*.csv")) {
            for (java.nio.file.Path file : stale) {
                java.nio.file.Files.delete(file);
            }
        }
        String runId = JSON.readTree(gale.post("/api/v1/dags/inbox_demo/runs", "{}").body()).get("runId").asString();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> JSON.readTree(gale.get(
                "/api/v1/dags/inbox_demo/runs/" + runId + "/tasks/wait_for_csv").body()).get("state").asString()
                .equals("deferred"));
        String name = "day-" + runId.replaceAll("[^A-Za-z0-9]", "") + ".csv";
        java.nio.file.Files.writeString(inbox.resolve(name), "id,amount\n1,10\n2,20\n");

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> JSON.readTree(
                gale.get("/api/v1/dags/inbox_demo/runs/" + runId).body()).get("state").asString().equals("success"));
        JsonNode result = JSON.readTree(gale.get("/api/v1/dags/inbox_demo/runs/" + runId).body()).get("result");
        assertThat(result.get("files").asInt()).isEqualTo(1);
        assertThat(result.get("rows").asInt()).isEqualTo(3);
        assertThat(inbox.resolve("done").resolve(name)).exists();
    }
}
