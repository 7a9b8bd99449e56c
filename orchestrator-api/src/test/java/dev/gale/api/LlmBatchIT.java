package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * common.llm's chat batch end to end: a real run on the server and a gRPC worker, the task submitting to a
 * local server speaking OpenAI's Batch API (files, batches, file content), deferring while the batch runs and
 * resuming to poll it, the answers mapped back by custom_id and their usage recorded at the batch price.
 */
class LlmBatchIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** How many status reads a batch stays in progress before it completes. */
    private static final int POLLS_BEFORE_DONE = 3;
    private static final Map<String, String> FILES = new ConcurrentHashMap<>();
    private static final Map<String, String> BATCH_INPUT = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> BATCH_POLLS = new ConcurrentHashMap<>();
    private static final List<String> REQUESTS = new CopyOnWriteArrayList<>();
    private static final AtomicInteger IDS = new AtomicInteger();
    private static HttpServer openAi;
    private static GaleTestServer gale;

    @BeforeAll
    static void start() throws IOException {
        openAi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        openAi.createContext("/", LlmBatchIT::batchApi);
        openAi.start();
        String catalog = """
                {"providers": [
                  {"name": "openai", "type": "openai", "baseUrl": "http://127.0.0.1:%d/v1", "apiKey": "sk-test",
                   "models": [{"model": "gpt-4o-mini", "capabilities": ["chat"], "qualityTier": 2,
                               "inputPricePer1k": 0.00015, "outputPricePer1k": 0.0006, "contextTokens": 128000,
                               "typicalLatencyMs": 800}]}]}""".formatted(openAi.getAddress().getPort());
        gale = new GaleTestServer(Map.of("gale.llm.catalog", catalog, "gale.scheduler.interval", "PT0.2S"));
    }

    @AfterAll
    static void stop() {
        gale.close();
        openAi.stop(0);
    }

    /** OpenAI's Batch API as far as a chat batch uses it; a batch asking {@link TestDagsLlmBatch#REFUSED} fails. */
    private static void batchApi(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        REQUESTS.add(exchange.getRequestMethod() + " " + path + " "
                + exchange.getRequestHeaders().getFirst("Authorization"));
        String answer;
        if (path.equals("/v1/files") && exchange.getRequestMethod().equals("POST")) {
            String part = body.substring(body.indexOf("filename=\"batch.jsonl\""));
            String boundary = body.substring(0, body.indexOf("\r\n"));
            String jsonl = part.substring(part.indexOf("\r\n\r\n") + 4, part.indexOf("\r\n" + boundary));
            assertThat(body).contains("name=\"purpose\"\r\n\r\nbatch\r\n");
            String id = "file-" + IDS.incrementAndGet();
            FILES.put(id, jsonl);
            answer = "{\"id\":\"" + id + "\",\"object\":\"file\",\"purpose\":\"batch\"}";
        } else if (path.equals("/v1/batches") && exchange.getRequestMethod().equals("POST")) {
            JsonNode create = JSON.readTree(body);
            assertThat(create.get("endpoint").asString()).isEqualTo("/v1/chat/completions");
            assertThat(create.get("completion_window").asString()).isEqualTo("24h");
            String id = "batch_" + IDS.incrementAndGet();
            BATCH_INPUT.put(id, FILES.get(create.get("input_file_id").asString()));
            BATCH_POLLS.put(id, new AtomicInteger());
            answer = "{\"id\":\"" + id + "\",\"object\":\"batch\",\"status\":\"validating\"}";
        } else if (path.startsWith("/v1/batches/")) {
            String id = path.substring("/v1/batches/".length());
            int polls = BATCH_POLLS.get(id).incrementAndGet();
            ObjectNode batch = JSON.createObjectNode().put("id", id).put("object", "batch");
            if (BATCH_INPUT.get(id).contains(TestDagsLlmBatch.REFUSED)) {
                batch.put("status", "failed").putObject("errors").putArray("data").addObject()
                        .put("code", "invalid_request").put("message", "the batch was refused").put("line", 1);
            } else if (polls < POLLS_BEFORE_DONE) {
                batch.put("status", "in_progress");
            } else {
                String output = "file-" + IDS.incrementAndGet();
                FILES.put(output, output(BATCH_INPUT.get(id)));
                batch.put("status", "completed").put("output_file_id", output);
            }
            answer = JSON.writeValueAsString(batch);
        } else if (path.startsWith("/v1/files/") && path.endsWith("/content")) {
            answer = FILES.get(path.substring("/v1/files/".length(), path.length() - "/content".length()));
        } else {
            answer = null;
        }
        byte[] bytes = (answer == null ? "{\"error\":\"no such path\"}" : answer).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer == null ? 404 : 200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** One answer per input line ("answer to <question>"), in reverse order: results come back in any order. */
    private static String output(String input) {
        List<String> lines = new ArrayList<>();
        for (String line : input.split("\n")) {
            JsonNode request = JSON.readTree(line);
            assertThat(request.get("method").asString()).isEqualTo("POST");
            assertThat(request.get("url").asString()).isEqualTo("/v1/chat/completions");
            JsonNode messages = request.get("body").get("messages");
            ObjectNode result = JSON.createObjectNode().put("id", "batch_req_" + lines.size())
                    .put("custom_id", request.get("custom_id").asString());
            result.putNull("error");
            String question = messages.get(messages.size() - 1).get("content").asString();
            if (question.equals(TestDagsLlmBatch.BAD_REQUEST)) {
                result.putObject("response").put("status_code", 400).putObject("body").putObject("error")
                        .put("message", "the request was malformed");
                lines.add(JSON.writeValueAsString(result));
                continue;
            }
            ObjectNode response = result.putObject("response").put("status_code", 200);
            ObjectNode completion = response.putObject("body").put("object", "chat.completion")
                    .put("model", request.get("body").get("model").asString());
            completion.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop")
                    .putObject("message").put("role", "assistant")
                    .put("content", "answer to " + question);
            completion.putObject("usage").put("prompt_tokens", 2000).put("completion_tokens", 1000)
                    .put("total_tokens", 3000);
            lines.add(JSON.writeValueAsString(result));
        }
        Collections.reverse(lines);
        return String.join("\n", lines) + "\n";
    }

    private static JsonNode json(java.net.http.HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    private static int slotsInUse() throws Exception {
        int inUse = 0;
        for (JsonNode worker : json(gale.get("/api/v1/workers")).get("workers")) {
            inUse += worker.get("slotsInUse").asInt();
        }
        return inUse;
    }

    private static JsonNode run(String dagId, String runId) throws Exception {
        return json(gale.get("/api/v1/dags/" + dagId + "/runs/" + runId));
    }

    @Test
    void aBatchDefersWhileItRunsAndTheResumedTaskReturnsTheAnswersInOrderWithTheirUsageAtHalfPrice()
            throws Exception {
        int before = REQUESTS.size();
        String runId = json(gale.post("/api/v1/dags/llm_batch_for_tests/runs", "{}")).get("runId").asString();

        await().atMost(Duration.ofSeconds(20)).until(() -> json(gale.get("/api/v1/dags/llm_batch_for_tests/runs/"
                + runId + "/tasks/ask")).get("state").asString().equals("deferred"));
        // The deferral is committed a moment before the worker's task thread ends and reports its slot free.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(slotsInUse())
                .as("slots in use (%s)", "while the batch runs").isZero());
        await().atMost(Duration.ofSeconds(30)).until(() -> !run("llm_batch_for_tests", runId).get("state").asString()
                .matches("queued|running"));

        JsonNode run = run("llm_batch_for_tests", runId);
        assertThat(run.get("state").asString()).as(run.toString()).isEqualTo("success");
        assertThat(JSON.treeToValue(run.get("result"), String[].class)).containsExactly(
                "answer to Which planet is red?", "answer to Which planet has rings?", "answer to Which planet is largest?");
        List<String> calls = REQUESTS.subList(before, REQUESTS.size());
        assertThat(calls.stream().filter(c -> c.startsWith("POST")).toList()).as("submitted once, never on a resume")
                .containsExactly("POST /v1/files Bearer sk-test", "POST /v1/batches Bearer sk-test");
        assertThat(calls.stream().filter(c -> c.startsWith("GET /v1/batches/"))).hasSize(POLLS_BEFORE_DONE);
        assertThat(calls.getLast()).matches("GET /v1/files/file-\\d+/content Bearer sk-test");
        String batchId = BATCH_INPUT.keySet().stream().filter(id -> calls.contains("GET /v1/batches/" + id
                + " Bearer sk-test")).findFirst().orElseThrow();
        assertThat(BATCH_INPUT.get(batchId)).contains("\"custom_id\":\"request-0\"", "Answer in one word.",
                "\"model\":\"gpt-4o-mini\"");

        JsonNode usage = json(gale.get("/api/v1/dags/llm_batch_for_tests/runs/" + runId + "/llm-usage"));
        JsonNode recorded = usage.get("calls");
        assertThat(recorded).hasSize(3);
        for (JsonNode call : recorded) {
            assertThat(call.get("outcome").asString()).isEqualTo("success");
            assertThat(call.get("inputTokens").asLong()).isEqualTo(2000);
            assertThat(call.get("outputTokens").asLong()).isEqualTo(1000);
            assertThat(call.get("costMicroUsd").asLong()).as("half of 2k * $0.00015 + 1k * $0.0006").isEqualTo(450);
            assertThat(call.get("attempt").asInt()).as("the attempt that deferred").isEqualTo(1);
            assertThat(call.get("choiceReasons").asString()).contains("batch " + batchId);
        }
        assertThat(usage.get("totals").get("costMicroUsd").asLong()).isEqualTo(1350);
        assertThat(json(gale.get("/api/v1/dags/llm_batch_for_tests/runs/" + runId + "/tasks/ask")).toString())
                .doesNotContain("sk-test");
    }

    @Test
    void aFailedBatchFailsTheTaskWithTheProvidersErrors() throws Exception {
        JsonNode run = json(gale.post("/api/v1/dags/llm_batch_failed_for_tests/runs?wait=PT30S", "{}"));

        assertThat(run.get("state").asString()).isEqualTo("failed");
        assertThat(run.get("error").asString()).contains("on openai ended failed: invalid_request: the batch was"
                + " refused (line 1)");
        JsonNode calls = json(gale.get("/api/v1/dags/llm_batch_failed_for_tests/runs/" + run.get("runId").asString()
                + "/llm-usage")).get("calls");
        assertThat(calls.findValuesAsString("outcome")).containsExactly("error");
    }

    @Test
    void aRequestThatFailedInACompletedBatchFailsTheTaskNamingIt() throws Exception {
        JsonNode run = json(gale.post("/api/v1/dags/llm_batch_partly_failed_for_tests/runs?wait=PT30S", "{}"));

        assertThat(run.get("state").asString()).isEqualTo("failed");
        assertThat(run.get("error").asString()).contains("completed, but 1 of 2 requests failed: request 1: HTTP 400")
                .contains("the request was malformed");
        JsonNode calls = json(gale.get("/api/v1/dags/llm_batch_partly_failed_for_tests/runs/"
                + run.get("runId").asString() + "/llm-usage")).get("calls");
        assertThat(calls.findValuesAsString("outcome")).as("the answered request is paid for").containsExactly(
                "success", "error");
    }
}
