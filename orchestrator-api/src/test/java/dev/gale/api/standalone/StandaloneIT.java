package dev.gale.api.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Standalone as a user meets it: embedded PostgreSQL in GALE_HOME, runs that survive a restart, one instance per home. */
class StandaloneIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path home;

    private Standalone start() {
        return Standalone.start(new Standalone.Options(home, 0, 0, 2, Map.of(), null));
    }

    private JsonNode send(HttpRequest.Builder request) throws Exception {
        String token = Files.readString(home.resolve("admin-token")).trim();
        return JSON.readTree(http.send(request.header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void runsSurviveARestartAndASecondInstanceOnTheSameHomeIsRefused() throws Exception {
        String runId;
        String adminToken;
        String secretsKey;
        try (Standalone gale = start()) {
            adminToken = gale.createdAdminToken().orElseThrow();
            try (var db = java.sql.DriverManager.getConnection(gale.jdbcUrl(), "postgres", "");
                 var settings = db.createStatement().executeQuery(
                         "select current_setting('fsync'), current_setting('synchronous_commit')")) {
                settings.next();
                assertThat(settings.getString(1) + "/" + settings.getString(2)).as("standalone keeps data durably")
                        .isEqualTo("on/on");
            }
            assertThat(Files.readString(home.resolve("admin-token")).trim()).isEqualTo(adminToken);
            assertThat(Files.getPosixFilePermissions(home.resolve("admin-token")))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            assertThat(Files.getPosixFilePermissions(home.resolve("secrets-key"))).as("the key secrets are sealed with")
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            secretsKey = Files.readString(home.resolve("secrets-key"));
            JsonNode run = send(HttpRequest.newBuilder(URI.create("http://localhost:" + gale.httpPort()
                            + "/api/v1/dags/hello/runs?wait=PT20S"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"conf\":{\"name\":\"Ada\"}}")));
            assertThat(run.get("state").asString()).isEqualTo("success");
            runId = run.get("runId").asString();

            assertThatThrownBy(this::start)
                    .isInstanceOf(StandaloneException.class)
                    .hasMessageContaining("already running on GALE_HOME " + home)
                    .hasMessageContaining("(pid " + ProcessHandle.current().pid() + ")");
        }

        try (Standalone gale = start()) {
            assertThat(gale.createdAdminToken()).as("the admin token is created on the first start only").isEmpty();
            assertThat(Files.readString(home.resolve("secrets-key"))).as("the key is made once").isEqualTo(secretsKey);
            assertThat(Files.readString(home.resolve("admin-token")).trim()).isEqualTo(adminToken);
            JsonNode run = send(HttpRequest.newBuilder(URI.create("http://localhost:" + gale.httpPort()
                    + "/api/v1/dags/hello/runs/" + runId)).GET());
            assertThat(run.get("state").asString()).isEqualTo("success");
            assertThat(run.get("result").asString()).contains("ADA");
        }
    }
}
