package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gale.sdk.RunCallbackContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Task and run callbacks on a real server, PostgreSQL and worker over gRPC: each runs on the worker, once,
 * with the run's context; one that throws or hangs changes no outcome; run callbacks are recorded in the
 * outbox with their delivery, and one that throws is run again.
 */
class CallbacksIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    @RegisterExtension
    static final GaleTestServer gale = GaleTestServer.perClass(Map.of("gale.scheduler.interval", "PT0.2S",
            "gale.heartbeat.interval", "PT0.2S"));

    private static JsonNode trigger(String dagId, String body) throws Exception {
        JsonNode run = JSON.readTree(gale.post("/api/v1/dags/" + dagId + "/runs?wait=PT60S", body).body());
        assertThat(run.has("runId")).as(run.toString()).isTrue();
        return run;
    }

    private static List<String> taskCalls(String runId) {
        return TestDagsCallbacks.TASK_CALLS.stream().filter(c -> c.contains(" " + runId + " ")).toList();
    }

    private static List<TestDagsCallbacks.RunCall> runCalls(String runId) {
        return TestDagsCallbacks.RUN_CALLS.stream().filter(c -> c.runId().equals(runId)).toList();
    }

    private static List<String> logLines(String dagId, String runId, String taskId, int attempt) throws Exception {
        JsonNode page = JSON.readTree(gale.get("/api/v1/dags/" + dagId + "/runs/" + runId + "/tasks/" + taskId
                + "/logs?mapIndex=-1&attempt=" + attempt + "&offset=0").body());
        List<String> lines = new ArrayList<>();
        page.get("lines").forEach(l -> lines.add(l.get("line").asString()));
        return lines;
    }

    private static JsonNode notifications(String dagId, String runId) throws Exception {
        return JSON.readTree(gale.get("/api/v1/dags/" + dagId + "/runs/" + runId + "/notifications").body())
                .get("notifications");
    }

    @Test
    void aTaskThatFailsAfterItsRetriesCallsOnRetryPerRetryThenOnFailureAndTheRunsFailureCallbackRunsAgainAfterThrowing()
            throws Exception {
        JsonNode run = trigger("callbacks_retried_for_tests",
                "{\"conf\":{\"who\":\"ops\"},\"logicalDate\":\"2026-01-31T00:00:00Z\"}");
        assertThat(run.get("state").asString()).isEqualTo("failed");
        String runId = run.get("runId").asString();

        String prefix = "callbacks_retried_for_tests " + runId + " flaky -1 ";
        assertThat(taskCalls(runId)).containsExactly(
                prefix + "1 RETRY java.lang.IllegalStateException: attempt 1 broke ops 2026-01-31T00:00:00Z",
                prefix + "2 RETRY java.lang.IllegalStateException: attempt 2 broke ops 2026-01-31T00:00:00Z",
                prefix + "3 FAILURE java.lang.IllegalStateException: attempt 3 broke ops 2026-01-31T00:00:00Z");
        assertThat(logLines("callbacks_retried_for_tests", runId, "flaky", 3))
                .contains("Running the onFailure callback", "callback saw FAILURE");

        // The first delivery throws; the outbox retries it (after 10 s) and records the second as delivered.
        List<TestDagsCallbacks.RunCall> calls = await().atMost(Duration.ofSeconds(40))
                .until(() -> runCalls(runId), c -> c.size() == 2);
        assertThat(calls).extracting(TestDagsCallbacks.RunCall::attempt).containsExactly(1, 2);
        TestDagsCallbacks.RunCall call = calls.getLast();
        assertThat(call.event()).isEqualTo("failed");
        assertThat(call.dagId()).isEqualTo("callbacks_retried_for_tests");
        assertThat(call.state()).isEqualTo("failed");
        assertThat(call.params()).containsEntry("who", "ops");
        assertThat(call.failed()).containsExactly(new RunCallbackContext.FailedTask("flaky", -1,
                "java.lang.IllegalStateException: attempt 3 broke"));

        JsonNode delivery = await().atMost(Duration.ofSeconds(10)).until(
                () -> notifications("callbacks_retried_for_tests", runId).get(0),
                n -> n.get("state").asString().equals("delivered"));
        assertThat(delivery.get("kind").asString()).isEqualTo("callback");
        assertThat(delivery.get("url").asString()).isEqualTo("queue:default");
        assertThat(delivery.get("event").asString()).isEqualTo("failed");
        assertThat(delivery.get("attempts").asInt()).isEqualTo(2);
        assertThat(delivery.get("lastError").asString()).contains("test-worker", "the pager is down");
        assertThat(notifications("callbacks_retried_for_tests", runId)).hasSize(1);
    }

    @Test
    void aSucceedingTaskCallsOnlyOnSuccessAndTheRunsSuccessCallbackRunsOnceOnAWorker() throws Exception {
        JsonNode run = trigger("callbacks_success_for_tests", "{}");
        assertThat(run.get("state").asString()).isEqualTo("success");
        String runId = run.get("runId").asString();

        assertThat(taskCalls(runId)).containsExactly("callbacks_success_for_tests " + runId + " ok -1 1 SUCCESS - nobody -");
        await().atMost(Duration.ofSeconds(20)).until(
                () -> notifications("callbacks_success_for_tests", runId).get(0).get("state").asString()
                        .equals("delivered"));
        List<TestDagsCallbacks.RunCall> calls = runCalls(runId);
        assertThat(calls).hasSize(1);
        assertThat(calls.getFirst().event()).isEqualTo("success");
        assertThat(calls.getFirst().state()).isEqualTo("success");
        assertThat(calls.getFirst().failed()).isEmpty();
        assertThat(calls.getFirst().params()).containsEntry("who", "nobody");
        // Still once a few polls later: a delivered callback is not handed out again.
        Thread.sleep(2_500);
        assertThat(runCalls(runId)).hasSize(1);
    }

    @Test
    void aCallbackThatThrowsOrHangsIsLoggedAndLeavesTheTasksOutcomeAsItWas() throws Exception {
        long started = System.nanoTime();
        JsonNode run = trigger("callbacks_throwing_for_tests", "{}");
        String runId = run.get("runId").asString();
        assertThat(run.get("state").asString()).isEqualTo("failed");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the hanging callback was given up after 1 s")
                .isLessThan(Duration.ofSeconds(30));

        JsonNode tasks = JSON.readTree(gale.get("/api/v1/dags/callbacks_throwing_for_tests/runs/" + runId
                + "/tasks").body());
        Map<String, String> states = new java.util.HashMap<>();
        tasks.get("taskInstances").forEach(t -> states.put(t.get("taskId").asString(), t.get("state").asString()));
        assertThat(states).containsEntry("ok", "success").containsEntry("hangs", "success")
                .containsEntry("fails", "failed");

        assertThat(logLines("callbacks_throwing_for_tests", runId, "ok", 1)).contains("The onSuccess callback failed:"
                + " java.lang.IllegalStateException: the chat webhook is down; the task's outcome stands");
        assertThat(logLines("callbacks_throwing_for_tests", runId, "fails", 1)).contains("The onFailure callback"
                + " failed: java.lang.IllegalStateException: the failure callback broke too; the task's outcome stands");
        assertThat(logLines("callbacks_throwing_for_tests", runId, "hangs", 1))
                .anyMatch(l -> l.startsWith("The onSuccess callback failed: it did not finish within 1000 ms"));
        JsonNode failed = null;
        for (JsonNode t : tasks.get("taskInstances")) {
            failed = t.get("taskId").asString().equals("fails") ? t : failed;
        }
        assertThat(String.valueOf(failed)).contains("bad input").doesNotContain("broke too");
    }

    @Test
    void aRunPastItsDeadlineRunsTheDeadlineCallbackOnceOnAWorker() throws Exception {
        JsonNode run = trigger("callbacks_late_for_tests", "{}");
        assertThat(run.get("state").asString()).isEqualTo("success");
        String runId = run.get("runId").asString();

        await().atMost(Duration.ofSeconds(20)).until(
                () -> notifications("callbacks_late_for_tests", runId).get(0).get("state").asString()
                        .equals("delivered"));
        List<TestDagsCallbacks.RunCall> calls = runCalls(runId);
        assertThat(calls).hasSize(1);
        assertThat(calls.getFirst().event()).isEqualTo("deadline_missed");
        assertThat(calls.getFirst().state()).as("the run was still going when it missed its deadline")
                .isIn("queued", "running");
        assertThat(notifications("callbacks_late_for_tests", runId)).hasSize(1);
    }
}
