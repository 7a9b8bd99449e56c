package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gale.scheduler.service.SchedulerStore;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The walking skeleton end to end: REST trigger, scheduler, gRPC worker, result, over real sockets and PostgreSQL. */
class HelloEndToEndIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    @RegisterExtension
    static final GaleTestServer gale = GaleTestServer.perClass(Map.of());

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    @Test
    void aSynchronousTriggerReturnsTheFinishedRunWithItsResult() throws Exception {
        var response = gale.post("/api/v1/dags/hello/runs?wait=PT10S", "{\"conf\":{\"name\":\"Ada\"}}");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode run = json(response);
        assertThat(run.get("state").asString()).isEqualTo("success");
        assertThat(run.get("result").asString()).contains("ADA");
        assertThat(run.get("conf").get("name").asString()).isEqualTo("Ada");
        assertThat(run.get("startedAt").isNull()).isFalse();
        assertThat(run.get("endedAt").isNull()).isFalse();

        var again = gale.get("/api/v1/dags/hello/runs/" + run.get("runId").asString());
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).get("result")).isEqualTo(run.get("result"));
    }

    @Test
    void anAsynchronousTriggerAnswersAtOnceWithTheRunsLocation() throws Exception {
        var response = gale.post("/api/v1/dags/hello/runs", "{\"conf\":{\"name\":\"Grace\"}}");

        assertThat(response.statusCode()).isEqualTo(201);
        String location = response.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/api/v1/dags/hello/runs/").endsWith(json(response).get("runId").asString());
        await().atMost(Duration.ofSeconds(10)).until(() -> json(gale.get(location)).get("state").asString(),
                "success"::equals);
        assertThat(json(gale.get(location)).get("result").asString()).isEqualTo("HELLO, GRACE! (signed, Gale)");
    }

    @Test
    void theParamDefaultIsUsedWhenConfLeavesItOut() throws Exception {
        var response = gale.post("/api/v1/dags/hello/runs?wait=PT10S", "{}");

        assertThat(json(response).get("result").asString()).contains("HELLO, WORLD!");
    }

    @Test
    void aWaitThatEndsBeforeTheRunAnswers202WithTheLocation() throws Exception {
        var response = gale.post("/api/v1/dags/slow_for_tests/runs?wait=PT0.2S", "{}");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(json(response).get("state").asString()).isIn("queued", "running");
        assertThat(response.headers().firstValue("Location")).get().asString()
                .startsWith("/api/v1/dags/slow_for_tests/runs/");
    }

    @Test
    void badRequestsAreProblemsThatSayWhatToFixAndCreateNothing() throws Exception {
        SchedulerStore store = gale.context.getBean(SchedulerStore.class);
        int before = store.countRuns("hello");

        var unknown = gale.post("/api/v1/dags/nope/runs", "{}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).get().asString().startsWith("application/problem+json");
        assertThat(json(unknown).get("detail").asString()).contains("DAG 'nope' does not exist");

        var malformed = gale.post("/api/v1/dags/hello/runs", "{\"conf\": ");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.headers().firstValue("Content-Type")).get().asString().startsWith("application/problem+json");
        assertThat(json(malformed).get("detail").asString()).contains("not valid JSON");

        var confNotObject = gale.post("/api/v1/dags/hello/runs", "{\"conf\": [\"Ada\"]}");
        assertThat(confNotObject.statusCode()).isEqualTo(400);
        assertThat(json(confNotObject).get("detail").asString()).contains("conf must be a JSON object");

        var wrongType = gale.post("/api/v1/dags/hello/runs", "{\"conf\": {\"name\": 42}}");
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(json(wrongType).get("errors").get(0).get("field").asString()).isEqualTo("conf.name");
        assertThat(json(wrongType).get("errors").get(0).get("message").asString()).isEqualTo(
                "must be a string, got the number 42");

        var badWait = gale.post("/api/v1/dags/hello/runs?wait=ten", "{}");
        assertThat(badWait.statusCode()).isEqualTo(400);
        assertThat(json(badWait).get("detail").asString()).contains("a duration such as PT30S or 30s");

        assertThat(store.countRuns("hello")).isEqualTo(before);
    }

    @Test
    void anUnknownRunIs404() throws Exception {
        var response = gale.get("/api/v1/dags/hello/runs/manual__nope");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).get("type").asString()).isEqualTo("urn:gale:problem:unknown-run");
    }

    @Test
    void theDagListShowsHelloWithItsParamsSchema() throws Exception {
        JsonNode dags = json(gale.get("/api/v1/dags")).get("dags");

        JsonNode hello = null;
        for (JsonNode dag : dags) {
            if (dag.get("dagId").asString().equals("hello")) {
                hello = dag;
            }
        }
        assertThat(hello).isNotNull();
        assertThat(hello.get("params").get(0).get("name").asString()).isEqualTo("name");
        assertThat(hello.get("params").get(0).get("defaultValue").asString()).isEqualTo("world");
        assertThat(hello.get("resultTaskId").asString()).isEqualTo("sign");
    }

    @Test
    void healthIsUpWithTheDatabase() throws Exception {
        var health = gale.get("/actuator/health");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health).get("status").asString()).isEqualTo("UP");
        assertThat(json(health).get("components").get("database").get("status").asString()).isEqualTo("UP");
    }
}
