package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.api.standalone.Standalone;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** rag_ingest with conf.embedOnGpu in standalone with a declared GPU: only embed_gpu goes to the GPU worker. */
class RagGpuIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path home;

    @TempDir
    Path corpus;

    @Test
    void withEmbedOnGpuTheEmbeddingRunsOnTheGpuWorkerAndEveryOtherTaskOnTheCpuWorker() throws Exception {
        Files.writeString(corpus.resolve("a.md"), "# Pools\nA pool caps how many tasks run at once.\n");
        Files.writeString(corpus.resolve("b.md"), "# Retries\nA task retries with exponential backoff.\n");
        String previousHome = System.getProperty("gale.home");
        System.setProperty("gale.home", home.toString());
        try (Standalone gale = Standalone.start(new Standalone.Options(home, 0, 0, 2, Map.of(), "1x24576"))) {
            String api = "http://localhost:" + gale.httpPort() + "/api/v1";
            String auth = "Bearer " + Files.readString(home.resolve("admin-token")).trim();
            String body = "{\"conf\":{\"path\":\"" + corpus + "\",\"embedOnGpu\":true}}";
            JsonNode run = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(api
                            + "/dags/rag_ingest/runs?wait=PT120S")).header("Authorization", auth)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());

            assertThat(run.get("state").asString()).as(run.toString()).isEqualTo("success");
            assertThat(run.get("result").get("added")).hasSize(2);
            Map<String, String> stateOf = new HashMap<>();
            Map<String, String> workerOf = new HashMap<>();
            JsonNode tasks = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(api + "/dags/rag_ingest/runs/"
                            + run.get("runId").asString() + "/tasks?limit=1000")).header("Authorization", auth).GET()
                    .build(), HttpResponse.BodyHandlers.ofString()).body()).get("taskInstances");
            tasks.forEach(t -> {
                stateOf.put(t.get("taskId").asString(), t.get("state").asString());
                if (!t.get("workerId").isNull()) {
                    workerOf.put(t.get("taskId").asString(), t.get("workerId").asString());
                }
            });
            assertThat(stateOf).containsEntry("embed_gpu", "success").containsEntry("embed", "skipped");
            assertThat(workerOf.get("embed_gpu")).startsWith("standalone-gpu-worker@");
            assertThat(workerOf.entrySet()).filteredOn(e -> !e.getKey().equals("embed_gpu")).isNotEmpty()
                    .allSatisfy(e -> assertThat(e.getValue()).startsWith("standalone-worker@"));
        } finally {
            if (previousHome == null) {
                System.clearProperty("gale.home");
            } else {
                System.setProperty("gale.home", previousHome);
            }
        }
    }
}
