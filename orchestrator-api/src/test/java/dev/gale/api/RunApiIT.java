package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The runs API through real HTTP on real PostgreSQL: idempotency, listing, cancel, clear, results, task instances. */
class RunApiIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    @RegisterExtension
    static final GaleTestServer gale = GaleTestServer.perClass(Map.of("gale.api.max-wait", "PT2S",
            "gale.api.max-body-size", "10KB"));

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> postWithKey(String path, String body, String key) throws Exception {
        return gale.send(gale.request(path, gale.adminToken).header("Content-Type", "application/json")
                .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void theSameIdempotencyKeyAndBodyReturnTheSameRunAndAnotherBodyIs409() throws Exception {
        String body = "{\"conf\":{\"name\":\"Ada\"},\"note\":\"first try\",\"logicalDate\":\"2026-01-31T00:00:00Z\"}";
        var first = postWithKey("/api/v1/dags/hello/runs", body, "key-1");
        var again = postWithKey("/api/v1/dags/hello/runs", body, "key-1");
        var other = postWithKey("/api/v1/dags/hello/runs", "{\"conf\":{\"name\":\"Grace\"}}", "key-1");

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(json(first).get("note").asString()).isEqualTo("first try");
        assertThat(json(first).get("logicalDate").asString()).isEqualTo("2026-01-31T00:00:00Z");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.headers().firstValue("Gale-Idempotent-Replay")).hasValue("true");
        assertThat(json(again).get("runId")).isEqualTo(json(first).get("runId"));
        assertThat(other.statusCode()).isEqualTo(409);
        assertThat(json(other).get("type").asString()).isEqualTo("urn:gale:problem:idempotency-key-reused");
        assertThat(json(other).get("detail").asString()).contains(json(first).get("runId").asString());
    }

    @Test
    void everyWrongFieldOfATriggerIsListed() throws Exception {
        var response = gale.post("/api/v1/dags/hello/runs", "{\"logicalDate\":\"yesterday\",\"note\":42}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("errors").findValuesAsString("field")).containsExactly("logicalDate", "note");
    }

    @Test
    void runsAreListedNewestFirstPageByPageAndFiltered() throws Exception {
        List<String> triggered = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            triggered.addFirst(json(gale.post("/api/v1/dags/slow_for_tests/runs", "{}")).get("runId").asString());
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = json(gale.get("/api/v1/dags/slow_for_tests/runs?limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor)));
            page.get("runs").forEach(r -> seen.add(r.get("runId").asString()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asString();
        } while (cursor != null);

        assertThat(seen).containsSubsequence(triggered);
        JsonNode acrossDags = json(gale.get("/api/v1/runs?dagId=slow_for_tests&dagId=hello&runType=manual"
                + "&queuedFrom=2000-01-01T00:00:00Z&limit=3"));
        assertThat(acrossDags.get("runs")).hasSize(3);
        assertThat(json(gale.get("/api/v1/runs?state=cancelled&dagId=slow_for_tests")).get("runs")).isEmpty();
        var badState = gale.get("/api/v1/runs?state=done&queuedTo=later");
        assertThat(badState.statusCode()).isEqualTo(400);
        assertThat(json(badState).get("errors").findValuesAsString("field")).containsExactly("state", "queuedTo");
        assertThat(gale.get("/api/v1/runs?limit=5000").statusCode()).isEqualTo(400);
        assertThat(json(gale.get("/api/v1/runs?cursor=garbage")).get("type").asString())
                .isEqualTo("urn:gale:problem:invalid-cursor");
    }

    @Test
    void cancellingARunningRunStopsItAndWakesItsWaiters() throws Exception {
        String runId = json(gale.post("/api/v1/dags/sleepy_for_tests/runs", "{}")).get("runId").asString();
        String base = "/api/v1/dags/sleepy_for_tests/runs/" + runId;
        await().atMost(Duration.ofSeconds(10)).until(() ->
                json(gale.get(base + "/tasks/sleep")).get("state").asString(), "running"::equals);

        var cancelled = gale.post(base + "/cancel", "");

        assertThat(cancelled.statusCode()).isEqualTo(200);
        assertThat(json(cancelled).get("state").asString()).isEqualTo("cancelled");
        assertThat(json(gale.get(base + "/result?wait=PT1S")).get("state").asString()).isEqualTo("cancelled");
        JsonNode attempts = json(gale.get(base + "/tasks/sleep/attempts")).get("attempts");
        assertThat(attempts).hasSize(1);
        assertThat(attempts.get(0).get("state").asString()).isEqualTo("failed");
        assertThat(attempts.get(0).get("error").asString()).isEqualTo("the run was cancelled");
        var again = gale.post(base + "/cancel", "");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(json(again).get("detail").asString()).contains("already ended (cancelled)");
    }

    @Test
    void aFailedRunIs200WithTheErrorAndClearingItRunsTheFailedTaskAgain() throws Exception {
        var failed = gale.post("/api/v1/dags/fails_first_attempt_for_tests/runs?wait=PT2S", "{}");
        assertThat(failed.statusCode()).isEqualTo(200);
        assertThat(json(failed).get("state").asString()).isEqualTo("failed");
        assertThat(json(failed).get("error").asString()).contains("task 'flaky' failed")
                .contains("the first attempt always fails");
        String base = "/api/v1/dags/fails_first_attempt_for_tests/runs/" + json(failed).get("runId").asString();

        var cleared = gale.post(base + "/clear", "");
        assertThat(cleared.statusCode()).isEqualTo(200);
        assertThat(json(cleared).get("state").asString()).isEqualTo("running");

        var result = gale.get(base + "/result?wait=PT2S");
        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(json(result).get("result").asString()).isEqualTo("recovered and done");
        JsonNode tasks = json(gale.get(base + "/tasks?limit=10"));
        assertThat(tasks.get("totalEntries").asInt()).isEqualTo(2);
        assertThat(tasks.get("taskInstances").findValuesAsString("taskId")).containsExactly("after", "flaky");
        assertThat(tasks.get("taskInstances").get(1).get("mapIndex").asInt()).isEqualTo(-1);
        assertThat(json(gale.get(base + "/tasks/flaky/attempts")).get("attempts").findValuesAsString("state"))
                .containsExactly("failed", "success");
        JsonNode xcom = json(gale.get(base + "/tasks/flaky/xcom")).get("entries").get(0);
        assertThat(xcom.get("key").asString()).isEqualTo("return_value");
        assertThat(xcom.get("value").asString()).isEqualTo("recovered");
        assertThat(gale.get(base + "/tasks/nope").statusCode()).isEqualTo(404);
        assertThat(gale.post(base + "/clear", "").statusCode()).isEqualTo(409);
    }

    @Test
    void aWaitLongerThanTheMaximumIsClampedAndSaysSo() throws Exception {
        var response = gale.post("/api/v1/dags/sleepy_for_tests/runs?wait=PT1H", "{}");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Gale-Wait-Clamped-To")).hasValue("PT2S");
        String location = response.headers().firstValue("Location").orElseThrow();
        var resumed = gale.get(location + "/result?wait=PT0.1S");
        assertThat(resumed.statusCode()).isEqualTo(202);
        gale.post(location + "/cancel", "");
    }

    @Test
    void aWaitIsAnIsoOrASimpleDurationAndAnythingElseIsAProblemSayingWhichForms() throws Exception {
        var simple = gale.post("/api/v1/dags/sleepy_for_tests/runs?wait=1h", "{}");
        assertThat(simple.statusCode()).isEqualTo(202);
        assertThat(simple.headers().firstValue("Gale-Wait-Clamped-To")).hasValue("PT2S");
        gale.post(simple.headers().firstValue("Location").orElseThrow() + "/cancel", "");

        var bad = gale.post("/api/v1/dags/sleepy_for_tests/runs?wait=soon", "{}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(json(bad).get("detail").asString()).contains("PT30S or 30s").contains("'soon'");
        assertThat(json(gale.post("/api/v1/dags/sleepy_for_tests/runs?wait=-5s", "{}")).get("detail").asString())
                .contains("must not be negative");
    }

    @Test
    void aClientThatGoesAwayDoesNotCancelItsRun() throws Exception {
        var waiting = gale.sendAsync(gale.request("/api/v1/dags/slow_for_tests/runs?wait=PT2S", gale.adminToken)
                .header("Content-Type", "application/json").header("Idempotency-Key", "walk-away")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        await().atMost(Duration.ofSeconds(5)).until(() -> postWithKey("/api/v1/dags/slow_for_tests/runs", "{}",
                "walk-away").statusCode() == 200);
        waiting.cancel(true);

        String runId = json(postWithKey("/api/v1/dags/slow_for_tests/runs", "{}", "walk-away")).get("runId")
                .asString();
        var result = gale.get("/api/v1/dags/slow_for_tests/runs/" + runId + "/result?wait=PT2S");
        assertThat(json(result).get("state").asString()).isEqualTo("success");
    }

    @Test
    void oversizedBodiesAre413() throws Exception {
        String big = "{\"conf\":{\"name\":\"" + "x".repeat(20_000) + "\"}}";

        var declared = gale.post("/api/v1/dags/hello/runs", big);
        var chunked = gale.send(gale.request("/api/v1/dags/hello/runs", gale.adminToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big.getBytes())))
                .build());

        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(declared.headers().firstValue("Content-Type")).get().asString().startsWith("application/problem+json");
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(json(chunked).get("type").asString()).isEqualTo("urn:gale:problem:body-too-large");
    }

    @Test
    void dagsAreFilteredPausedAndVersioned() throws Exception {
        JsonNode slowOnes = json(gale.get("/api/v1/dags?tag=slow&limit=1"));
        assertThat(slowOnes.get("totalEntries").asInt()).isEqualTo(2);
        assertThat(slowOnes.get("dags")).hasSize(1);
        assertThat(json(gale.get("/api/v1/dags/hello/versions")).get("versions").get(0).get("current").asBoolean())
                .isTrue();

        var paused = gale.send(gale.request("/api/v1/dags/hello", gale.adminToken)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"isPaused\":true}")).build());
        try {
            assertThat(json(paused).get("isPaused").asBoolean()).isTrue();
            // cron_demo ships paused; hello was just paused.
            assertThat(json(gale.get("/api/v1/dags?paused=true")).get("dags").findValuesAsString("dagId"))
                    .containsExactly("cron_demo", "hello");
            var refused = gale.post("/api/v1/dags/hello/runs", "{}");
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(json(refused).get("detail").asString()).contains("is paused");
        } finally {
            gale.send(gale.request("/api/v1/dags/hello", gale.adminToken).header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"isPaused\":false}")).build());
        }
    }

    @Test
    void springsOwnErrorsAreProblemsWithAGaleType() throws Exception {
        var wrongMethod = gale.send(gale.request("/api/v1/dags/hello", gale.adminToken)
                .DELETE().build());
        var wrongType = gale.get("/api/v1/dags?limit=many");

        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(json(wrongMethod).get("type").asString()).isEqualTo("urn:gale:problem:method-not-allowed");
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(json(wrongType).get("type").asString()).isEqualTo("urn:gale:problem:bad-request");
        assertThat(json(wrongType).get("detail").isNull()).isFalse();
    }
}
