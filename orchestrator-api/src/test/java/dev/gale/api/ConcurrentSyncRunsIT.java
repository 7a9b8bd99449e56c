package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Ad-hoc runs at scale: many synchronous triggers at once, each answered with its own result. */
class ConcurrentSyncRunsIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int RUNS = 200;

    @Test
    void twoHundredConcurrentSynchronousTriggersEachGetTheirOwnResult() throws Exception {
        try (GaleTestServer gale = new GaleTestServer(Map.of());
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                String name = "person" + i;
                responses.add(clients.submit(() -> gale.post("/api/v1/dags/hello/runs?wait=PT120S",
                        "{\"conf\":{\"name\":\"" + name + "\"}}")));
            }

            for (int i = 0; i < RUNS; i++) {
                HttpResponse<String> response = responses.get(i).get();
                assertThat(response.statusCode()).as("run %d: %s", i, response.body()).isEqualTo(200);
                JsonNode run = JSON.readTree(response.body());
                assertThat(run.get("state").asString()).isEqualTo("success");
                assertThat(run.get("result").asString()).isEqualTo("HELLO, PERSON" + i + "! (signed, Gale)");
            }
        }
    }
}
