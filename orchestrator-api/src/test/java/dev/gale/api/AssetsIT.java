package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gale.api.security.Role;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Assets end to end, through the real server, a worker over gRPC and REST: five concurrent
 * experiment_demo runs record five model versions, each triggers one report_demo run that records a
 * report version, and the API compares, charts and draws them.
 */
class AssetsIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final double[] LEARNING_RATES = {0.05, 0.1, 0.2, 0.4, 0.7};
    private static final int[] EPOCHS = {20, 50, 100, 200, 400};
    private static GaleTestServer gale;
    /** learningRate → rmse, as each experiment run returned it. */
    private static final Map<Double, Double> RMSE_BY_LEARNING_RATE = new HashMap<>();
    private static final List<String> EXPERIMENT_RUNS = new ArrayList<>();

    @BeforeAll
    static void runFiveExperimentsAtOnce() throws Exception {
        gale = new GaleTestServer(Map.of("gale.scheduler.interval", "PT0.2S"));
        List<CompletableFuture<HttpResponse<String>>> triggers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String body = "{\"conf\": {\"learningRate\": " + LEARNING_RATES[i] + ", \"epochs\": " + EPOCHS[i] + "}}";
            triggers.add(gale.sendAsync(gale.request("/api/v1/dags/experiment_demo/runs?wait=PT60S", gale.adminToken)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build()));
        }
        for (CompletableFuture<HttpResponse<String>> trigger : triggers) {
            HttpResponse<String> response = trigger.get();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode run = JSON.readTree(response.body());
            assertThat(run.get("state").asString()).as(response.body()).isEqualTo("success");
            RMSE_BY_LEARNING_RATE.put(run.get("conf").get("learningRate").asDouble(),
                    run.get("result").get("rmse").asDouble());
            EXPERIMENT_RUNS.add(run.get("runId").asString());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> reportRuns().stream()
                .filter(r -> r.get("state").asString().equals("success")).count() == 5);
    }

    @AfterAll
    static void stop() {
        gale.close();
    }

    private static List<JsonNode> reportRuns() throws Exception {
        List<JsonNode> runs = new ArrayList<>();
        get("/api/v1/runs?dagId=report_demo").get("runs").forEach(runs::add);
        return runs;
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> response = gale.get(path);
        assertThat(response.statusCode()).as(path + " answered " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static long assetId(String name) throws Exception {
        JsonNode assets = get("/api/v1/assets?namePrefix=" + name).get("assets");
        assertThat(assets).hasSize(1);
        return assets.get(0).get("id").asLong();
    }

    @Test
    void fiveConcurrentExperimentsMakeFiveModelVersionsAndEachTriggersOneReport() throws Exception {
        long model = assetId("model://demo-regressor");
        JsonNode versions = get("/api/v1/assets/" + model + "/versions");
        assertThat(versions.get("totalEntries").asInt()).isEqualTo(5);
        assertThat(versions.get("versions")).extracting(v -> v.get("version").asInt()).containsExactly(5, 4, 3, 2, 1);
        assertThat(RMSE_BY_LEARNING_RATE).hasSize(5);

        List<JsonNode> reports = reportRuns();
        assertThat(reports).hasSize(5).allSatisfy(r -> assertThat(r.get("runType").asString())
                .isEqualTo("asset_triggered"));
        Set<Integer> triggeringVersions = new HashSet<>();
        reports.forEach(r -> triggeringVersions.add(r.get("conf").get("triggeringAssetVersions").get(0)
                .get("version").asInt()));
        assertThat(triggeringVersions).containsExactlyInAnyOrder(1, 2, 3, 4, 5);

        long report = assetId("report://demo-leaderboard");
        JsonNode reportVersions = get("/api/v1/assets/" + report + "/versions");
        assertThat(reportVersions.get("totalEntries").asInt()).isEqualTo(5);
        Set<Integer> reportedModels = new HashSet<>();
        for (JsonNode v : reportVersions.get("versions")) {
            int modelVersion = v.get("metadata").get("modelVersion").asInt();
            reportedModels.add(modelVersion);
            JsonNode modelVersionJson = get("/api/v1/assets/" + model + "/versions/" + modelVersion);
            // Each report read the version that triggered its run, not merely the latest one.
            assertThat(v.get("metadata").get("rmse").asDouble())
                    .isEqualTo(modelVersionJson.get("metadata").get("rmse").asDouble());
            assertThat(modelVersionJson.get("readByRuns")).extracting(JsonNode::asString).contains(v.get("runId")
                    .asString());
        }
        assertThat(reportedModels).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
    }

    @Test
    void compareShowsEachRmseBesideTheParametersOfTheRunThatProducedIt() throws Exception {
        long model = assetId("model://demo-regressor");
        JsonNode compare = get("/api/v1/assets/" + model + "/compare?versions=5,1,3,2,4");

        assertThat(compare.get("assetName").asString()).isEqualTo("model://demo-regressor");
        assertThat(compare.get("confFields")).extracting(JsonNode::asString).containsExactly("epochs", "learningRate");
        assertThat(compare.get("metadataFields")).extracting(JsonNode::asString).contains("rmse", "learningRate");
        assertThat(compare.get("versions")).extracting(v -> v.get("version").asInt()).containsExactly(5, 1, 3, 2, 4);
        for (JsonNode v : compare.get("versions")) {
            double learningRate = v.get("conf").get("learningRate").asDouble();
            assertThat(v.get("metadata").get("rmse").asDouble()).isEqualTo(RMSE_BY_LEARNING_RATE.get(learningRate));
            assertThat(v.get("metadata").get("epochs").asInt()).isEqualTo(v.get("conf").get("epochs").asInt());
            assertThat(EXPERIMENT_RUNS).contains(v.get("runId").asString());
        }
        // Enough epochs at a sound learning rate fit y = 3x + 2 down to the noise (0.1).
        assertThat(RMSE_BY_LEARNING_RATE.get(0.7)).isLessThan(0.2);
        assertThat(RMSE_BY_LEARNING_RATE.get(0.05)).isGreaterThan(RMSE_BY_LEARNING_RATE.get(0.7));

        JsonNode series = get("/api/v1/assets/" + model + "/metadata-series?field=rmse");
        assertThat(series.get("points")).hasSize(5).extracting(p -> p.get("value").asDouble())
                .containsExactlyInAnyOrderElementsOf(RMSE_BY_LEARNING_RATE.values());
    }

    @Test
    void versionsRecordWhoProducedThemAndLineageIsReadyToDraw() throws Exception {
        long model = assetId("model://demo-regressor");
        JsonNode first = get("/api/v1/assets/" + model + "/versions/1");
        assertThat(first.get("producedBy").asString()).startsWith("task experiment_demo.train attempt 1 of run ")
                .endsWith("on worker test-worker");
        assertThat(first.get("producingRunConf").get("learningRate").isNumber()).isTrue();
        JsonNode asset = get("/api/v1/assets/" + model);
        assertThat(asset.get("kind").asString()).isEqualTo("model");
        assertThat(asset.get("owner").asString()).isEqualTo("ml-platform");
        assertThat(asset.get("latestVersion").asInt()).isEqualTo(5);
        assertThat(get("/api/v1/assets?kind=report&tag=experiment").get("assets")).extracting(a -> a.get("name")
                .asString()).containsExactly("report://demo-leaderboard");

        JsonNode lineage = get("/api/v1/lineage?asset=" + model + "&depth=2");
        assertThat(lineage.get("edges")).extracting(e -> e.get("from").asString() + " -" + e.get("kind").asString()
                + "-> " + e.get("to").asString()).contains(
                "asset:dataset://demo-regression -reads-> task:experiment_demo.train",
                "task:experiment_demo.train -writes-> asset:model://demo-regressor",
                "asset:model://demo-regressor -reads-> task:report_demo.leaderboard",
                "task:report_demo.leaderboard -writes-> asset:report://demo-leaderboard",
                "task:experiment_demo.generate -writes-> asset:dataset://demo-regression");
        assertThat(lineage.get("nodes")).extracting(n -> n.get("type").asString()).contains("asset", "task");

        JsonNode run = get("/api/v1/lineage?run=" + EXPERIMENT_RUNS.getFirst());
        assertThat(run.get("edges")).extracting(e -> e.get("kind").asString()).contains("reads", "writes");
        assertThat(run.get("nodes")).extracting(n -> n.get("type").asString()).contains("asset_version", "task");
    }

    @Test
    void mistakesAreProblemsThatSayWhatToDoAndViewersMayRead() throws Exception {
        long model = assetId("model://demo-regressor");
        assertProblem(gale.get("/api/v1/assets/999999"), 404, "urn:gale:problem:unknown-asset");
        assertProblem(gale.get("/api/v1/assets/" + model + "/compare?versions=1,x"), 400, "'x' is not a number");
        assertProblem(gale.get("/api/v1/assets/" + model + "/compare?versions=1,99"), 404, "has no version [99]");
        assertProblem(gale.get("/api/v1/assets?kind=bogus"), 400, "kind must be one of");
        assertProblem(gale.get("/api/v1/lineage"), 400, "give exactly one of");
        assertProblem(gale.get("/api/v1/lineage?asset=" + model + "&depth=99"), 400, "depth must be between");

        String viewer = gale.token("asset-viewer", Role.VIEWER);
        assertThat(gale.send(gale.request("/api/v1/assets/" + model + "/versions", viewer).GET().build())
                .statusCode()).isEqualTo(200);
        assertThat(gale.send(gale.request("/api/v1/assets", null).GET().build()).statusCode()).isEqualTo(401);
    }

    @Test
    void aTaskEmittingAnAssetItDidNotDeclareFailsSayingSo() throws Exception {
        HttpResponse<String> response = gale.post("/api/v1/dags/emits_undeclared_asset_for_tests/runs?wait=PT30S",
                "{}");
        JsonNode run = JSON.readTree(response.body());
        assertThat(run.get("state").asString()).isEqualTo("failed");
        assertThat(run.get("error").asString()).contains("did not declare asset 'model://not-declared' as an output;"
                + " its outputs are [model://declared]");
        assertThat(get("/api/v1/assets?namePrefix=model://not-declared").get("totalEntries").asInt()).isZero();
    }

    private static void assertProblem(HttpResponse<String> response, int status, String expected) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(response.body()).contains(expected);
    }
}
