package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A param marked secret reaches the task but never the API's answers nor the task log. */
class SecretParamsIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    @RegisterExtension
    static final GaleTestServer gale = GaleTestServer.perClass(Map.of());

    @Test
    void aSecretIsMaskedInTheRunsConfAndScrubbedFromItsLog() throws Exception {
        var response = gale.post("/api/v1/dags/secret_for_tests/runs?wait=PT20S",
                "{\"conf\": {\"apiKey\": \"sk-live-12345\"}}");
        JsonNode run = JSON.readTree(response.body());

        assertThat(run.get("state").asString()).isEqualTo("success");
        assertThat(run.get("conf").get("apiKey").asString()).isEqualTo("***");
        assertThat(response.body()).doesNotContain("sk-live-12345");
        String runId = run.get("runId").asString();
        assertThat(gale.get("/api/v1/dags/secret_for_tests/runs/" + runId).body()).doesNotContain("sk-live-12345");

        String logs = gale.get("/api/v1/dags/secret_for_tests/runs/" + runId + "/tasks/use_key/logs").body();
        assertThat(logs).contains("calling the API with key ***").doesNotContain("sk-live-12345");
    }
}
