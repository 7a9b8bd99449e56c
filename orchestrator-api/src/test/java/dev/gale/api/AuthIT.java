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

/** Bearer tokens and roles through real HTTP: 401 without a valid token, 403 without the role, as problem+json. */
class AuthIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String BOOTSTRAP_TOKEN = "gale_bootstrap-token-chosen-by-the-deployment";
    private static GaleTestServer gale;
    private static String viewer;
    private static String operator;

    @BeforeAll
    static void start() {
        gale = new GaleTestServer(Map.of("gale.api.admin-token", BOOTSTRAP_TOKEN));
        viewer = gale.token("a-viewer", Role.VIEWER);
        operator = gale.token("an-operator", Role.OPERATOR);
    }

    @AfterAll
    static void stop() {
        gale.close();
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        return gale.send(gale.request(path, token).GET().build());
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    @Test
    void withoutAValidTokenTheApiAnswers401AsAProblem() throws Exception {
        var none = get("/api/v1/dags", null);
        var wrong = get("/api/v1/dags", "gale_not-a-token");

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("Content-Type")).get().asString().startsWith("application/problem+json");
        assertThat(none.headers().firstValue("WWW-Authenticate")).get().asString().startsWith("Bearer");
        assertThat(json(none).get("type").asString()).isEqualTo("urn:gale:problem:unauthorized");
        assertThat(json(none).get("detail").asString()).contains("Authorization: Bearer");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(get("/actuator/prometheus", null).statusCode()).isEqualTo(401);
    }

    @Test
    void aServerStartedWithAnAdminTokenAcceptsIt() throws Exception {
        assertThat(get("/api/v1/tokens", BOOTSTRAP_TOKEN).body()).contains("\"admin\"");
    }

    @Test
    void healthAndTheApiDocumentStayOpen() throws Exception {
        assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/openapi.json", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aViewerReadsButMayNotTriggerAndAnOperatorTriggersButMayNotPause() throws Exception {
        assertThat(get("/api/v1/dags/hello", viewer).statusCode()).isEqualTo(200);

        var viewerTrigger = gale.post("/api/v1/dags/hello/runs", "{}", viewer);
        assertThat(viewerTrigger.statusCode()).isEqualTo(403);
        assertThat(json(viewerTrigger).get("type").asString()).isEqualTo("urn:gale:problem:forbidden");
        assertThat(json(viewerTrigger).get("detail").asString()).contains("needs role operator")
                .contains("'a-viewer' has role viewer");

        assertThat(gale.post("/api/v1/dags/hello/runs?wait=PT10S", "{}", operator).statusCode()).isEqualTo(200);
        var operatorPause = gale.send(gale.request("/api/v1/dags/hello", operator)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"isPaused\":true}")).build());
        assertThat(operatorPause.statusCode()).isEqualTo(403);
        assertThat(get("/api/v1/tokens", operator).statusCode()).isEqualTo(403);
    }

    @Test
    void anAdminIssuesATokenThatWorksUntilItIsRevoked() throws Exception {
        var created = gale.post("/api/v1/tokens", "{\"name\":\"ci\",\"role\":\"operator\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        String token = json(created).get("token").asString();
        assertThat(token).startsWith("gale_");
        assertThat(gale.get("/api/v1/tokens").body()).contains("\"ci\"").doesNotContain(token);
        assertThat(gale.post("/api/v1/tokens", "{\"name\":\"ci\",\"role\":\"viewer\"}").statusCode()).isEqualTo(409);
        var badRole = gale.post("/api/v1/tokens", "{\"name\":\"\",\"role\":\"root\"}");
        assertThat(json(badRole).get("errors").findValuesAsString("field")).containsExactly("name", "role");

        assertThat(get("/api/v1/runs", token).statusCode()).isEqualTo(200);
        var revoked = gale.send(gale.request("/api/v1/tokens/ci", gale.adminToken).DELETE().build());
        assertThat(revoked.statusCode()).isEqualTo(204);
        assertThat(get("/api/v1/runs", token).statusCode()).isEqualTo(401);
    }
}
