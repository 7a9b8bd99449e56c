package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The rag_answer_reviewed example on a real server and worker, offline: the shipped corpus is ingested,
 * a question answered, and a person publishes the answer edited, or discards it.
 */
class RagAnswerReviewedIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path SHIPPED_CORPUS = Path.of("../examples/docs").toAbsolutePath().normalize();
    private static GaleTestServer gale;
    private static String previousHome;

    @TempDir
    static Path home;

    @BeforeAll
    static void start() throws Exception {
        previousHome = System.getProperty("gale.home");
        System.setProperty("gale.home", home.toString());
        gale = new GaleTestServer(Map.of("gale.scheduler.interval", "PT0.2S"));
        HttpResponse<String> ingest = gale.post("/api/v1/dags/rag_ingest/runs?wait=PT120S",
                "{\"conf\": {\"path\": \"" + SHIPPED_CORPUS + "\"}}");
        assertThat(JSON.readTree(ingest.body()).get("state").asString()).as(ingest.body()).isEqualTo("success");
    }

    @AfterAll
    static void stop() {
        gale.close();
        if (previousHome == null) {
            System.clearProperty("gale.home");
        } else {
            System.setProperty("gale.home", previousHome);
        }
    }

    @Test
    void anEditedAnswerIsPublishedAsTheRunsResultAndRecordedAsAnAssetVersion() throws Exception {
        String runId = trigger("How do I run a task on a GPU?");
        JsonNode request = pending(runId);
        assertThat(request.get("subject").asString()).isEqualTo("Publish the answer to: How do I run a task on a GPU?");
        assertThat(request.get("body").asString()).contains("## Sources", "gpu-workers.md");
        String generated = request.at("/form/0/defaultValue").asString();
        assertThat(generated).isNotBlank();
        JsonNode shown = JSON.readTree(gale.get("/api/v1/hitl/" + request.get("id").asLong()).body()).at("/shownOutputs/answer");
        assertThat(shown.get("answer").asString()).isEqualTo(generated);

        HttpResponse<String> decided = gale.post("/api/v1/hitl/" + request.get("id").asLong() + "/decision",
                "{\"option\": \"publish\", \"values\": {\"answer\": \"Ask for a GPU with resources(...) [1].\"}}");
        assertThat(decided.statusCode()).as(decided.body()).isEqualTo(200);

        JsonNode run = finished(runId);
        assertThat(run.get("state").asString()).isEqualTo("success");
        JsonNode result = run.get("result");
        assertThat(result.get("answer").asString()).isEqualTo("Ask for a GPU with resources(...) [1].");
        assertThat(result.get("edited").asBoolean()).isTrue();
        assertThat(result.get("approvedBy").asString()).isEqualTo("test-admin");
        JsonNode record = JSON.readTree(gale.get("/api/v1/assets?namePrefix=report://reviewed-answers").body())
                .get("assets").get(0);
        assertThat(record.get("latestVersion").asInt()).isEqualTo(result.get("recordVersion").asInt());
    }

    @Test
    void aDiscardedAnswerIsNotPublishedAndSaysWhy() throws Exception {
        String runId = trigger("What is an asset alias?");
        JsonNode request = pending(runId);
        assertThat(gale.post("/api/v1/hitl/" + request.get("id").asLong() + "/decision",
                "{\"option\": \"discard\", \"comment\": \"cites the wrong page\"}").statusCode()).isEqualTo(200);

        JsonNode run = finished(runId);
        assertThat(run.get("state").asString()).isEqualTo("success");
        assertThat(run.get("result").isNull()).as("publish, the result task, is skipped").isTrue();
        JsonNode discard = JSON.readTree(gale.get("/api/v1/dags/rag_answer_reviewed/runs/" + runId
                + "/tasks/discard/xcom").body()).at("/entries/0/value");
        assertThat(discard.get("why").asString()).isEqualTo("discarded by test-admin: cites the wrong page");
    }

    private static String trigger(String question) throws Exception {
        HttpResponse<String> run = gale.post("/api/v1/dags/rag_answer_reviewed/runs",
                "{\"conf\": {\"question\": \"" + question + "\"}}");
        assertThat(run.statusCode()).as(run.body()).isBetween(200, 201);
        return JSON.readTree(run.body()).get("runId").asString();
    }

    private static JsonNode pending(String runId) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (JsonNode r : JSON.readTree(gale.get("/api/v1/hitl?state=pending&dagId=rag_answer_reviewed").body())
                    .get("requests")) {
                if (r.get("runId").asString().equals(runId)) {
                    found[0] = r;
                }
            }
            return found[0] != null;
        });
        return found[0];
    }

    private static JsonNode finished(String runId) {
        JsonNode[] run = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            run[0] = JSON.readTree(gale.get("/api/v1/dags/rag_answer_reviewed/runs/" + runId).body());
            return !run[0].get("state").asString().matches("queued|running");
        });
        return run[0];
    }
}
