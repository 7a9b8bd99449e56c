package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A failed run's webhook reaches a local receiver from a real server, and the run shows its delivery and deadline. */
class NotificationsApiIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> RECEIVED = new CopyOnWriteArrayList<>();
    private static final HttpServer RECEIVER = receiver();
    @RegisterExtension
    static final GaleTestServer gale = GaleTestServer.perClass(Map.of("gale.scheduler.interval", "PT0.2S",
            "gale.public-url", "https://gale.example.com"));

    private static HttpServer receiver() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                RECEIVED.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
            System.setProperty(TestDags.WEBHOOK_URL_PROPERTY, "http://127.0.0.1:" + server.getAddress().getPort() + "/");
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopReceiver() {
        RECEIVER.stop(0);
        System.clearProperty(TestDags.WEBHOOK_URL_PROPERTY);
    }

    @Test
    void aFailedRunIsPostedToTheWebhookAndItsDeliveryAndDeadlineShowOnTheRun() throws Exception {
        var triggered = gale.post("/api/v1/dags/notified_for_tests/runs?wait=PT60S", "{}");
        JsonNode run = JSON.readTree(triggered.body());
        assertThat(run.get("state").asString()).as(triggered.body()).isEqualTo("failed");
        String runId = run.get("runId").asString();

        await().atMost(Duration.ofSeconds(30)).until(() -> !RECEIVED.isEmpty());
        JsonNode payload = JSON.readTree(RECEIVED.getFirst());
        assertThat(payload.get("runId").asString()).isEqualTo(runId);
        assertThat(payload.get("failedTasks").get(0).asString()).isEqualTo("break");
        assertThat(payload.get("error").asString()).contains("the report source is down");
        assertThat(payload.get("url").asString()).isEqualTo("https://gale.example.com/dags/notified_for_tests/runs/"
                + runId);

        JsonNode shown = await().atMost(Duration.ofSeconds(10)).until(() -> JSON.readTree(gale.get(
                "/api/v1/dags/notified_for_tests/runs/" + runId + "/notifications").body()),
                n -> n.get("notifications").get(0).get("state").asString().equals("delivered"));
        assertThat(shown.get("notifications").get(0).get("lastStatusCode").asInt()).isEqualTo(204);
        assertThat(shown.get("deadline").get("missed").asBoolean()).as("it failed within its minute").isFalse();
        assertThat(gale.get("/api/v1/dags/notified_for_tests/runs/nope/notifications").statusCode()).isEqualTo(404);
    }
}
