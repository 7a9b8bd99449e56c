package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Java task on a real worker (gRPC, real PostgreSQL) defers: its slot is freed and it is
 * {@code deferred}; the scheduler's trigger loop fires the trigger; the same attempt resumes with the event.
 */
class DeferralIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    @RegisterExtension
    static final GaleTestServer gale = GaleTestServer.perClass(Map.of("gale.scheduler.interval", "PT0.2S"));

    private static JsonNode json(String body) {
        return JSON.readTree(body);
    }

    private static JsonNode task(String dagId, String runId, String taskId) throws Exception {
        return json(gale.get("/api/v1/dags/" + dagId + "/runs/" + runId + "/tasks/" + taskId).body());
    }

    private static int slotsInUse() throws Exception {
        int inUse = 0;
        for (JsonNode worker : json(gale.get("/api/v1/workers").body()).get("workers")) {
            inUse += worker.get("slotsInUse").asInt();
        }
        return inUse;
    }

    @Test
    void aTaskThatDefersFreesItsSlotAndTheSameAttemptResumesWithEachEvent() throws Exception {
        TestDagsDeferral.TWO_WAITS_STARTS.set(0);
        String runId = json(gale.post("/api/v1/dags/defer_twice_for_tests/runs", "{}").body()).get("runId").asString();

        await().atMost(Duration.ofSeconds(10)).until(() ->
                task("defer_twice_for_tests", runId, "waits").get("state").asString().equals("deferred"));
        // The deferral is committed a moment before the worker's task thread ends and reports its slot free.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(slotsInUse())
                .as("slots in use (%s)", "the server counts").isZero());
        assertThat(gale.worker.runningTasks()).as("tasks the worker runs").isZero();

        await().atMost(Duration.ofSeconds(20)).until(() -> json(gale.get("/api/v1/dags/defer_twice_for_tests/runs/"
                + runId).body()).get("state").asString().equals("success"));
        JsonNode run = json(gale.get("/api/v1/dags/defer_twice_for_tests/runs/" + runId).body());
        JsonNode result = run.get("result");
        assertThat(result.get("attempt").asInt()).as("the resumed attempt is the one that deferred").isEqualTo(1);
        assertThat(result.get("events")).hasSize(2);
        assertThat(result.get("events").get(0).get("at").asString()).isNotEmpty();
        assertThat(result.get("events").get(1).get("at").asString()).isNotEmpty();
        assertThat(TestDagsDeferral.TWO_WAITS_STARTS.get()).as("started, then resumed once per deferral").isEqualTo(3);
        assertThat(task("defer_twice_for_tests", runId, "waits").get("attempt").asInt()).isEqualTo(1);
    }

    @Test
    void anArmedTriggerOutlivesARestartOfTheServerItsSchedulerAndItsWorker() throws Exception {
        Map<String, String> properties = Map.of("gale.scheduler.interval", "PT0.2S");
        GaleTestServer first = new GaleTestServer(properties);
        String runId;
        try {
            runId = json(first.post("/api/v1/dags/defer_on_conf_for_tests/runs", JSON.writeValueAsString(Map.of(
                    "conf", Map.of("kind", "time", "spec", Map.of("after", "PT4S"))))).body()).get("runId").asString();
            await().atMost(Duration.ofSeconds(10)).until(() -> json(first.get("/api/v1/dags/defer_on_conf_for_tests/runs/"
                    + runId + "/tasks/wait").body()).get("state").asString().equals("deferred"));
        } finally {
            first.close();
        }
        try (GaleTestServer second = GaleTestServer.replicaOf(first, properties, true)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> json(second.get("/api/v1/dags/defer_on_conf_for_tests/runs/"
                    + runId).body()).get("state").asString().equals("success"));
            JsonNode result = json(second.get("/api/v1/dags/defer_on_conf_for_tests/runs/" + runId).body()).get("result");
            assertThat(result.get("kind").asString()).isEqualTo("time");
            assertThat(result.get("attempt").asInt()).isEqualTo(1);
        }
    }
}
