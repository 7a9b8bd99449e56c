package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * prompt_eval over a local server speaking the OpenAI chat-completions wire format with two models: one that
 * labels every message right, one that always says it is "about billing" (never exactly a label, so the judge
 * decides), and on a second server with no chat model: every prompt × model combination records one version of
 * eval://support-prompts with its prompt id, model, score, cost and latency, and the comparison view shows them.
 */
class PromptEvalIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, String> LABELS = new LinkedHashMap<>();
    private static HttpServer openAi;
    private static GaleTestServer gale;
    private static GaleTestServer offline;

    private static String answer(JsonNode request) {
        String model = request.get("model").asString();
        List<JsonNode> messages = request.get("messages").valueStream().toList();
        String system = messages.getFirst().get("content").asString();
        String user = messages.getLast().get("content").asString();
        if (system.startsWith("You grade a support classifier")) {
            String expected = user.replaceAll("(?s)^Expected label: (\\w+).*", "$1");
            return user.contains("Answer: I think this is about " + expected) ? "Yes." : "No.";
        }
        return model.equals("large-best") ? capitalised(LABELS.get(user)) + "." : "I think this is about billing";
    }

    private static String capitalised(String label) {
        return Character.toUpperCase(label.charAt(0)) + label.substring(1);
    }

    @BeforeAll
    static void start() throws Exception {
        try (InputStream in = PromptEvalIT.class.getResourceAsStream("/dev/gale/examples/eval/support_questions.json")) {
            JSON.readTree(in).forEach(q -> LABELS.put(q.get("question").asString(), q.get("label").asString()));
        }
        openAi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        openAi.createContext("/", exchange -> {
            JsonNode request = JSON.readTree(new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8));
            byte[] body = JSON.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion")
                    .put("created", 1_700_000_000).put("model", request.get("model").asString())
                    .set("choices", JSON.createArrayNode().add(JSON.createObjectNode().put("index", 0)
                            .put("finish_reason", "stop").set("message", JSON.createObjectNode()
                                    .put("role", "assistant").put("content", answer(request)))))
                    .toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        openAi.start();
        String catalog = """
                {"providers": [{"name": "openai", "type": "openai-compatible", "baseUrl": "http://127.0.0.1:%d/v1",
                  "models": [{"model": "small-fast", "capabilities": ["chat"], "qualityTier": 1,
                              "inputPricePer1k": 0.0001, "outputPricePer1k": 0.0004, "contextTokens": 128000},
                             {"model": "large-best", "capabilities": ["chat"], "qualityTier": 3,
                              "inputPricePer1k": 0.003, "outputPricePer1k": 0.015, "contextTokens": 128000}]}]}"""
                .formatted(openAi.getAddress().getPort());
        gale = new GaleTestServer(Map.of("gale.llm.catalog", catalog));
        offline = new GaleTestServer(Map.of());
    }

    @AfterAll
    static void stop() {
        gale.close();
        offline.close();
        openAi.stop(0);
    }

    private static JsonNode run(GaleTestServer server, String conf) throws Exception {
        JsonNode run = JSON.readTree(server.post("/api/v1/dags/prompt_eval/runs?wait=PT180S", "{\"conf\":" + conf
                + "}").body());
        assertThat(run.get("state").asString()).as(run.toString()).isEqualTo("success");
        return run;
    }

    private static JsonNode versions(GaleTestServer server) throws Exception {
        JsonNode assets = JSON.readTree(server.get("/api/v1/assets?namePrefix=eval://support-prompts").body())
                .get("assets");
        assertThat(assets).hasSize(1);
        long id = assets.get(0).get("id").asLong();
        JsonNode versions = JSON.readTree(server.get("/api/v1/assets/" + id + "/versions").body()).get("versions");
        String list = String.join(",", versions.valueStream().map(v -> v.get("version").asString()).toList());
        return JSON.readTree(server.get("/api/v1/assets/" + id + "/compare?versions=" + list).body());
    }

    @Test
    void everyPromptAndModelCombinationIsScoredAndRecordedAsAVersionWithScoreCostAndLatency() throws Exception {
        JsonNode report = run(gale, "{\"prompts\": [\"bare\", \"few-shot\"], \"models\": [\"openai/small-fast\","
                + " \"openai/large-best\"], \"judge\": \"openai/large-best\"}").get("result");

        assertThat(report.get("combinations")).hasSize(4);
        assertThat(report.get("best").get("model").asString()).isEqualTo("openai/large-best");
        JsonNode compare = versions(gale);
        assertThat(compare.get("metadataFields").valueStream().map(JsonNode::asString))
                .contains("promptId", "model", "score", "costUsd", "latencyMs");
        JsonNode versions = compare.get("versions");
        assertThat(versions).hasSize(4);
        assertThat(versions.valueStream().map(v -> v.get("metadata").get("promptId").asString() + " × "
                + v.get("metadata").get("model").asString())).containsExactlyInAnyOrder(
                "bare × openai/small-fast", "bare × openai/large-best", "few-shot × openai/small-fast",
                "few-shot × openai/large-best");
        long billing = LABELS.values().stream().filter("billing"::equals).count();
        for (JsonNode v : versions) {
            JsonNode m = v.get("metadata");
            boolean best = m.get("model").asString().equals("openai/large-best");
            assertThat(m.get("score").asDouble()).as(m.toString())
                    .isEqualTo(best ? 1.0 : Math.round(billing * 1000.0 / LABELS.size()) / 1000.0);
            assertThat(m.get("questions").asInt()).isEqualTo(LABELS.size());
            assertThat(m.get("costUsd").asDouble()).isPositive();
            assertThat(m.get("latencyMs").asLong()).isNotNegative();
            assertThat(m.get("scoredBy").asString()).isEqualTo("exact match of the label, else judged by"
                    + " openai/large-best");
            assertThat(v.get("conf").get("judge").asString()).isEqualTo("openai/large-best");
        }
        JsonNode bareBest = versions.valueStream().filter(v -> v.get("metadata").get("model").asString()
                .equals("openai/large-best") && v.get("metadata").get("promptId").asString().equals("bare"))
                .findFirst().orElseThrow().get("metadata");
        JsonNode bareSmall = versions.valueStream().filter(v -> v.get("metadata").get("model").asString()
                .equals("openai/small-fast") && v.get("metadata").get("promptId").asString().equals("bare"))
                .findFirst().orElseThrow().get("metadata");
        assertThat(bareBest.get("costUsd").asDouble()).as("the dearer model costs more")
                .isGreaterThan(bareSmall.get("costUsd").asDouble());
    }

    @Test
    void withNoChatModelTheKeywordClassifierAnswersAndEveryVersionSaysSo() throws Exception {
        JsonNode report = run(offline, "{}").get("result");

        assertThat(report.get("combinations")).hasSize(3);
        JsonNode versions = versions(offline).get("versions");
        assertThat(versions).hasSize(3);
        assertThat(versions.valueStream().map(v -> v.get("metadata").get("promptId").asString()))
                .containsExactlyInAnyOrder("bare", "definitions", "few-shot");
        for (JsonNode v : versions) {
            JsonNode m = v.get("metadata");
            assertThat(m.get("model").asString()).isEqualTo("offline");
            assertThat(m.get("answeredBy").asString()).startsWith("offline keyword classifier: no chat model is"
                    + " configured");
            assertThat(m.get("costUsd").asDouble()).isZero();
            assertThat(m.get("score").asDouble()).isEqualTo(0.8);
            assertThat(m.get("correct").asInt()).isEqualTo(16);
        }
    }
}
