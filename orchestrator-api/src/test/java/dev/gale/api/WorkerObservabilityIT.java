package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gale.scheduler.service.SchedulerStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What an operator reads of a real {@code gale worker} process: its {@code /metrics} (--metrics-port), and its
 * log with {@code GALE_LOG_FORMAT=json}: stdout one JSON object a line (the JVM's own warnings go to stderr), the
 * lines about a task carrying it in "mdc".
 */
class WorkerObservabilityIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static GaleTestServer gale;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        gale = new GaleTestServer(Map.of("gale.heartbeat.interval", "PT0.5S"), false);
    }

    @AfterAll
    static void stop() {
        gale.close();
    }

    @Test
    void aWorkerServesItsSlotsAtMetricsAndWritesJsonLinesWithTheTaskInTheMdc() throws Exception {
        int metricsPort = ServerProcesses.freePort();
        try (WorkerProcesses workers = new WorkerProcesses(dir)) {
            workers.start("json-worker", gale.grpcPort(), Map.of("GALE_LOG_FORMAT", "json"),
                    "--slots", "3", "--metrics-port", Integer.toString(metricsPort));
            await().atMost(Duration.ofSeconds(30)).until(() -> workers.output("json-worker").contains("connected to"));
            assertThat(gauge(metricsPort, "gale_worker_process_slots")).isEqualTo(3.0);
            assertThat(gauge(metricsPort, "gale_worker_process_slots_in_use")).isZero();

            String runId = JSON.readTree(gale.post("/api/v1/dags/sleepy_for_tests/runs", "{}").body())
                    .get("runId").asString();
            SchedulerStore store = gale.context.getBean(SchedulerStore.class);
            await().atMost(Duration.ofSeconds(20)).until(() -> "running".equals(
                    store.findTaskInstance(runId, "sleep", -1).orElseThrow().state().wireName()));
            await().atMost(Duration.ofSeconds(5)).until(() -> gauge(metricsPort, "gale_worker_process_slots_in_use") == 1.0);
            // Cancelled, the worker hears that the attempt is no longer current (at its start or its next heartbeat,
            // whichever comes first) and says so.
            assertThat(gale.post("/api/v1/dags/sleepy_for_tests/runs/" + runId + "/cancel", "{}").statusCode())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> workers.output("json-worker")
                    .contains("sleepy_for_tests.sleep of run " + runId));

            List<String> lines = workers.output("json-worker").lines().filter(line -> !line.isBlank()).toList();
            List<JsonNode> objects = lines.stream().map(WorkerObservabilityIT::jsonObject).toList();
            assertThat(objects).allSatisfy(line -> {
                assertThat(line.isObject()).isTrue();
                assertThat(line.has("level")).isTrue();
                assertThat(line.has("formattedMessage")).isTrue();
            });
            assertThat(objects).anySatisfy(line -> assertThat(line.get("formattedMessage").asString())
                    .isEqualTo("Gale worker json-worker: metrics on port " + metricsPort + " at /metrics"));
            JsonNode stop = objects.stream().filter(line -> line.get("formattedMessage").asString()
                    .contains("sleepy_for_tests.sleep of run " + runId)).findFirst().orElseThrow();
            assertThat(stop.get("formattedMessage").asString()).matches("Worker json-worker (stops|does not run) .*");
            JsonNode mdc = stop.get("mdc");
            assertThat(mdc.get("dagId").asString()).isEqualTo("sleepy_for_tests");
            assertThat(mdc.get("runId").asString()).isEqualTo(runId);
            assertThat(mdc.get("taskId").asString()).isEqualTo("sleep");
            assertThat(mdc.get("mapIndex").asString()).isEqualTo("-1");
            assertThat(mdc.get("attempt").asString()).isEqualTo("1");
            assertThat(mdc.get("workerId").asString()).isEqualTo("json-worker");
        }
    }

    private static JsonNode jsonObject(String line) {
        try {
            return JSON.readTree(line);
        } catch (JacksonException e) {
            throw new AssertionError("a line of the worker's stdout is not JSON: " + line, e);
        }
    }

    /** The value of an untagged gauge in the worker's Prometheus scrape. */
    private static double gauge(int port, String name) throws Exception {
        HttpResponse<String> scrape = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        Matcher value = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? (\\S+)$").matcher(scrape.body());
        assertThat(value.find()).as(name + " in the scrape:\n" + scrape.body()).isTrue();
        return Double.parseDouble(value.group(1));
    }
}
