package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * rag_answer and rag_eval when a chat model is configured (an OpenAI-compatible server on localhost): the
 * model rewords the question, rates the candidates (the rerank step, cached per question and chunk) and
 * writes the answer citing its sources; embeddings stay in-process, with the catalog's second offline
 * model (BGE small), which ingest and retrieval both use. A rewording the model gets wrong falls
 * back to keywords, and the result says so.
 */
class RagWithModelIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern PASSAGE = Pattern.compile("\\[(\\d+)] ([^\\[]*)");
    private static final List<String> requests = new CopyOnWriteArrayList<>();
    private static HttpServer openAi;
    private static GaleTestServer gale;
    private static Path home;
    private static Path corpus;
    private static String previousHome;

    private static String completion(String content) {
        return JSON.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion")
                .put("created", 1_700_000_000).put("model", "gpt-4o-mini")
                .set("choices", JSON.createArrayNode().add(JSON.createObjectNode().put("index", 0)
                        .put("finish_reason", "stop").set("message", JSON.createObjectNode().put("role", "assistant")
                                .put("content", content))))
                .toString();
    }

    /**
     * The fake model's ratings: a passage that answers the question (backups kept seven days, or who is paged)
     * gets 10, others 2; for a question that starts with "Reverse:", the later a passage comes, the higher it
     * is rated, so that the rerank visibly reverses retrieval's order.
     */
    private static String ratings(String request) {
        String user = JSON.readTree(request).get("messages").valueStream().filter(m -> m.get("role").asString()
                .equals("user")).findFirst().orElseThrow().get("content").asString();
        String passages = user.substring(user.indexOf("Passages:"));
        List<String> rated = new ArrayList<>();
        Matcher m = PASSAGE.matcher(passages);
        while (m.find()) {
            int n = Integer.parseInt(m.group(1));
            String text = m.group(2);
            int relevance = user.contains("Reverse:") ? n
                    : user.contains("backups") && text.contains("seven days")
                    || user.contains("on-call") && text.contains("on-call") ? 10 : 2;
            rated.add("{\"passage\": " + n + ", \"relevance\": " + relevance + "}");
        }
        return "{\"ratings\": [" + String.join(", ", rated) + "]}";
    }

    @BeforeAll
    static void start() throws Exception {
        openAi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        openAi.createContext("/", exchange -> {
            String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(request);
            String content = request.contains("You rate passages") ? ratings(request)
                    : request.contains("You reword search questions") && request.contains("on-call")
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
                              "contextTokens": 128000, "typicalLatencyMs": 800}]},
                 {"name": "offline", "type": "in-process",
                  "models": [{"model": "bge-small-en-v1.5-q", "capabilities": ["embedding"], "qualityTier": 2}]}]}"""
                .formatted(openAi.getAddress().getPort());
        home = Files.createTempDirectory("rag-model-home");
        corpus = Files.createTempDirectory("rag-model-corpus");
        Files.writeString(corpus.resolve("backups.md"), "# Backups\nBackups run nightly and are kept seven days.\n");
        Files.writeString(corpus.resolve("alerts.md"), "# Alerts\nAlerts page the on-call engineer.\n");
        previousHome = System.getProperty("gale.home");
        System.setProperty("gale.home", home.toString());
        gale = new GaleTestServer(Map.of("gale.llm.catalog", catalog));
        JsonNode ingest = run("rag_ingest", "{\"path\":\"" + corpus + "\"}");
        assertThat(ingest.get("state").asString()).as(ingest.toString()).isEqualTo("success");
        assertThat(ingest.get("result").get("embeddingModel").asString()).isEqualTo("offline/bge-small-en-v1.5-q");
    }

    @AfterAll
    static void stop() {
        gale.close();
        openAi.stop(0);
        if (previousHome == null) {
            System.clearProperty("gale.home");
        } else {
            System.setProperty("gale.home", previousHome);
        }
    }

    private static JsonNode run(String dagId, String conf) throws Exception {
        return JSON.readTree(gale.post("/api/v1/dags/" + dagId + "/runs?wait=PT120S", "{\"conf\":" + conf + "}")
                .body());
    }

    private static JsonNode ask(String conf) throws Exception {
        JsonNode run = run("rag_answer", conf);
        assertThat(run.get("state").asString()).as(run.toString()).isEqualTo("success");
        return run.get("result");
    }

    private static List<String> sources(JsonNode answer) {
        return answer.get("sources").valueStream().map(s -> Path.of(s.get("path").asString()).getFileName()
                .toString()).toList();
    }

    private static long rateRequests() {
        return requests.stream().filter(r -> r.contains("You rate passages")).count();
    }

    @Test
    void aConfiguredChatModelRewordsReranksAndWritesAnAnswerCitingItsSources() throws Exception {
        requests.clear();
        JsonNode answer = ask("{\"question\":\"How long are backups kept?\"}");

        assertThat(answer.get("answer").asString()).isEqualTo("Backups are kept for seven days [1].");
        assertThat(answer.get("model").asString()).isEqualTo("openai/gpt-4o-mini");
        assertThat(answer.get("rewordings").valueStream().map(JsonNode::asString)).containsExactly(
                "backup retention period", "how long backups are stored", "days a backup is kept");
        assertThat(answer.get("rewordedBy").asString()).isEqualTo("model openai/gpt-4o-mini");
        assertThat(answer.get("rerankedBy").asString()).isEqualTo("llm openai/gpt-4o-mini");
        JsonNode first = answer.get("sources").get(0);
        assertThat(first.get("path").asString()).isEqualTo(corpus.resolve("backups.md").toString());
        assertThat(first.get("score").asDouble()).isEqualTo(10);
        assertThat(first.get("cited").asBoolean()).isTrue();
        assertThat(answer.get("sources").valueStream().skip(1).noneMatch(s -> s.get("cited").asBoolean())).isTrue();
        assertThat(requests).hasSize(3);
        assertThat(requests.getLast()).contains("[1] Backups", "kept seven days", "How long are backups kept?");

        JsonNode fallback = ask("{\"question\":\"Who gets paged as the on-call engineer?\"}");
        assertThat(fallback.get("rewordedBy").asString()).isEqualTo("keyword extraction: rewording"
                + " with openai/gpt-4o-mini failed (see the rephrase task's log)");
        assertThat(fallback.get("rewordings")).hasSize(3);
        assertThat(sources(fallback).getFirst()).isEqualTo("alerts.md");
    }

    @Test
    void theRerankReordersTheCandidatesCachesItsScoresPerQuestionAndChunkAndCanBeTurnedOff() throws Exception {
        String question = "Reverse: what happens nightly?";
        JsonNode fused = ask("{\"question\":\"" + question + "\", \"rerank\": \"none\"}");
        assertThat(fused.get("rerankedBy").asString()).isEqualTo("none: conf rerank is none");
        long before = rateRequests();

        JsonNode reranked = ask("{\"question\":\"" + question + "\", \"rerank\": \"llm\"}");
        assertThat(reranked.get("rerankedBy").asString()).isEqualTo("llm openai/gpt-4o-mini");
        assertThat(sources(reranked)).hasSizeGreaterThan(1)
                .containsExactlyElementsOf(sources(fused).reversed());
        assertThat(rateRequests()).isEqualTo(before + 1);

        JsonNode again = ask("{\"question\":\"" + question + "\"}");
        assertThat(sources(again)).containsExactlyElementsOf(sources(reranked));
        assertThat(rateRequests()).as("every candidate's score came from the cache").isEqualTo(before + 1);
        assertThat(home.resolve("cache/rerank")).isDirectory();
    }

    @Test
    void ragEvalMeasuresTheRerankedRetrievalAndRecordsWhichRerankerItUsed() throws Exception {
        JsonNode eval = run("rag_eval", "{\"questions\": [{\"question\": \"For how many days are backups kept?\","
                + " \"source\": \"backups.md\", \"answer\": \"seven days\"}, {\"question\": \"Who gets paged as the on-call"
                + " engineer?\", \"source\": \"alerts.md\"}]}");

        assertThat(eval.get("state").asString()).as(eval.toString()).isEqualTo("success");
        JsonNode report = eval.get("result");
        assertThat(report.get("hitAt1").asDouble()).isEqualTo(1.0);
        assertThat(report.get("mrr").asDouble()).isEqualTo(1.0);
        assertThat(report.get("answerAt5").asDouble()).isEqualTo(1.0);
        assertThat(report.get("misses")).isEmpty();
        assertThat(report.get("settings").get("rerankedBy").asString()).isEqualTo("llm openai/gpt-4o-mini");
    }
}
