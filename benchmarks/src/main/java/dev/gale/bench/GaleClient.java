package dev.gale.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Triggers runs over Gale's REST API, as any client would, and waits for their results. */
final class GaleClient {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The server's longest wait (gale.api.max-wait); a run still going after it is awaited again. */
    private static final String WAIT = "PT5M";

    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;
    private final String token;

    GaleClient(int httpPort, String token) {
        this.baseUrl = "http://localhost:" + httpPort + "/api/v1";
        this.token = token;
    }

    /** Triggers a run with {@code confJson} and answers once it has ended: the run's result, if it succeeded. */
    JsonNode runToEnd(String dagId, String confJson) throws IOException, InterruptedException {
        return succeededRun(dagId, confJson).get("result");
    }

    /** A run's task instances, with when each started and ended. */
    JsonNode taskInstances(String dagId, String runId) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request("/dags/" + dagId + "/runs/" + runId + "/tasks?limit=1000")
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("listing the task instances of run " + runId + " answered HTTP "
                    + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).get("taskInstances");
    }

    /** Triggers a run with {@code confJson} and answers the run once it has ended, if it succeeded. */
    JsonNode succeededRun(String dagId, String confJson) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request("/dags/" + dagId + "/runs?wait=" + WAIT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"conf\":" + confJson + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode run = readRun(dagId, response);
        while (response.statusCode() == 202) {
            response = http.send(request("/dags/" + dagId + "/runs/" + run.get("runId").asString() + "/result?wait="
                    + WAIT).GET().build(), HttpResponse.BodyHandlers.ofString());
            run = readRun(dagId, response);
        }
        if (!"success".equals(run.get("state").asString())) {
            throw new IllegalStateException("run " + run.get("runId").asString() + " of " + dagId + " ended "
                    + run.get("state").asString() + ": " + run.get("error").asString());
        }
        return run;
    }

    /** Triggers a run with {@code confJson} without waiting for it; answers its run id. */
    String trigger(String dagId, String confJson) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request("/dags/" + dagId + "/runs")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"conf\":" + confJson + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("triggering " + dagId + " answered HTTP " + response.statusCode() + ": "
                    + response.body());
        }
        return JSON.readTree(response.body()).get("runId").asString();
    }

    /** Answers a run once it has ended, if it succeeded. */
    JsonNode awaitRun(String dagId, String runId) throws IOException, InterruptedException {
        JsonNode run;
        HttpResponse<String> response;
        do {
            response = http.send(request("/dags/" + dagId + "/runs/" + runId + "/result?wait=" + WAIT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            run = readRun(dagId, response);
        } while (response.statusCode() == 202);
        if (!"success".equals(run.get("state").asString())) {
            throw new IllegalStateException("run " + runId + " of " + dagId + " ended " + run.get("state").asString()
                    + ": " + run.get("error").asString());
        }
        return run;
    }

    /** {@code GET /api/v1<path>}, which must answer 200. */
    JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered HTTP " + response.statusCode() + ": "
                    + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** Fires the external event {@code key} with an empty object; answers how many tasks it woke. */
    int fireEvent(String key) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request("/events/" + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException("firing event " + key + " answered HTTP " + response.statusCode() + ": "
                    + response.body());
        }
        return JSON.readTree(response.body()).get("woken").asInt();
    }

    private static JsonNode readRun(String dagId, HttpResponse<String> response) {
        if (response.statusCode() != 200 && response.statusCode() != 202) {
            throw new IllegalStateException("triggering " + dagId + " answered HTTP " + response.statusCode() + ": "
                    + response.body());
        }
        return JSON.readTree(response.body());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofMinutes(6))
                .header("Authorization", "Bearer " + token);
    }
}
