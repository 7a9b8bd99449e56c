package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gale.api.security.Role;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Approvals end to end: a real server, scheduler and worker over gRPC. The approval task defers on a
 * human request, holding no worker slot; a decision over REST resumes it, its output is the decision, and
 * a branch option skips the untaken path.
 */
class ApprovalsIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @RegisterExtension
    static final GaleTestServer gale = GaleTestServer.perClass(Map.of("gale.scheduler.interval", "PT0.2S"));

    @Test
    void anEditedPublishDecisionIsTheApprovalsOutputAndTheDiscardBranchIsSkipped() throws Exception {
        String runId = trigger(TestDagsHitl.REVIEW);
        JsonNode request = pending(runId);
        assertThat(taskState(TestDagsHitl.REVIEW, runId, "review")).isEqualTo("deferred");
        assertThat(request.get("options").toString()).isEqualTo("[\"publish\",\"discard\"]");
        assertThat(request.at("/form/0/defaultValue").asString())
                .as("the form is made when the task runs, from its input").isEqualTo("Paris is the capital of France.");

        HttpResponse<String> decided = gale.post("/api/v1/hitl/" + request.get("id").asLong() + "/decision",
                "{\"option\": \"publish\", \"values\": {\"answer\": \"Paris.\", \"stars\": 4}}",
                gale.token("erin", Role.OPERATOR));
        assertThat(decided.statusCode()).as(decided.body()).isEqualTo(200);

        JsonNode run = finished(TestDagsHitl.REVIEW, runId);
        assertThat(run.get("state").asString()).isEqualTo("success");
        assertThat(run.get("result").toString()).isEqualTo("{\"by\":\"erin\",\"published\":\"Paris.\"}");
        assertThat(taskState(TestDagsHitl.REVIEW, runId, "discard")).isEqualTo("skipped");
        assertThat(taskState(TestDagsHitl.REVIEW, runId, "notify")).as("not named by an option").isEqualTo("success");
        JsonNode output = xcom(TestDagsHitl.REVIEW, runId, "review");
        assertThat(output.get("option").asString()).isEqualTo("publish");
        assertThat(output.get("decidedBy").asString()).isEqualTo("erin");
        assertThat(output.get("follow").toString()).isEqualTo("[\"publish\",\"notify\"]");
        JsonNode task = JSON.readTree(gale.get("/api/v1/dags/" + TestDagsHitl.REVIEW + "/runs/" + runId
                + "/tasks/review").body());
        assertThat(task.get("attempt").asInt()).as("waiting used up no retry").isEqualTo(1);
    }

    @Test
    void discardingSkipsThePublishPathAndTheRunGoesOn() throws Exception {
        String runId = trigger(TestDagsHitl.REVIEW);
        JsonNode request = pending(runId);
        HttpResponse<String> decided = gale.post("/api/v1/hitl/" + request.get("id").asLong() + "/decision",
                "{\"option\": \"discard\", \"comment\": \"off topic\"}");
        assertThat(decided.statusCode()).as(decided.body()).isEqualTo(200);

        JsonNode run = finished(TestDagsHitl.REVIEW, runId);
        assertThat(run.get("state").asString()).isEqualTo("success");
        assertThat(taskState(TestDagsHitl.REVIEW, runId, "publish")).isEqualTo("skipped");
        assertThat(xcom(TestDagsHitl.REVIEW, runId, "discard").asString()).isEqualTo("discarded by test-admin");
        assertThat(gale.post("/api/v1/hitl/" + request.get("id").asLong() + "/decision", "{\"option\": \"publish\"}")
                .statusCode()).as("deciding twice").isEqualTo(409);
    }

    @Test
    void aRequestNobodyAnswersTakesItsDefaultOutcomeAtItsTimeout() throws Exception {
        String runId = trigger(TestDagsHitl.TIMES_OUT);
        long id = pending(runId).get("id").asLong();

        JsonNode run = finished(TestDagsHitl.TIMES_OUT, runId);
        assertThat(run.get("state").asString()).as(run.toString()).isEqualTo("success");
        assertThat(run.get("result").toString()).isEqualTo("{\"option\":\"reject\",\"timedOut\":true}");
        JsonNode request = JSON.readTree(gale.get("/api/v1/hitl/" + id).body()).get("request");
        assertThat(request.get("state").asString()).isEqualTo("decided");
        assertThat(request.at("/decision/timedOut").asBoolean()).isTrue();
        assertThat(gale.post("/api/v1/hitl/" + id + "/decision", "{\"option\": \"approve\"}").statusCode())
                .as("too late").isEqualTo(409);
    }

    private static String trigger(String dagId) throws Exception {
        HttpResponse<String> run = gale.post("/api/v1/dags/" + dagId + "/runs", "{}");
        assertThat(run.statusCode()).as(run.body()).isBetween(200, 201);
        return JSON.readTree(run.body()).get("runId").asString();
    }

    /** The run's pending request, once its approval task has deferred. */
    private static JsonNode pending(String runId) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (JsonNode r : JSON.readTree(gale.get("/api/v1/hitl?state=pending").body()).get("requests")) {
                if (r.get("runId").asString().equals(runId)) {
                    found[0] = r;
                }
            }
            return found[0] != null;
        });
        return found[0];
    }

    private static JsonNode finished(String dagId, String runId) {
        JsonNode[] run = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            run[0] = JSON.readTree(gale.get("/api/v1/dags/" + dagId + "/runs/" + runId).body());
            return !run[0].get("state").asString().matches("queued|running");
        });
        return run[0];
    }

    private static String taskState(String dagId, String runId, String taskId) throws Exception {
        return JSON.readTree(gale.get("/api/v1/dags/" + dagId + "/runs/" + runId + "/tasks/" + taskId).body())
                .get("state").asString();
    }

    private static JsonNode xcom(String dagId, String runId, String taskId) throws Exception {
        JsonNode entries = JSON.readTree(gale.get("/api/v1/dags/" + dagId + "/runs/" + runId + "/tasks/" + taskId
                + "/xcom").body()).get("entries");
        for (JsonNode e : entries) {
            if (e.get("key").asString().equals("return_value")) {
                return e.get("value");
            }
        }
        throw new AssertionError("no output of " + taskId + ": " + entries);
    }
}
