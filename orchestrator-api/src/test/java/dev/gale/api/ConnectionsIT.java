package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.api.security.Role;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Connections and Variables: written by admins over REST, kept encrypted, listed masked, read whole by a task
 * through the TEI, masked in its log and error; the server's environment comes first.
 */
class ConnectionsIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PASSWORD = "pg-Pa55-w0rd-xyz";
    private static final String TOKEN = "tok-variable-9876";
    @RegisterExtension
    static final GaleTestServer gale = GaleTestServer.perClass(Map.of(
            "GALE_CONN_FROM_ENV", "postgres://envuser:env%2Fsecret-42@db.internal:6543/analytics?sslmode=require",
            "GALE_VAR_THRESHOLD", "0.75"));

    private HttpResponse<String> put(String path, String body, String token) throws Exception {
        return gale.send(gale.request(path, token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private JsonNode run(String conf) throws Exception {
        JsonNode run = JSON.readTree(gale.post("/api/v1/dags/connection_for_tests/runs?wait=PT30S",
                "{\"conf\": " + conf + "}").body());
        assertThat(run.get("state").asString()).as(run.toString()).isIn("success", "failed");
        return run;
    }

    private String log(JsonNode run) throws Exception {
        return gale.get("/api/v1/dags/connection_for_tests/runs/" + run.get("runId").asString()
                + "/tasks/use_connection/logs").body();
    }

    @Test
    void anAdminStoresAConnectionEncryptedAViewerSeesItMaskedAndATaskReadsItWhole() throws Exception {
        var created = put("/api/v1/connections/warehouse", "{\"connType\": \"postgres\", \"host\": \"wh.example\","
                + " \"port\": 5432, \"login\": \"etl\", \"password\": \"" + PASSWORD + "\", \"schema\": \"sales\","
                + " \"extra\": {\"sslmode\": \"verify-full\"}}", gale.adminToken);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        assertThat(created.body()).doesNotContain(PASSWORD).doesNotContain("verify-full");
        assertThat(put("/api/v1/variables/api_token", "{\"value\": \"" + TOKEN + "\"}", gale.adminToken).statusCode())
                .isEqualTo(200);

        String viewer = gale.token("conn-viewer", Role.VIEWER);
        var listed = gale.send(gale.request("/api/v1/connections", viewer).GET().build());
        JsonNode warehouse = JSON.readTree(listed.body()).get("connections").get(0);
        assertThat(warehouse.get("connId").asString()).isEqualTo("warehouse");
        assertThat(warehouse.get("host").asString()).isEqualTo("wh.example");
        assertThat(warehouse.get("password").asString()).isEqualTo("***");
        assertThat(warehouse.get("extra").asString()).isEqualTo("***");
        assertThat(gale.send(gale.request("/api/v1/variables", viewer).GET().build()).body())
                .contains("\"api_token\"").doesNotContain(TOKEN);
        assertThat(put("/api/v1/connections/warehouse", "{\"connType\": \"postgres\"}", viewer).statusCode())
                .as("a viewer cannot write").isEqualTo(403);
        assertThat(gale.get("/api/v1/audit-log?limit=100").body())
                .contains("\"action\":\"connection.put\",\"target\":\"/api/v1/connections/warehouse\"")
                .contains("\"action\":\"variable.put\",\"target\":\"/api/v1/variables/api_token\"")
                .doesNotContain(PASSWORD).doesNotContain(TOKEN);

        var sql = DSL.using(gale.database.dataSource(), SQLDialect.POSTGRES);
        String stored = sql.fetchOne("select string_agg(sealed, ' ') from gale.connection").get(0, String.class)
                + sql.fetchOne("select string_agg(sealed, ' ') from gale.variable").get(0, String.class);
        assertThat(stored).doesNotContain(PASSWORD).doesNotContain("wh.example").doesNotContain(TOKEN);

        JsonNode ok = run("{}");
        assertThat(ok.get("state").asString()).isEqualTo("success");
        JsonNode seen = ok.get("result");
        assertThat(seen.get("type").asString()).isEqualTo("postgres");
        assertThat(seen.get("port").asInt()).isEqualTo(5432);
        assertThat(seen.get("schema").asString()).isEqualTo("sales");
        assertThat(seen.get("extra").get("sslmode").asString()).isEqualTo("verify-full");
        assertThat(seen.get("passwordLength").asInt()).as("the task got the password itself").isEqualTo(PASSWORD.length());
        assertThat(seen.get("threshold").asString()).as("GALE_VAR_THRESHOLD").isEqualTo("0.75");
        assertThat(log(ok)).contains("connecting to wh.example as etl with *** and token ***")
                .doesNotContain(PASSWORD).doesNotContain(TOKEN);

        JsonNode failed = run("{\"fail\": true}");
        assertThat(failed.get("state").asString()).isEqualTo("failed");
        String failedRun = gale.get("/api/v1/dags/connection_for_tests/runs/" + failed.get("runId").asString()
                + "/tasks/use_connection").body();
        assertThat(failedRun).contains("login refused for etl/***").doesNotContain(PASSWORD);
    }

    @Test
    void theEnvironmentBackendGivesAConnectionFromItsUriAndItsPasswordIsMasked() throws Exception {
        put("/api/v1/variables/api_token", "{\"value\": \"" + TOKEN + "\"}", gale.adminToken);
        JsonNode run = run("{\"connId\": \"from_env\"}");
        assertThat(run.get("state").asString()).isEqualTo("success");
        JsonNode seen = run.get("result");
        assertThat(seen.get("host").asString()).isEqualTo("db.internal");
        assertThat(seen.get("port").asInt()).isEqualTo(6543);
        assertThat(seen.get("login").asString()).isEqualTo("envuser");
        assertThat(seen.get("passwordLength").asInt()).isEqualTo("env/secret-42".length());
        assertThat(seen.get("schema").asString()).isEqualTo("analytics");
        assertThat(seen.get("extra").get("sslmode").asString()).isEqualTo("require");
        assertThat(log(run)).contains("as envuser with ***").doesNotContain("env/secret-42");
    }

    @Test
    void aMissingConnectionFailsTheTaskSayingHowToCreateIt() throws Exception {
        JsonNode run = run("{\"connId\": \"nowhere\"}");
        assertThat(run.get("state").asString()).isEqualTo("failed");
        assertThat(gale.get("/api/v1/dags/connection_for_tests/runs/" + run.get("runId").asString()
                + "/tasks/use_connection").body()).contains("there is no connection 'nowhere'");
    }

    @Test
    void badConnectionsAndVariablesAreRefusedNamingTheField() throws Exception {
        var badPort = put("/api/v1/connections/bad", "{\"connType\": \"http\", \"port\": \"80\"}", gale.adminToken);
        assertThat(badPort.statusCode()).isEqualTo(400);
        assertThat(badPort.headers().firstValue("Content-Type").orElse("")).contains("problem+json");
        assertThat(badPort.body()).contains("port");
        assertThat(put("/api/v1/connections/bad", "{\"host\": \"x\"}", gale.adminToken).body()).contains("connType");
        assertThat(put("/api/v1/connections/bad%2Fid", "{\"connType\": \"http\"}", gale.adminToken).statusCode())
                .isEqualTo(400);
        assertThat(put("/api/v1/variables/n", "{\"value\": 3}", gale.adminToken).statusCode()).isEqualTo(400);
        assertThat(gale.send(gale.request("/api/v1/connections/absent", gale.adminToken).DELETE().build()).statusCode())
                .isEqualTo(404);
    }
}
