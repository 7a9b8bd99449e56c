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

/** gpu_demo in standalone with a declared GPU inventory: the one GPU task runs on the GPU worker, nine CPU tasks do not. */
class GpuDemoIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path home;

    private JsonNode get(String url, String auth) throws Exception {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", auth).GET()
                .build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void theEmbedTaskRunsOnTheGpuWorkerAndEverythingElseOnTheCpuWorker() throws Exception {
        try (Standalone gale = Standalone.start(new Standalone.Options(home, 0, 0, 2, Map.of(), "1x24576"))) {
            String api = "http://localhost:" + gale.httpPort() + "/api/v1";
            String auth = "Bearer " + Files.readString(home.resolve("admin-token")).trim();
            JsonNode run = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(api
                            + "/dags/gpu_demo/runs?wait=PT60S")).header("Authorization", auth)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());

            assertThat(run.get("state").asString()).as(run.toString()).isEqualTo("success");
            assertThat(run.get("result").asString()).isEqualTo("indexed 3 chunks in 'en'; embed ran on GPU(s) [0]");
            Map<String, String> workerOf = new HashMap<>();
            get(api + "/dags/gpu_demo/runs/" + run.get("runId").asString() + "/tasks", auth).get("taskInstances")
                    .forEach(t -> workerOf.put(t.get("taskId").asString(), t.get("workerId").asString()));
            assertThat(workerOf).hasSize(10);
            assertThat(workerOf.get("embed")).startsWith("standalone-gpu-worker@");
            assertThat(workerOf.entrySet()).filteredOn(e -> !e.getKey().equals("embed")).hasSize(9)
                    .allSatisfy(e -> assertThat(e.getValue()).startsWith("standalone-worker@"));

            JsonNode workers = get(api + "/workers", auth).get("workers");
            assertThat(workers).hasSize(2);
            assertThat(workers.get(0).get("capabilities").get("gpuCount").asInt()).isEqualTo(1);
            assertThat(workers.get(0).get("capabilities").get("gpuMemoryMb").asLong()).isEqualTo(24576);
            assertThat(workers.get(1).get("capabilities").get("gpuCount").asInt()).isZero();
        }
    }
}
