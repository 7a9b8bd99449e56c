package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gale.api.security.Role;
import dev.gale.testing.TestPostgres;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.commons.codec.digest.DigestUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * retrain_recommender and deploy_recommender on a demo_warehouse in a real PostgreSQL: the gate promotes a first
 * champion, promotes a clearly better candidate, refuses one that is no better, promotes a small gain once a
 * person approves it, each move of the production alias
 * deploys the model it points at, and drift in this week's data fails the deployment naming the feature.
 */
class RecommenderIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MODEL = "model://channel-recommender";
    private static final String WEAK = "{\"sampleEvery\": 100, \"candidates\": [{\"name\": \"stump\", \"booster\":"
            + " \"gbtree\", \"maxDepth\": 1, \"eta\": 0.1, \"rounds\": 1, \"lambda\": 1}]}";
    private static final String DEFAULTS = "{\"sampleEvery\": 100}";
    private static TestPostgres.Database warehouse;
    private static GaleTestServer gale;
    private static Path home;
    private static String previousHome;

    @BeforeAll
    static void start() throws Exception {
        home = Files.createTempDirectory("gale-recommender");
        previousHome = System.getProperty("gale.home");
        System.setProperty("gale.home", home.toString());
        warehouse = TestPostgres.newDatabase();
        String uri = "postgres://" + warehouse.user() + ":" + (warehouse.password() == null ? ""
                : warehouse.password()) + "@" + warehouse.jdbcUrl().substring("jdbc:postgresql://".length());
        gale = new GaleTestServer(Map.of("GALE_CONN_WAREHOUSE", uri));
    }

    @AfterAll
    static void stop() {
        gale.close();
        TestPostgres.dropDatabase(warehouse);
        if (previousHome == null) {
            System.clearProperty("gale.home");
        } else {
            System.setProperty("gale.home", previousHome);
        }
    }

    private static JsonNode retrain(String conf) throws Exception {
        JsonNode run = JSON.readTree(gale.post("/api/v1/dags/retrain_recommender/runs?wait=300s",
                "{\"conf\": " + conf + "}").body());
        assertThat(run.get("state").asString()).as(run.toString()).isEqualTo("success");
        return run.get("result");
    }

    private static List<JsonNode> deployRuns() throws Exception {
        return JSON.readTree(gale.get("/api/v1/dags/deploy_recommender/runs?limit=100").body()).get("runs")
                .valueStream().toList();
    }

    /** Waits until deploy_recommender has {@code count} runs, all ended, and returns them, newest first. */
    private static List<JsonNode> awaitDeployRuns(int count) {
        return await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(
                RecommenderIT::deployRuns, runs -> runs.size() == count && runs.stream().allMatch(
                        r -> List.of("success", "failed").contains(r.get("state").asString())));
    }

    private static JsonNode manifest() throws Exception {
        return JSON.readTree(Files.readString(home.resolve("serving/channel-recommender.json")));
    }

    private static long modelAsset() throws Exception {
        return JSON.readTree(gale.get("/api/v1/assets?namePrefix=" + MODEL).body()).get("assets").get(0).get("id")
                .asLong();
    }

    @Test
    void theGatePromotesTheFirstAndABetterChampionRefusesANoBetterOneAndEachPromotionIsDeployed() throws Exception {
        // The DAGs page says which alias deploys the model.
        JsonNode overview = JSON.readTree(gale.get("/api/v1/dag-overview?limit=100").body()).get("dags");
        JsonNode deploy = overview.valueStream().filter(d -> d.get("dagId").asString().equals("deploy_recommender"))
                .findFirst().orElseThrow();
        assertThat(deploy.get("scheduledOnAliasMoves").valueStream().map(JsonNode::asString))
                .containsExactly(MODEL + "@production");
        assertThat(deploy.get("schedule").isNull()).isTrue();

        JsonNode first = retrain(WEAK);
        assertThat(first.get("promoted").asBoolean()).isTrue();
        assertThat(first.get("reason").asString()).startsWith("first champion: stump");
        List<JsonNode> deployed = awaitDeployRuns(1);
        assertThat(deployed.getFirst().get("state").asString()).as(deployed.toString()).isEqualTo("success");
        assertThat(manifest().get("version").asInt()).isEqualTo(first.get("candidateVersion").asInt());

        JsonNode better = retrain(DEFAULTS);
        assertThat(better.get("promoted").asBoolean()).as(better.toString()).isTrue();
        assertThat(better.get("championVersion").asInt()).isEqualTo(first.get("candidateVersion").asInt());
        assertThat(better.get("candidateAuc").asDouble()).isGreaterThan(better.get("championAuc").asDouble() + 0.005);
        assertThat(better.get("reason").asString()).contains("at least the margin 0.0050");

        JsonNode same = retrain(DEFAULTS);
        assertThat(same.get("promoted").asBoolean()).as(same.toString()).isFalse();
        assertThat(same.get("championVersion").asInt()).isEqualTo(better.get("candidateVersion").asInt());
        assertThat(same.get("reason").asString()).contains("+0.0000, below the margin");

        // Two promotions, two deployments; the refused candidate deployed nothing.
        deployed = awaitDeployRuns(2);
        assertThat(deployed).allMatch(r -> r.get("state").asString().equals("success"), "all succeeded");
        assertThat(manifest().get("version").asInt()).isEqualTo(better.get("candidateVersion").asInt());

        // A gain below approvalMargin waits, deferred, for a person; approved, it is promoted.
        JsonNode asking = JSON.readTree(gale.post("/api/v1/dags/retrain_recommender/runs", "{\"conf\": {\"sampleEvery\":"
                + " 100, \"margin\": 0, \"approvalMargin\": 0.01}}").body());
        JsonNode request = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() ->
                JSON.readTree(gale.get("/api/v1/hitl?state=pending&dagId=retrain_recommender").body())
                        .get("requests"), requests -> requests.size() == 1).get(0);
        assertThat(request.get("subject").asString()).as(request.toString()).contains("Promote "
                + better.get("candidate").asString(), "by +0.0000 AUC");
        HttpResponse<String> approved = gale.post("/api/v1/hitl/" + request.get("id").asLong() + "/decision",
                "{\"option\": \"promote\"}", gale.token("alice", Role.OPERATOR));
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        JsonNode reviewed = JSON.readTree(gale.get("/api/v1/dags/retrain_recommender/runs/"
                + asking.get("runId").asString() + "/result?wait=300s").body());
        assertThat(reviewed.toString()).contains("\"promoted\":true", "\"approvedBy\":\"alice\"",
                "approved by alice");
        int approvedVersion = reviewed.path("result").path("candidateVersion").asInt(
                reviewed.path("candidateVersion").asInt());

        long asset = modelAsset();
        JsonNode moves = JSON.readTree(gale.get("/api/v1/assets/" + asset + "/aliases/production/history").body())
                .get("moves");
        assertThat(moves.valueStream().map(m -> m.get("fromVersion").asInt() + "->" + m.get("toVersion").asInt()))
                .containsExactly(better.get("candidateVersion").asInt() + "->" + approvedVersion,
                        first.get("candidateVersion").asInt() + "->" + better.get("candidateVersion").asInt(),
                        "0->" + first.get("candidateVersion").asInt());
        assertThat(moves.get(1).get("movedBy").asString()).contains("retrain_recommender.gate");

        deployed = awaitDeployRuns(3);
        assertThat(deployed).allMatch(r -> r.get("state").asString().equals("success"), "all succeeded");
        JsonNode manifest = manifest();
        assertThat(manifest.get("version").asInt()).isEqualTo(approvedVersion);
        assertThat(DigestUtils.sha256Hex(Files.readAllBytes(home.resolve("serving/channel-recommender.ubj"))))
                .isEqualTo(manifest.get("sha256").asString());

        // Every candidate is a version with its parameters, metrics, rows, time and snapshot.
        JsonNode versions = JSON.readTree(gale.get("/api/v1/assets/" + asset + "/versions?limit=100").body())
                .get("versions");
        assertThat(versions).hasSize(1 + 3 + 3 + 3);
        for (JsonNode version : versions) {
            assertThat(version.get("metadata").propertyNames()).contains("candidate", "booster", "eta", "rounds",
                    "auc", "f1", "precisionAt10", "trainingRows", "trainingMs", "datasetVersion", "modelFile");
        }
        assertThat(versions.valueStream().map(v -> v.get("metadata").get("booster").asString()))
                .contains("gbtree", "gblinear");

        // This week's data drifts (the sampled users suddenly very active); a person moves production back
        // to the first champion, and its deployment fails on the drift check, naming the feature.
        try (Connection c = warehouse.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    INSERT INTO demo_warehouse.interactions
                    SELECT 1000000 + row_number() OVER (), u, 1 + (n % 7), 'message',
                           (SELECT max(occurred_at) FROM demo_warehouse.interactions) - (n % 6) * interval '1 day'
                    FROM generate_series(100, 20000, 100) AS u, generate_series(1, 40) AS n""");
        }
        HttpResponse<String> moved = gale.send(gale.request("/api/v1/assets/" + asset + "/aliases/production",
                        gale.adminToken).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"version\": " + first.get("candidateVersion").asInt()
                        + ", \"expectedVersion\": " + approvedVersion
                        + ", \"reason\": \"roll back\"}")).build());
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        JsonNode rollback = awaitDeployRuns(4).getFirst();
        assertThat(rollback.get("state").asString()).isEqualTo("failed");
        assertThat(rollback.get("error").asString()).contains("feature drift above the PSI threshold 0.25",
                "user_events", "retrain it");
        // The model itself was deployed before the check; the drift is on record as well.
        assertThat(manifest().get("version").asInt()).isEqualTo(first.get("candidateVersion").asInt());
        JsonNode drift = JSON.readTree(gale.get("/api/v1/assets?namePrefix=report://channel-recommender-drift")
                .body()).get("assets").get(0);
        assertThat(drift.get("latestVersion").asInt()).isEqualTo(4);
    }
}
