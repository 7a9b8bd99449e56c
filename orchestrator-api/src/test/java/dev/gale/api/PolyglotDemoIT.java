package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.api.standalone.Standalone;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The polyglot_demo example in standalone: a command, then a Python SDK task that hands its output to a Java task. */
class PolyglotDemoIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path home;

    private JsonNode send(HttpRequest request) throws Exception {
        return JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void aPythonTaskReadsAParamAndAJavaTaskReadsItsOutput() throws Exception {
        try (Standalone gale = Standalone.start(new Standalone.Options(home, 0, 0, 2, Map.of(), null))) {
            String base = "http://localhost:" + gale.httpPort() + "/api/v1/dags/polyglot_demo/runs";
            String auth = "Bearer " + java.nio.file.Files.readString(home.resolve("admin-token")).trim();
            JsonNode run = send(HttpRequest.newBuilder(URI.create(base + "?wait=PT30S"))
                    .header("Authorization", auth)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"conf\":{\"text\":\"retrieval augmented generation\"}}"))
                    .build());

            assertThat(run.get("state").asString()).as(run.toString()).isEqualTo("success");
            assertThat(run.get("result").asString()).isEqualTo("'retrieval augmented generation': 3 words, vector of 8");

            JsonNode logs = send(HttpRequest.newBuilder(URI.create(base + "/" + run.get("runId").asString()
                    + "/tasks/embed/logs")).header("Authorization", auth).GET().build());
            List<String> lines = new ArrayList<>();
            logs.get("lines").forEach(l -> lines.add(l.get("stream").asString() + ": " + l.get("line").asString()));
            assertThat(lines).contains("task: embedding 30 characters in attempt 1");
            assertThat(lines).anyMatch(l -> l.startsWith("stdout: python 3.") && l.endsWith("hello from embed"));
            JsonNode announced = send(HttpRequest.newBuilder(URI.create(base + "/" + run.get("runId").asString()
                    + "/tasks/announce/logs")).header("Authorization", auth).GET().build());
            assertThat(announced.get("lines").get(0).get("line").asString())
                    .isEqualTo("announce: a command task of run " + run.get("runId").asString());
        }
    }
}
