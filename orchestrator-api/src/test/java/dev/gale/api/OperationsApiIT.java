package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gale.api.security.Role;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Day-to-day operations over REST on a real server with a worker: backfills (create, watch progress to
 * completion, pause, cancel, errors) and pools (create, resize, use, delete).
 */
class OperationsApiIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    @RegisterExtension
    static final GaleTestServer gale = GaleTestServer.perClass(Map.of("gale.scheduler.interval", "PT0.2S"));

    private static JsonNode ok(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    @Test
    void aBackfillRunsEachIntervalOfItsRangeAndReportsItsProgressUntilItCompletes() throws Exception {
        // cron_demo fires every minute and is paused: a backfill runs it anyway.
        HttpResponse<String> created = gale.post("/api/v1/dags/cron_demo/backfills", """
                {"from": "2026-01-01T00:00:00Z", "to": "2026-01-01T00:04:00Z", "maxActiveRuns": 2,
                 "order": "newest_first"}""");
        JsonNode backfill = ok(created, 201);
        long id = backfill.get("backfillId").asLong();
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/dags/cron_demo/backfills/" + id);
        assertThat(backfill.get("state").asString()).isEqualTo("running");
        assertThat(backfill.get("progress").get("total").asInt()).isEqualTo(5);
        assertThat(backfill.get("intervals").get(0).get("logicalDate").asString()).isEqualTo("2026-01-01T00:04:00Z");
        assertThat(backfill.get("intervals").get(0).get("dataIntervalStart").asString())
                .isEqualTo("2026-01-01T00:03:00Z");

        JsonNode done = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
                .until(() -> ok(gale.get("/api/v1/dags/cron_demo/backfills/" + id), 200),
                        b -> b.get("state").asString().equals("completed"));

        assertThat(done.get("progress").get("done").asInt()).isEqualTo(5);
        assertThat(done.get("progress").get("succeeded").asInt()).isEqualTo(5);
        assertThat(done.get("endedAt").isNull()).isFalse();
        assertThat(done.get("intervals").valueStream().map(i -> i.get("runState").asString()).toList())
                .containsOnly("success");
        JsonNode runs = ok(gale.get("/api/v1/dags/cron_demo/runs?runType=backfill&limit=100"), 200);
        assertThat(runs.get("runs").valueStream().map(r -> r.get("logicalDate").asString()).toList())
                .contains("2026-01-01T00:00:00Z", "2026-01-01T00:04:00Z");
        String last = runs.get("runs").valueStream().filter(r -> r.get("logicalDate").asString()
                .equals("2026-01-01T00:04:00Z")).findFirst().orElseThrow().get("runId").asString();
        String base = "/api/v1/dags/cron_demo/runs/" + last + "/tasks/";
        JsonNode dates = ok(gale.get(base + "tick/xcom"), 200).get("entries").get(0).get("value");
        assertThat(dates.get("logicalDate").asString()).isEqualTo("2026-01-01T00:04:00Z");
        assertThat(dates.get("dataIntervalStart").asString()).isEqualTo("2026-01-01T00:03:00Z");
        assertThat(dates.get("dataIntervalEnd").asString()).isEqualTo("2026-01-01T00:04:00Z");
        assertThat(ok(gale.get(base + "window/logs"), 200).get("lines").get(0).get("line").asString())
                .as("a child process gets the dates as environment variables")
                .isEqualTo("run " + last + " covers 2026-01-01T00:03:00Z to 2026-01-01T00:04:00Z"
                        + " (logical date 2026-01-01T00:04:00Z)");
        assertThat(ok(gale.get("/api/v1/dags/cron_demo/backfills"), 200).get("backfills").valueStream()
                .map(b -> b.get("backfillId").asLong()).toList()).contains(id);

        JsonNode again = ok(gale.post("/api/v1/dags/cron_demo/backfills", """
                {"from": "2026-01-01T00:00:00Z", "to": "2026-01-01T00:04:00Z", "reprocess": "skip"}"""), 201);
        assertThat(again.get("progress").get("total").asInt()).as("every interval has a run").isZero();
        assertThat(again.get("progress").get("skipped").asInt()).isEqualTo(5);
    }

    @Test
    void aPausedBackfillStartsNothingUntilResumedAndACancelledOneCannotResume() throws Exception {
        JsonNode backfill = ok(gale.post("/api/v1/dags/cron_demo/backfills", """
                {"from": "2026-02-01", "to": "2026-02-01T00:09:00Z", "maxActiveRuns": 1}"""), 201);
        String path = "/api/v1/dags/cron_demo/backfills/" + backfill.get("backfillId").asLong();

        JsonNode paused = ok(gale.post(path + "/pause", ""), 200);
        assertThat(paused.get("state").asString()).isEqualTo("paused");
        int startedWhilePaused = paused.get("progress").get("done").asInt() + paused.get("progress").get("active").asInt();
        assertThat(startedWhilePaused).isLessThanOrEqualTo(1);
        assertThat(ok(gale.post(path + "/resume", ""), 200).get("state").asString()).isEqualTo("running");
        await().atMost(Duration.ofSeconds(60)).until(() -> ok(gale.get(path), 200).get("progress").get("done").asInt() >= 2);

        JsonNode cancelled = ok(gale.post(path + "/cancel", ""), 200);
        assertThat(cancelled.get("state").asString()).isEqualTo("cancelled");
        JsonNode conflict = ok(gale.post(path + "/resume", ""), 409);
        assertThat(conflict.get("detail").asString()).contains("is cancelled; only a paused backfill can resume");
        assertThat(conflict.get("type").asString()).isEqualTo("urn:gale:problem:backfill-state");
        assertThat(conflict.get("title").asString()).isEqualTo("Not possible in the backfill's state");
        assertThat(ok(gale.post(path + "/pause", ""), 409).get("detail").asString())
                .contains("is cancelled; only a running backfill can pause");
    }

    @Test
    void aBadBackfillRequestIsA4xxProblemSayingWhatToFix() throws Exception {
        JsonNode missing = ok(gale.post("/api/v1/dags/cron_demo/backfills", """
                {"to": "yesterday", "reprocess": "sometimes", "maxActiveRuns": 0}"""), 400);
        assertThat(missing.get("type").asString()).isEqualTo("urn:gale:problem:invalid-backfill");
        assertThat(missing.get("errors").valueStream().map(e -> e.get("field").asString()).toList())
                .containsExactlyInAnyOrder("from", "to", "reprocess", "maxActiveRuns");
        assertThat(missing.get("detail").asString()).contains("must be one of skip, failed, all");

        JsonNode noSchedule = ok(gale.post("/api/v1/dags/hello/backfills", """
                {"from": "2026-01-01", "to": "2026-01-02"}"""), 400);
        assertThat(noSchedule.get("detail").asString()).contains("DAG 'hello' has no cron schedule");
        assertThat(noSchedule.get("title").asString()).isEqualTo("Backfill not possible for this DAG or range");
        JsonNode tooMany = ok(gale.post("/api/v1/dags/cron_demo/backfills", """
                {"from": "2020-01-01", "to": "2026-01-02"}"""), 400);
        assertThat(tooMany.get("detail").asString()).contains("split it into several backfills");
        assertThat(ok(gale.post("/api/v1/dags/nope/backfills", """
                {"from": "2026-01-01", "to": "2026-01-02"}"""), 404).get("type").asString())
                .isEqualTo("urn:gale:problem:unknown-dag");
        assertThat(ok(gale.get("/api/v1/dags/cron_demo/backfills/424242"), 404).get("detail").asString())
                .contains("has no backfill 424242");
        assertThat(gale.post("/api/v1/dags/cron_demo/backfills", "[1]").statusCode()).isEqualTo(400);
        assertThat(List.of(gale.post("/api/v1/dags/cron_demo/backfills", "").statusCode())).containsOnly(400);
    }

    private static HttpResponse<String> put(String path, String body, String token) throws Exception {
        return gale.send(gale.request(path, token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void poolsAreCreatedResizedShownWithTheirUseAndDeletedOverRest() throws Exception {
        JsonNode created = ok(put("/api/v1/pools/reports", "{\"slots\": 2, \"description\": \"the report DB\"}",
                gale.adminToken), 200);
        assertThat(created.get("slots").asInt()).isEqualTo(2);
        assertThat(created.get("openSlots").asInt()).isEqualTo(2);
        assertThat(created.get("usedSlots").asInt()).isZero();
        JsonNode resized = ok(put("/api/v1/pools/reports", "{\"slots\": 5}", gale.adminToken), 200);
        assertThat(resized.get("slots").asInt()).isEqualTo(5);
        assertThat(ok(gale.get("/api/v1/pools"), 200).get("pools").valueStream().map(p -> p.get("name").asString())
                .toList()).contains("reports");

        String operator = gale.token("pool-operator", Role.OPERATOR);
        assertThat(put("/api/v1/pools/reports", "{\"slots\": 1}", operator).statusCode()).as("admins manage pools")
                .isEqualTo(403);
        JsonNode bad = ok(put("/api/v1/pools/reports", "{\"slots\": \"many\"}", gale.adminToken), 400);
        assertThat(bad.get("errors").get(0).get("field").asString()).isEqualTo("slots");
        JsonNode negative = ok(put("/api/v1/pools/reports", "{\"slots\": -3}", gale.adminToken), 400);
        assertThat(negative.get("detail").asString()).contains("slots must be 0 or more");
        assertThat(negative.get("title").asString()).isEqualTo("Invalid pool");

        HttpResponse<String> deleted = gale.send(gale.request("/api/v1/pools/reports", gale.adminToken).DELETE().build());
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(ok(gale.get("/api/v1/pools/reports"), 404).get("detail").asString())
                .contains("there is no pool 'reports'");
    }

    private static JsonNode awaitRun(String dagId, String runId, String state) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> ok(gale.get("/api/v1/dags/" + dagId + "/runs/" + runId), 200),
                        r -> r.get("state").asString().equals(state));
    }

    @Test
    void oneTaskIsClearedWithItsDownstreamOrMarkedFailedAndEachIsRecordedWithWhoAndWhy() throws Exception {
        JsonNode failed = ok(gale.post("/api/v1/dags/fails_first_attempt_for_tests/runs?wait=PT60S", "{}"), 200);
        assertThat(failed.get("state").asString()).isEqualTo("failed");
        String runId = failed.get("runId").asString();
        String run = "/api/v1/dags/fails_first_attempt_for_tests/runs/" + runId;

        JsonNode cleared = ok(gale.post(run + "/tasks/flaky/clear", "{\"downstream\": true, \"reason\": \"source is back\"}"), 200);
        assertThat(cleared.get("state").asString()).isEqualTo("running");
        assertThat(awaitRun("fails_first_attempt_for_tests", runId, "success").get("result").asString())
                .isEqualTo("recovered and done");

        JsonNode marked = ok(gale.post(run + "/tasks/after/mark", "{\"state\": \"failed\", \"reason\": \"wrong day loaded\"}"), 200);
        assertThat(marked.get("state").asString()).isEqualTo("failed");
        assertThat(marked.get("error").asString()).contains("wrong day loaded");

        JsonNode history = ok(gale.get(run + "/actions"), 200).get("actions");
        assertThat(history.valueStream().map(a -> a.get("action").asString() + ": " + a.get("reason").asString()).toList())
                .containsExactly("clear_with_downstream: source is back", "mark_failed: wrong day loaded");
        assertThat(history.get(0).get("actor").asString()).isNotBlank();

        JsonNode bad = ok(gale.post(run + "/tasks/flaky/mark", "{\"state\": \"done\"}"), 400);
        assertThat(bad.get("errors").valueStream().map(e -> e.get("field").asString()).toList())
                .containsExactlyInAnyOrder("reason", "state");
        assertThat(ok(gale.post(run + "/tasks/nope/clear", "{\"reason\": \"x\"}"), 404).get("detail").asString())
                .contains("has no task 'nope'");
        assertThat(ok(gale.post("/api/v1/dags/fails_first_attempt_for_tests/runs/nope/tasks/flaky/mark",
                "{\"state\": \"failed\", \"reason\": \"x\"}"), 404).get("type").asString())
                .isEqualTo("urn:gale:problem:unknown-run");
    }
}
