package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gale.testing.TestPostgres;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * The production shape's commands as a deployment runs them: {@code gale server}, {@code gale scheduler}
 * and {@code gale worker}, each its own OS process on a PostgreSQL server outside them.
 */
class ProcessLifecycleIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void serverSchedulerAndWorkerStayUpRunADagAndEachDrainsAndExitsZeroOnSigterm() throws Exception {
        Path bundle = WorkerProcesses.testBundleJar(dir.resolve("bundle.jar"));
        int httpPort = ServerProcesses.freePort();
        int grpcPort = ServerProcesses.freePort();
        try (ServerProcesses gale = new ServerProcesses(dir, bundle, TestPostgres.newDatabase());
             WorkerProcesses workers = new WorkerProcesses(dir)) {
            Process server = gale.server("server", httpPort, grpcPort, Map.of());
            Process scheduler = gale.scheduler("scheduler", Map.of());
            await().atMost(Duration.ofSeconds(90)).until(() -> gale.output("server").contains("is running")
                    && gale.output("scheduler").contains("is running"));
            Process worker = workers.start("lifecycle-worker", grpcPort);

            HttpResponse<String> run = http.send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + httpPort + "/api/v1/dags/slow_for_tests/runs?wait=PT60S"))
                    .header("Authorization", "Bearer " + ServerProcesses.ADMIN_TOKEN)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
            assertThat(JSON.readTree(run.body()).get("state").asString()).isEqualTo("success");

            List<Process> all = List.of(server, scheduler, worker);
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
                    .until(() -> all.stream().allMatch(Process::isAlive));

            for (Process process : List.of(worker, scheduler, server)) {
                process.destroy();
                assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s of SIGTERM").isTrue();
                assertThat(process.exitValue()).as("exit status after SIGTERM").isZero();
            }
            assertThat(workers.output("lifecycle-worker")).contains("Gale worker lifecycle-worker stopped");
            assertThat(gale.output("scheduler")).contains("Gale scheduler stopped");
            assertThat(gale.output("server")).contains("Gale server stopped");
        }
    }

    @Test
    void aFatalStartProblemExitsNonZeroWithOneLineSayingWhatToFix() throws Exception {
        Path bundle = WorkerProcesses.testBundleJar(dir.resolve("bundle.jar"));
        try (ServerProcesses gale = new ServerProcesses(dir, bundle, TestPostgres.newDatabase());
             ServerSocket taken = new ServerSocket(0)) {
            int nobody = ServerProcesses.freePort();
            assertThat(lastLine(gale, "no-database", Map.of("GALE_DB_URL",
                    "jdbc:postgresql://localhost:" + nobody + "/gale"), "server"))
                    .startsWith("gale: Cannot connect to PostgreSQL at jdbc:postgresql://localhost:" + nobody)
                    .contains("GALE_DB_URL");
            assertThat(lastLine(gale, "unset-database", Map.of(), "scheduler"))
                    .startsWith("gale: No database configured: set GALE_DB_URL");

            Map<String, String> portTaken = new java.util.HashMap<>(gale.databaseEnvironment());
            portTaken.put("GALE_HTTP_PORT", Integer.toString(taken.getLocalPort()));
            assertThat(lastLine(gale, "port-taken", portTaken, "server"))
                    .isEqualTo("gale: Port " + taken.getLocalPort() + " is already in use. Stop what uses it, or set"
                            + " GALE_HTTP_PORT to a free port.");

            Map<String, String> badPools = new java.util.HashMap<>(gale.databaseEnvironment());
            badPools.put("GALE_POOLS", "etl");
            assertThat(lastLine(gale, "bad-pools", badPools, "scheduler"))
                    .isEqualTo("gale: gale scheduler did not start: gale.pools (GALE_POOLS) takes name:slots pairs"
                            + " such as etl:4,gpu:1; got 'etl'");
        }
    }

    /** Runs a start that must fail, and returns the last line it printed. */
    private static String lastLine(ServerProcesses gale, String name, Map<String, String> environment, String command)
            throws Exception {
        Process process = gale.start(name, environment, command);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(name + " ended").isTrue();
        assertThat(process.exitValue()).as(name + " exit status").isNotZero();
        List<String> lines = gale.output(name).lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as(name).isNotEmpty();
        return lines.getLast();
    }
}
