package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.api.security.Role;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Aliases over REST on the real server: two experiment runs make two model versions, and production moves between them. */
class AssetAliasesApiIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static GaleTestServer gale;
    private static long model;

    @BeforeAll
    static void twoModelVersions() throws Exception {
        gale = new GaleTestServer(Map.of("gale.scheduler.interval", "PT0.2S"));
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> run = gale.post("/api/v1/dags/experiment_demo/runs?wait=PT60S",
                    "{\"conf\": {\"learningRate\": 0.1, \"epochs\": 20}}");
            assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
        }
        model = JSON.readTree(gale.get("/api/v1/assets?namePrefix=model://demo-regressor").body())
                .get("assets").get(0).get("id").asLong();
    }

    @AfterAll
    static void stop() {
        gale.close();
    }

    private static HttpResponse<String> put(String alias, String body, String token) throws Exception {
        return gale.send(gale.request("/api/v1/assets/" + model + "/aliases/" + alias, token)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void anOperatorMovesProductionAndTheHistorySaysWhoMovedItFromWhichVersionToWhich() throws Exception {
        String operator = gale.token("release-bot", Role.OPERATOR);
        assertThat(put("production", "{\"version\": 1, \"expectedVersion\": 0, \"reason\": \"first\"}", operator)
                .statusCode()).isEqualTo(200);
        HttpResponse<String> second = put("production", "{\"version\": 2, \"expectedVersion\": 1}", operator);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);

        HttpResponse<String> stale = put("production", "{\"version\": 1, \"expectedVersion\": 1}", operator);
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(stale.body()).contains("points at version 2, not 1");

        JsonNode aliases = JSON.readTree(gale.get("/api/v1/assets/" + model + "/aliases").body()).get("aliases");
        assertThat(aliases).hasSize(1);
        assertThat(aliases.get(0).get("alias").asString()).isEqualTo("production");
        assertThat(aliases.get(0).get("version").asInt()).isEqualTo(2);
        JsonNode moves = JSON.readTree(gale.get("/api/v1/assets/" + model + "/aliases/production/history").body())
                .get("moves");
        assertThat(moves).extracting(m -> m.get("fromVersion").asInt() + "->" + m.get("toVersion").asInt()
                + " by " + m.get("movedBy").asString()).containsExactly("1->2 by release-bot", "0->1 by release-bot");
    }

    @Test
    void badMovesAreClearClientErrors() throws Exception {
        HttpResponse<String> noVersion = put("staging", "{}", gale.adminToken);
        assertThat(noVersion.statusCode()).isEqualTo(400);
        assertThat(noVersion.body()).contains("version is required");
        HttpResponse<String> badName = put("Bad%20Name", "{\"version\": 1}", gale.adminToken);
        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(badName.body()).contains("e.g. 'production'");
        assertThat(put("staging", "{\"version\": 99}", gale.adminToken).statusCode()).isEqualTo(404);
        assertThat(put("staging", "{\"version\": 1}", gale.token("looker", Role.VIEWER)).statusCode()).isEqualTo(403);
    }
}
