package dev.gale.api.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The example SQL assistant's {@code warehouse} Connection in standalone: the embedded PostgreSQL, at the port of
 * this start (it changes at every start), until the user defines their own, which a restart leaves alone.
 */
class StandaloneWarehouseIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path home;

    private Standalone start() {
        return Standalone.start(new Standalone.Options(home, 0, 0, 1, Map.of(), null));
    }

    private HttpResponse<String> send(Standalone gale, String path, HttpRequest.Builder request) throws Exception {
        String token = Files.readString(home.resolve("admin-token")).trim();
        return http.send(request.uri(URI.create("http://localhost:" + gale.httpPort() + path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode warehouse(Standalone gale) throws Exception {
        JsonNode connections = JSON.readTree(send(gale, "/api/v1/connections", HttpRequest.newBuilder().GET())
                .body()).get("connections");
        return connections.valueStream().filter(c -> c.get("connId").asString().equals("warehouse")).findFirst()
                .orElseThrow();
    }

    private static int port(Standalone gale) {
        return Integer.parseInt(gale.jdbcUrl().replaceAll("^jdbc:postgresql://[^:]+:(\\d+)/.*$", "$1"));
    }

    @Test
    void theWarehouseIsTheEmbeddedPostgresAtEveryStartUntilTheUserDefinesTheirOwn() throws Exception {
        try (Standalone gale = start()) {
            JsonNode warehouse = warehouse(gale);
            assertThat(warehouse.get("connType").asString()).isEqualTo("postgres");
            assertThat(warehouse.get("host").asString()).isEqualTo("localhost");
            assertThat(warehouse.get("port").asInt()).isEqualTo(port(gale));
            assertThat(warehouse.get("schema").asString()).isEqualTo("postgres");
        }
        try (Standalone gale = start()) {
            assertThat(warehouse(gale).get("port").asInt()).as("written again for this start's port")
                    .isEqualTo(port(gale));
            var put = send(gale, "/api/v1/connections/warehouse", HttpRequest.newBuilder()
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
                            "{\"connType\": \"postgres\", \"host\": \"wh.example\", \"port\": 5432, \"schema\":"
                                    + " \"sales\"}")));
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        }
        try (Standalone gale = start()) {
            JsonNode warehouse = warehouse(gale);
            assertThat(warehouse.get("host").asString()).isEqualTo("wh.example");
            assertThat(warehouse.get("port").asInt()).isEqualTo(5432);
        }
    }
}
