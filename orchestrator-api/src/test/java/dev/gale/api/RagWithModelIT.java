package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * rag_answer when a chat model is configured (an OpenAI-compatible server on localhost): the model
 * rewords the question and writes the answer citing its sources; embeddings stay in-process. A
 * rewording the model gets wrong falls back to keywords, and the result says so.
 */
class RagWithModelIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path home;

    @TempDir
    Path corpus;

    private static String completion(String content) {
        return JSON.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion")
                .put("created", 1_700_000_000).put("model", "gpt-4o-mini")
                .set("choices", JSON.createArrayNode().add(JSON.createObjectNode().put("index", 0)
                        .put("finish_reason", "stop").set("message", JSON.createObjectNode().put("role", "assistant")
                                .put("content", content))))
                .toString();
    }

    @Test
    void aConfiguredChatModelRewordsTheQuestionAndWritesAnAnswerCitingItsSources() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer openAi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        openAi.createContext("/", exchange -> {
            String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(request);
            String content = request.contains("You reword search questions") && request.contains("on-call")
                    ? "Sorry, I cannot help with that."
                    : request.contains("You reword search questions")
                    ? "{\"rewordings\": [\"backup retention period\", \"how long backups are stored\","
                    + " \"days a backup is kept\"]}"
                    : "Backups are kept for seven days [1].";
            byte[] body = completion(content).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        openAi.start();
        String catalog = """
                {"providers": [{"name": "openai", "type": "openai-compatible", "baseUrl": "http://127.0.0.1:%d/v1",
                  "models": [{"model": "gpt-4o-mini", "capabilities": ["chat"], "qualityTier": 2,
                              "contextTokens": 128000, "typicalLatencyMs": 800}]}]}"""
                .formatted(openAi.getAddress().getPort());
        Files.writeString(corpus.resolve("backups.md"), "# Backups\nBackups run nightly and are kept seven days.\n");
        Files.writeString(corpus.resolve("alerts.md"), "# Alerts\nAlerts page the on-call engineer.\n");
        String previousHome = System.getProperty("gale.home");
        System.setProperty("gale.home", home.toString());
        try (GaleTestServer gale = new GaleTestServer(Map.of("gale.llm.catalog", catalog))) {
            JsonNode ingest = JSON.readTree(gale.post("/api/v1/dags/rag_ingest/runs?wait=PT120S",
                    "{\"conf\":{\"path\":\"" + corpus + "\"}}").body());
            assertThat(ingest.get("state").asString()).as(ingest.toString()).isEqualTo("success");
            assertThat(ingest.get("result").get("embeddingModel").asString()).isEqualTo("local/all-minilm-l6-v2");

            JsonNode run = JSON.readTree(gale.post("/api/v1/dags/rag_answer/runs?wait=PT30S",
                    "{\"conf\":{\"question\":\"How long are backups kept?\"}}").body());

            assertThat(run.get("state").asString()).as(run.toString()).isEqualTo("success");
            JsonNode answer = run.get("result");
            assertThat(answer.get("answer").asString()).isEqualTo("Backups are kept for seven days [1].");
            assertThat(answer.get("model").asString()).isEqualTo("openai/gpt-4o-mini");
            assertThat(answer.get("rewordings").valueStream().map(JsonNode::asString)).containsExactly(
                    "backup retention period", "how long backups are stored", "days a backup is kept");
            assertThat(answer.get("rewordedBy").asString()).isEqualTo("model openai/gpt-4o-mini");
            JsonNode first = answer.get("sources").get(0);
            assertThat(first.get("path").asString()).isEqualTo(corpus.resolve("backups.md").toString());
            assertThat(first.get("cited").asBoolean()).isTrue();
            assertThat(answer.get("sources").valueStream().skip(1).noneMatch(s -> s.get("cited").asBoolean())).isTrue();
            assertThat(requests).hasSize(2);
            assertThat(requests.getLast()).contains("[1] Backups", "kept seven days", "How long are backups kept?");

            JsonNode fallback = JSON.readTree(gale.post("/api/v1/dags/rag_answer/runs?wait=PT30S",
                    "{\"conf\":{\"question\":\"Who gets paged as the on-call engineer?\"}}").body());
            assertThat(fallback.get("state").asString()).as(fallback.toString()).isEqualTo("success");
            assertThat(fallback.get("result").get("rewordedBy").asString()).isEqualTo("keyword extraction: rewording"
                    + " with openai/gpt-4o-mini failed (see the rephrase task's log)");
            assertThat(fallback.get("result").get("rewordings")).hasSize(3);
            assertThat(fallback.get("result").get("sources").get(0).get("path").asString())
                    .isEqualTo(corpus.resolve("alerts.md").toString());
        } finally {
            openAi.stop(0);
            if (previousHome == null) {
                System.clearProperty("gale.home");
            } else {
                System.setProperty("gale.home", previousHome);
            }
        }
    }
}
