package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.gale.api.security.Role;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Each built-in trigger fires a deferred task on a real server and worker (real PostgreSQL, gRPC, HTTP):
 * HTTP against a local server, SQL against the test PostgreSQL, a file in a temp dir, an asset version,
 * another DAG's run, an external event over REST; and timeouts, timeoutEvent and cancel while deferred.
 */
class DeferredTriggersIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration WAIT = Duration.ofSeconds(30);
    @RegisterExtension
    static final GaleTestServer gale = GaleTestServer.perClass(Map.of("gale.scheduler.interval", "PT0.2S"));

    private static JsonNode json(String body) {
        return JSON.readTree(body);
    }

    private static String start(String dagId, Map<String, Object> conf) throws Exception {
        HttpResponse<String> created = gale.post("/api/v1/dags/" + dagId + "/runs",
                JSON.writeValueAsString(Map.of("conf", conf)));
        assertThat(created.statusCode()).as(created.body()).isBetween(200, 202);
        return json(created.body()).get("runId").asString();
    }

    private static String deferOn(String kind, Map<String, Object> spec, long timeoutMs) throws Exception {
        String runId = start("defer_on_conf_for_tests", Map.of("kind", kind, "spec", spec, "timeoutMs", timeoutMs));
        awaitTaskState("defer_on_conf_for_tests", runId, "wait", "deferred");
        return runId;
    }

    private static JsonNode task(String dagId, String runId, String taskId) throws Exception {
        return json(gale.get("/api/v1/dags/" + dagId + "/runs/" + runId + "/tasks/" + taskId).body());
    }

    private static void awaitTaskState(String dagId, String runId, String taskId, String state) {
        await().atMost(WAIT).until(() -> task(dagId, runId, taskId).get("state").asString().equals(state));
    }

    private static JsonNode awaitRun(String dagId, String runId, String state) throws Exception {
        await().atMost(WAIT).until(() -> {
            String now = json(gale.get("/api/v1/dags/" + dagId + "/runs/" + runId).body()).get("state").asString();
            return now.equals(state) || (!now.equals("running") && !now.equals("queued"));
        });
        JsonNode run = json(gale.get("/api/v1/dags/" + dagId + "/runs/" + runId).body());
        assertThat(run.get("state").asString()).as(run.toString()).isEqualTo(state);
        return run;
    }

    private static JsonNode awaitEvent(String runId) throws Exception {
        JsonNode result = awaitRun("defer_on_conf_for_tests", runId, "success").get("result");
        assertThat(result.get("attempt").asInt()).as("resumed as the attempt that deferred").isEqualTo(1);
        return result;
    }

    private static HttpResponse<String> fireEvent(String key, String body, String token) throws Exception {
        return gale.send(gale.request("/api/v1/events/" + key, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void anHttpTriggerFiresWhenTheJsonPointerHoldsTheValue() throws Exception {
        AtomicReference<String> status = new AtomicReference<>("pending");
        HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext("/job", exchange -> {
            byte[] body = ("{\"status\":\"" + status.get() + "\",\"rows\":7}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://localhost:" + server.getAddress().getPort() + "/job";
            String runId = deferOn("http", Map.of("url", url, "pointer", "/status", "equals", "done",
                    "interval", "PT1S"), 0);
            Thread.sleep(2_500);
            assertThat(task("defer_on_conf_for_tests", runId, "wait").get("state").asString())
                    .as("still waiting while the job is pending").isEqualTo("deferred");
            status.set("done");
            JsonNode result = awaitEvent(runId);
            assertThat(result.get("event").get("status").asString()).isEqualTo("done");
            assertThat(result.get("event").get("rows").asInt()).isEqualTo(7);
            awaitTaskState("defer_on_conf_for_tests", runId, "after_wait", "success");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aSqlTriggerFiresWhenTheQueryReturnsATrueRow() throws Exception {
        var db = gale.database;
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
            c.createStatement().execute("create table defer_gate (ready boolean not null, batch text)");
            c.createStatement().execute("insert into defer_gate values (false, 'b-1')");
        }
        HttpResponse<String> put = gale.send(gale.request("/api/v1/connections/defer_warehouse", gale.adminToken)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(JSON
                        .writeValueAsString(Map.of("connType", "postgres", "login", db.user(), "password",
                                db.password(), "extra", Map.of("jdbcUrl", db.jdbcUrl()))))).build());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

        String runId = deferOn("sql", Map.of("conn", "defer_warehouse", "query",
                "select ready, batch from defer_gate", "interval", "PT1S"), 0);
        Thread.sleep(2_500);
        assertThat(task("defer_on_conf_for_tests", runId, "wait").get("state").asString()).isEqualTo("deferred");
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
            c.createStatement().execute("update defer_gate set ready = true");
        }
        JsonNode result = awaitEvent(runId);
        assertThat(result.get("event").get("ready").asBoolean()).isTrue();
        assertThat(result.get("event").get("batch").asString()).isEqualTo("b-1");
    }

    @Test
    void aSqlTriggerOnAConnectionThatDoesNotExistFailsTheTaskSayingSo() throws Exception {
        String runId = start("defer_on_conf_for_tests", Map.of("kind", "sql", "spec", Map.of("conn", "no_such_conn",
                "query", "select true"), "timeoutMs", 0));
        awaitRun("defer_on_conf_for_tests", runId, "failed");
        JsonNode wait = task("defer_on_conf_for_tests", runId, "wait");
        assertThat(wait.get("error").asString()).contains("deferral was refused").contains("'no_such_conn'");
    }

    @Test
    void aFilePresentTriggerFiresWhenAMatchingFileAppears(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "not a match");
        String runId = deferOn("file_present", Map.of("path", dir + "/*.csv", "interval", "PT1S"), 0);
        Thread.sleep(2_000);
        assertThat(task("defer_on_conf_for_tests", runId, "wait").get("state").asString()).isEqualTo("deferred");
        Files.writeString(dir.resolve("day.csv"), "a,b\n");
        JsonNode result = awaitEvent(runId);
        assertThat(result.get("event").get("paths").get(0).asString()).isEqualTo(dir.resolve("day.csv").toString());
    }

    @Test
    void anAssetSensorFiresOnTheNextVersionAndARunSensorOnTheOtherDagsRun() throws Exception {
        String assetRun = start("sensor_asset_for_tests", Map.of());
        String runRun = start("sensor_run_for_tests", Map.of());
        awaitTaskState("sensor_asset_for_tests", assetRun, "wait_for_version", "deferred");
        awaitTaskState("sensor_run_for_tests", runRun, "wait_for_run", "deferred");

        String producerRun = start("produce_asset_for_tests", Map.of());
        int version = awaitRun("produce_asset_for_tests", producerRun, "success").get("result").asInt();

        JsonNode asset = awaitRun("sensor_asset_for_tests", assetRun, "success").get("result");
        assertThat(asset.get("asset").asString()).isEqualTo(TestDagsDeferral.ASSET);
        assertThat(asset.get("version").asInt()).isEqualTo(version);
        assertThat(asset.get("metadata").get("rows").asInt()).isEqualTo(42);
        JsonNode run = awaitRun("sensor_run_for_tests", runRun, "success").get("result");
        assertThat(run.get("runId").asString()).isEqualTo(producerRun);
        assertThat(run.get("state").asString()).isEqualTo("success");
    }

    @Test
    void anExternalEventOverRestWakesEveryTaskWaitingOnItsKeyWithItsBody() throws Exception {
        String first = start("sensor_event_for_tests", Map.of());
        String second = start("sensor_event_for_tests", Map.of());
        awaitTaskState("sensor_event_for_tests", first, "wait_for_event", "deferred");
        awaitTaskState("sensor_event_for_tests", second, "wait_for_event", "deferred");

        HttpResponse<String> viewer = fireEvent(TestDagsDeferral.SENSOR_KEY, "{}", gale.token("viewer", Role.VIEWER));
        assertThat(viewer.statusCode()).as("a viewer may not fire events").isEqualTo(403);

        HttpResponse<String> fired = fireEvent(TestDagsDeferral.SENSOR_KEY, "{\"file\":\"s3://b/day.csv\"}",
                gale.token("ops", Role.OPERATOR));
        assertThat(fired.statusCode()).as(fired.body()).isEqualTo(202);
        assertThat(json(fired.body()).get("woken").asInt()).isEqualTo(2);
        for (String runId : new String[] {first, second}) {
            JsonNode result = awaitRun("sensor_event_for_tests", runId, "success").get("result");
            assertThat(result.get("file").asString()).isEqualTo("s3://b/day.csv");
        }
        HttpResponse<String> again = fireEvent(TestDagsDeferral.SENSOR_KEY, "{}", gale.adminToken);
        assertThat(json(again.body()).get("woken").asInt()).as("each trigger fires once").isZero();
    }

    @Test
    void aBadExternalEventIsRefusedWithAProblemNamingWhatIsWrong() throws Exception {
        HttpResponse<String> array = fireEvent("some-key", "[1,2]", gale.adminToken);
        assertThat(array.statusCode()).isEqualTo(400);
        assertThat(array.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(json(array.body()).get("detail").asString()).contains("must be a JSON object");

        HttpResponse<String> badKey = fireEvent("-bad%20key", "{}", gale.adminToken);
        assertThat(badKey.statusCode()).isEqualTo(400);
        assertThat(json(badKey.body()).get("detail").asString()).contains("event key");

        HttpResponse<String> notJson = fireEvent("some-key", "{not json", gale.adminToken);
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void aTimeoutFailsTheTaskWithoutRetryAndItsDownstreamDoesNotRun() throws Exception {
        String runId = deferOn("external_event", Map.of("key", "never-fired"), 1_500);
        awaitRun("defer_on_conf_for_tests", runId, "failed");
        JsonNode wait = task("defer_on_conf_for_tests", runId, "wait");
        assertThat(wait.get("state").asString()).isEqualTo("failed");
        assertThat(wait.get("attempt").asInt()).as("no retry, although the task has 2").isEqualTo(1);
        assertThat(wait.get("error").asString()).contains("did not fire by its timeout");
        assertThat(task("defer_on_conf_for_tests", runId, "after_wait").get("state").asString())
                .isEqualTo("upstream_failed");
    }

    @Test
    void aTimeoutEventFiresInsteadOfFailing() throws Exception {
        String runId = deferOn("external_event", Map.of("key", "never-fired-either", "timeoutEvent",
                Map.of("decision", "approve")), 1_500);
        JsonNode result = awaitEvent(runId);
        assertThat(result.get("timedOut").asBoolean()).isTrue();
        assertThat(result.get("event").get("decision").asString()).isEqualTo("approve");
    }

    @Test
    void cancellingTheRunOrMarkingTheTaskWhileDeferredDisarmsItsTrigger() throws Exception {
        String cancelled = deferOn("external_event", Map.of("key", "cancel-me"), 0);
        HttpResponse<String> cancel = gale.post("/api/v1/dags/defer_on_conf_for_tests/runs/" + cancelled + "/cancel",
                "{}");
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
        awaitRun("defer_on_conf_for_tests", cancelled, "cancelled");
        assertThat(task("defer_on_conf_for_tests", cancelled, "wait").get("state").asString()).isEqualTo("skipped");

        String marked = deferOn("external_event", Map.of("key", "cancel-me"), 0);
        HttpResponse<String> mark = gale.post("/api/v1/dags/defer_on_conf_for_tests/runs/" + marked
                + "/tasks/wait/mark", "{\"state\":\"success\",\"reason\":\"the file came by hand\"}");
        assertThat(mark.statusCode()).as(mark.body()).isEqualTo(200);
        awaitTaskState("defer_on_conf_for_tests", marked, "wait", "success");

        assertThat(json(fireEvent("cancel-me", "{}", gale.adminToken).body()).get("woken").asInt())
                .as("both triggers were disarmed").isZero();
        var sql = DSL.using(gale.database.dataSource(), SQLDialect.POSTGRES);
        assertThat(sql.fetchValue("select count(*) from gale.task_trigger where spec ->> 'key' = 'cancel-me'"
                + " and disarmed_at is not null and fired_at is null", Long.class)).isEqualTo(2L);
    }
}
