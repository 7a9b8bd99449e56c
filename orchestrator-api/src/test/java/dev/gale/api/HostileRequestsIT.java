package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Each kind of malformed request that once reached the database or Tomcat's HTML pages: now a 4xx
 * problem+json that names what is wrong, with nothing stored.
 */
class HostileRequestsIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    @RegisterExtension
    static final GaleTestServer gale = GaleTestServer.perClass(Map.of());

    private static JsonNode problem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).get().asString()
                .startsWith("application/problem+json");
        return JSON.readTree(response.body());
    }

    private static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static int runCount() throws Exception {
        return JSON.readTree(gale.get("/api/v1/runs?limit=1000").body()).get("runs").size();
    }

    @Test
    void aNulInABodyOrAQueryParameterIs400NamingTheFieldAndStoresNothing() throws Exception {
        int runs = runCount();
        assertThat(problem(gale.post("/api/v1/dags/hello/runs", "{\"conf\": {\"name\": \"A\\u0000da\"}}"), 400)
                .get("errors").get(0).get("field").asString()).isEqualTo("conf.name");
        assertThat(problem(gale.post("/api/v1/dags/hello/runs", "{\"note\": \"x\\u0000\"}"), 400)
                .get("detail").asString()).contains("note").contains("NUL");
        assertThat(problem(gale.post("/api/v1/tokens", "{\"name\": \"ci\\u0000\", \"role\": \"viewer\"}"), 400)
                .get("errors").get(0).get("field").asString()).isEqualTo("name");
        for (String path : new String[] {"/api/v1/runs?dagId=", "/api/v1/runs?runType=", "/api/v1/assets?namePrefix=",
                "/api/v1/dags?tag=", "/api/v1/lineage?run="}) {
            assertThat(problem(gale.get(path + query("a\u0000b")), 400).get("detail").asString())
                    .contains("'" + path.substring(path.indexOf('?') + 1, path.length() - 1) + "'").contains("NUL");
        }
        assertThat(runCount()).isEqualTo(runs);
        assertThat(gale.get("/api/v1/tokens").body()).doesNotContain("ci\\u0000");
    }

    @Test
    void anInstantPostgresCannotStoreIs400() throws Exception {
        String tooLate = "+294277-01-01T00:00:00Z";
        assertThat(problem(gale.post("/api/v1/dags/hello/runs", "{\"logicalDate\": \"" + tooLate + "\"}"), 400)
                .get("errors").get(0).get("field").asString()).isEqualTo("logicalDate");
        assertThat(problem(gale.get("/api/v1/runs?queuedFrom=" + query(tooLate)), 400).get("detail").asString())
                .contains("queuedFrom must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
        assertThat(problem(gale.get("/api/v1/runs?queuedTo=" + query("-290000-01-01T00:00:00Z")), 400)
                .get("detail").asString()).contains("queuedTo");
        String cursor = Base64.getUrlEncoder().withoutPadding()
                .encodeToString((tooLate + "|5").getBytes(StandardCharsets.UTF_8));
        assertThat(problem(gale.get("/api/v1/runs?cursor=" + cursor), 400).get("type").asString())
                .isEqualTo("urn:gale:problem:invalid-cursor");
    }

    @Test
    void theErrorPathAndActuatorPathsReachedOddlyAre404Or401() throws Exception {
        assertThat(problem(gale.get("/error"), 404).get("type").asString()).isEqualTo("urn:gale:problem:not-found");
        var traversal = RawHttp.sendHeadOnly(gale.httpPort(), "GET /actuator/health/../env HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(traversal.status()).isEqualTo(404);
        assertThat(traversal.contentType()).startsWith("application/problem+json");
        assertThat(gale.send(gale.request("/actuator/env", null).GET().build()).statusCode()).isEqualTo(401);
        problem(gale.get("/actuator/env"), 404);
    }

    @Test
    void tomcatsOwnRefusalsAndTraceAreProblemJson() throws Exception {
        for (String target : new String[] {"/api/v1/dags/a%2fb", "/api/v1/dags/a%5cb", "/api/v1/dags/a%zzb",
                "/api/v1/dags/a%00b"}) {
            var answer = RawHttp.sendHeadOnly(gale.httpPort(), "GET " + target + " HTTP/1.1\r\nHost: x\r\n"
                    + "Authorization: Bearer " + gale.adminToken + "\r\nConnection: close\r\n\r\n");
            assertThat(answer.status()).as(target).isEqualTo(400);
            assertThat(answer.contentType()).as(target).startsWith("application/problem+json");
            assertThat(answer.body()).as(target).contains("\"status\":400").doesNotContain("<html");
        }
        var trace = RawHttp.sendHeadOnly(gale.httpPort(), "TRACE /api/v1/dags HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(trace.status()).isEqualTo(405);
        assertThat(trace.contentType()).startsWith("application/problem+json");
        var badEscape = RawHttp.sendHeadOnly(gale.httpPort(), "GET /api/v1/runs?dagId=%zz HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer " + gale.adminToken + "\r\nConnection: close\r\n\r\n");
        assertThat(badEscape.status()).isEqualTo(400);
        assertThat(badEscape.body()).contains("malformed %-escape");
    }

    @Test
    void invalidUtf8AndLoneSurrogatesAreRefusedNotStoredAltered() throws Exception {
        int runs = runCount();
        byte[] invalid = "{\"conf\": {\"name\": \"\u00ff\"}}".getBytes(StandardCharsets.ISO_8859_1);
        var response = gale.send(gale.request("/api/v1/dags/hello/runs", gale.adminToken)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(invalid))
                .build());
        assertThat(problem(response, 400).get("detail").asString()).contains("UTF-8");
        var surrogate = problem(gale.post("/api/v1/dags/hello/runs", "{\"conf\": {\"name\": \"\\ud800\"}}"), 400);
        assertThat(surrogate.get("errors").get(0).get("field").asString()).isEqualTo("conf.name");
        assertThat(surrogate.get("errors").get(0).get("message").asString()).contains("lone UTF-16 surrogate");
        assertThat(runCount()).isEqualTo(runs);
    }

    @Test
    void typesAreStrictSoOneIsNotTrue() throws Exception {
        for (String body : new String[] {"{\"isPaused\": 1}", "{\"isPaused\": \"true\"}", "{\"isPaused\": [true]}"}) {
            var response = gale.send(gale.request("/api/v1/dags/hello", gale.adminToken)
                    .header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build());
            assertThat(problem(response, 400).get("errors").get(0).get("field").asString()).as(body)
                    .isEqualTo("isPaused");
        }
        assertThat(JSON.readTree(gale.get("/api/v1/dags/hello").body()).get("isPaused").asBoolean()).isFalse();
    }

    @Test
    void expect100ContinueWithABodyOverTheLimitIs413BeforeContinue() throws Exception {
        var answer = RawHttp.sendHeadOnly(gale.httpPort(), "POST /api/v1/dags/hello/runs HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer " + gale.adminToken + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: 3000000\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.contentType()).startsWith("application/problem+json");
    }

    @Test
    void tokenNamesAreOneSafePathSegmentSoEveryTokenCanBeRevoked() throws Exception {
        for (String name : new String[] {"a/b", "../admin", "with space", "", "x".repeat(101), ".hidden"}) {
            var refused = gale.post("/api/v1/tokens", JSON.writeValueAsString(Map.of("name", name, "role", "viewer")));
            assertThat(problem(refused, 400).get("errors").get(0).get("field").asString()).as(name).isEqualTo("name");
        }
        assertThat(gale.post("/api/v1/tokens", "{\"name\": \"ci.bot_2-x\", \"role\": \"viewer\"}").statusCode())
                .isEqualTo(201);
        assertThat(gale.send(gale.request("/api/v1/tokens/ci.bot_2-x", gale.adminToken).DELETE().build())
                .statusCode()).isEqualTo(204);
    }

    @Test
    void aTaskThatReturnsANulFailsAtOnceWithTheReasonAndOneThatLogsANulSucceeds() throws Exception {
        JsonNode returned = JSON.readTree(gale.post("/api/v1/dags/nul_output_for_tests/runs?wait=PT30S", "{}").body());
        assertThat(returned.get("state").asString()).isEqualTo("failed");
        assertThat(returned.toString()).contains("output").contains("NUL").doesNotContain("presumed dead");

        JsonNode logged = JSON.readTree(gale.post("/api/v1/dags/nul_log_for_tests/runs?wait=PT30S", "{}").body());
        assertThat(logged.get("state").asString()).isEqualTo("success");
        String logs = gale.get("/api/v1/dags/nul_log_for_tests/runs/" + logged.get("runId").asString()
                + "/tasks/logs_nul/logs").body();
        assertThat(logs).contains("left\\\\u0000right");
    }

    @Test
    void aSecretIsScrubbedFromErrorsResultsAndXComsAndItsDefaultIsNeverShown() throws Exception {
        String failing = "fail-hunter2-secret";
        JsonNode failed = JSON.readTree(gale.post("/api/v1/dags/leaky_secret_for_tests/runs?wait=PT30S",
                "{\"conf\": {\"password\": \"" + failing + "\"}}").body());
        assertThat(failed.get("state").asString()).isEqualTo("failed");
        assertThat(failed.get("error").asString()).contains("login refused for password ***");
        String runPath = "/api/v1/dags/leaky_secret_for_tests/runs/" + failed.get("runId").asString();
        for (String path : new String[] {runPath, runPath + "/tasks", runPath + "/tasks/leak/attempts",
                "/api/v1/runs", "/api/v1/dags/leaky_secret_for_tests/runs"}) {
            assertThat(gale.get(path).body()).as(path).doesNotContain(failing);
        }

        String used = "ok-correct-horse-battery";
        JsonNode succeeded = JSON.readTree(gale.post("/api/v1/dags/leaky_secret_for_tests/runs?wait=PT30S",
                "{\"conf\": {\"password\": \"" + used + "\"}}").body());
        assertThat(succeeded.get("state").asString()).isEqualTo("success");
        assertThat(succeeded.get("result").asString()).isEqualTo("used ***");
        String xcom = gale.get("/api/v1/dags/leaky_secret_for_tests/runs/" + succeeded.get("runId").asString()
                + "/tasks/leak/xcom").body();
        assertThat(xcom).contains("the password is ***").doesNotContain(used);

        JsonNode pin = JSON.readTree(gale.get("/api/v1/dags/leaky_secret_for_tests").body()).get("params").get(1);
        assertThat(pin.get("name").asString()).isEqualTo("pin");
        assertThat(pin.get("defaultValue").isNull()).isTrue();
        var tooBig = problem(gale.post("/api/v1/dags/leaky_secret_for_tests/runs",
                "{\"conf\": {\"password\": \"x\", \"pin\": 123456}}"), 400);
        assertThat(tooBig.get("detail").asString()).contains("pin must be at most 9999").doesNotContain("123456");
    }

    @Test
    void aTokenWithExpiresAtIsRefusedFromThenOnWithAMessageThatSaysSo() throws Exception {
        String expiresAt = java.time.Instant.now().plusSeconds(4).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString();
        var created = gale.post("/api/v1/tokens", "{\"name\": \"short-lived\", \"role\": \"viewer\", \"expiresAt\": \""
                + expiresAt + "\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        String token = JSON.readTree(created.body()).get("token").asString();
        assertThat(JSON.readTree(created.body()).get("expiresAt").asString()).isEqualTo(expiresAt);
        assertThat(gale.send(gale.request("/api/v1/dags", token).GET().build()).statusCode()).isEqualTo(200);

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> {
            var refused = problem(gale.send(gale.request("/api/v1/dags", token).GET().build()), 401);
            assertThat(refused.get("type").asString()).isEqualTo("urn:gale:problem:token-expired");
            assertThat(refused.get("detail").asString()).contains("'short-lived' expired at " + expiresAt);
        });
        assertThat(problem(gale.post("/api/v1/tokens", "{\"name\": \"past\", \"role\": \"viewer\","
                + " \"expiresAt\": \"2020-01-01T00:00:00Z\"}"), 400).get("errors").get(0).get("field").asString())
                .isEqualTo("expiresAt");
        assertThat(problem(gale.post("/api/v1/tokens", "{\"name\": \"bad\", \"role\": \"viewer\","
                + " \"expiresAt\": \"tomorrow\"}"), 400).get("detail").asString()).contains("expiresAt");
    }

    @Test
    void adminActionsAreWrittenToAnAuditLogThatOnlyAdminsRead() throws Exception {
        String admin = gale.token("auditing-admin", dev.gale.api.security.Role.ADMIN);
        assertThat(gale.post("/api/v1/tokens", "{\"name\": \"audited\", \"role\": \"viewer\"}", admin).statusCode())
                .isEqualTo(201);
        var patch = gale.send(gale.request("/api/v1/dags/hello", admin).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"isPaused\": false}")).build());
        assertThat(patch.statusCode()).isEqualTo(200);
        assertThat(gale.send(gale.request("/api/v1/tokens/audited", admin).DELETE().build()).statusCode())
                .isEqualTo(204);
        assertThat(gale.send(gale.request("/api/v1/tokens/nobody", admin).DELETE().build()).statusCode())
                .isEqualTo(404);

        JsonNode entries = JSON.readTree(gale.get("/api/v1/audit-log?limit=3").body()).get("entries");
        assertThat(entries).extracting(e -> e.get("actor").asString() + " " + e.get("action").asString() + " "
                + e.get("target").asString()).containsExactly("auditing-admin token.revoke /api/v1/tokens/audited",
                "auditing-admin dag.set-paused /api/v1/dags/hello", "auditing-admin token.create /api/v1/tokens/audited");
        String viewer = gale.token("audit-reader", dev.gale.api.security.Role.VIEWER);
        assertThat(gale.send(gale.request("/api/v1/audit-log", viewer).GET().build()).statusCode()).isEqualTo(403);
    }
}
