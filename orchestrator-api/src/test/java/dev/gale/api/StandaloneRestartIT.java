package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code gale standalone} as its own OS process, killed with SIGKILL and started again on the same home: its
 * embedded PostgreSQL outlives the killed JVM, and the next start must still come up with everything it had.
 */
class StandaloneRestartIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void aKilledStandaloneStartsAgainOnItsHomeWithItsRunsAndStopsItsPostgresOnSigterm() throws Exception {
        Path home = dir.resolve("home");
        int httpPort = ServerProcesses.freePort();
        Map<String, String> environment = Map.of("GALE_HOME", home.toString(),
                "GALE_HTTP_PORT", Integer.toString(httpPort), "GALE_GRPC_PORT", Integer.toString(ServerProcesses.freePort()));
        try (ServerProcesses gale = new ServerProcesses(dir, null, null)) {
            Process first = gale.start("first", environment, "standalone");
            awaitRunning(gale, "first");
            String token = Files.readString(home.resolve("admin-token")).trim();
            JsonNode before = trigger(httpPort, token);
            assertThat(before.get("state").asString()).isEqualTo("success");

            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            Optional<ProcessHandle> leftover = postmaster(home);
            try {
                assertThat(leftover).as("the killed JVM's PostgreSQL outlives it").isPresent();

                Process second = gale.start("second", environment, "standalone");
                awaitRunning(gale, "second");
                assertThat(gale.output("second")).contains("left by a Gale that did not shut down");
                assertThat(leftover.get().isAlive()).isFalse();

                JsonNode kept = get(httpPort, token, "/dags/hello/runs/" + before.get("runId").asString());
                assertThat(kept.get("state").asString()).as("the run from before the kill").isEqualTo("success");
                assertThat(trigger(httpPort, token).get("state").asString()).isEqualTo("success");

                Optional<ProcessHandle> postgres = postmaster(home);
                assertThat(postgres).isPresent();
                second.destroy();
                assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s of SIGTERM").isTrue();
                assertThat(second.exitValue()).isZero();
                assertThat(postgres.get().onExit().get(30, TimeUnit.SECONDS).isAlive())
                        .as("a standalone stopped with SIGTERM stops its PostgreSQL").isFalse();
            } finally {
                postmaster(home).ifPresent(ProcessHandle::destroyForcibly);
                leftover.ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static void awaitRunning(ServerProcesses gale, String name) {
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500))
                .until(() -> gale.output(name).contains("Gale is running"));
    }

    /** The postmaster named in the home's postmaster.pid, while it runs. */
    private static Optional<ProcessHandle> postmaster(Path home) throws Exception {
        Path pidFile = home.resolve("postgres").resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(Files.readAllLines(pidFile).getFirst().trim()))
                .filter(ProcessHandle::isAlive);
    }

    private JsonNode trigger(int port, String token) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/api/v1/dags/hello/runs?wait=PT60S"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"conf\":{\"name\":\"Ada\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private JsonNode get(int port, String token, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/api/v1" + path)).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
