package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The OpenAPI document is generated from the controllers, so it lists what the server really serves. */
class OpenApiIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    @RegisterExtension
    static final GaleTestServer gale = GaleTestServer.perClass(Map.of());

    @Test
    void theDocumentIsOpenApi31WithEveryEndpointAndBearerAuth() throws Exception {
        JsonNode doc = JSON.readTree(gale.send(gale.request("/api/v1/openapi.json", null).GET().build()).body());

        assertThat(doc.get("openapi").asString()).startsWith("3.1");
        assertThat(doc.get("paths").propertyNames()).contains(
                "/api/v1/dags", "/api/v1/dags/{dagId}", "/api/v1/dags/{dagId}/versions",
                "/api/v1/dags/{dagId}/runs", "/api/v1/runs", "/api/v1/dags/{dagId}/runs/{runId}",
                "/api/v1/dags/{dagId}/runs/{runId}/result", "/api/v1/dags/{dagId}/runs/{runId}/cancel",
                "/api/v1/dags/{dagId}/runs/{runId}/clear", "/api/v1/dags/{dagId}/runs/{runId}/tasks",
                "/api/v1/dags/{dagId}/runs/{runId}/tasks/{taskId}/attempts",
                "/api/v1/dags/{dagId}/runs/{runId}/tasks/{taskId}/xcom", "/api/v1/tokens",
                "/api/v1/dag-overview", "/api/v1/dags/{dagId}/grid", "/api/v1/events", "/api/v1/hitl",
                "/api/v1/hitl/{id}", "/api/v1/hitl/{id}/decision");
        assertThat(doc.get("paths").get("/api/v1/events").get("get").get("responses").get("200").get("content")
                .propertyNames()).contains("text/event-stream");
        assertThat(doc.get("components").get("securitySchemes").get("bearer").get("scheme").asString())
                .isEqualTo("bearer");
        JsonNode trigger = doc.get("paths").get("/api/v1/dags/{dagId}/runs").get("post");
        assertThat(trigger.get("parameters").findValuesAsString("name")).contains("wait", "Idempotency-Key");
    }

    @Test
    void theDocsPageIsServed() throws Exception {
        var page = gale.send(gale.request("/api/v1/docs", null).GET().build());
        var followed = page.statusCode() / 100 == 3
                ? gale.send(gale.request(page.headers().firstValue("Location").orElseThrow()
                        .replaceFirst("^https?://[^/]+", ""), null).GET().build())
                : page;

        assertThat(followed.statusCode()).isEqualTo(200);
        assertThat(followed.body()).containsIgnoringCase("swagger");
    }
}
