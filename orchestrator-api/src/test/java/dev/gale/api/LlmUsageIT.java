package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * common.llm end to end: a real run on the server and a gRPC worker, tasks calling an
 * OpenAI-compatible endpoint and an Ollama one (local servers speaking their wire formats), usage
 * recorded through the TEI in PostgreSQL and read back over REST, a retry replaying the paid call.
 */
class LlmUsageIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> OPENAI_REQUESTS = new CopyOnWriteArrayList<>();
    private static final List<String> OLLAMA_REQUESTS = new CopyOnWriteArrayList<>();
    /** An agent's first turn: the model asks for the task's tool. */
    private static final String TOOL_CALL = """
            {"id":"chatcmpl-2","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini",
             "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1",
             "type":"function","function":{"name":"colourOf","arguments":"{\\"planet\\":\\"Mars\\"}"}}]},
             "finish_reason":"tool_calls"}],"usage":{"prompt_tokens":100,"completion_tokens":20,"total_tokens":120}}""";
    private static HttpServer openAi;
    private static HttpServer ollama;
    private static GaleTestServer gale;

    @BeforeAll
    static void start() throws IOException {
        openAi = fake(OPENAI_REQUESTS, "/v1/chat/completions", """
                {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Mars"},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":2000,"completion_tokens":1000,"total_tokens":3000}}""");
        ollama = fake(OLLAMA_REQUESTS, "/api/chat", """
                {"model":"llama3.1","created_at":"2026-11-21T00:00:00Z","message":{"role":"assistant",
                 "content":"[NAME] earns 90k."},"done":true,"done_reason":"stop","prompt_eval_count":12,"eval_count":6}""");
        String catalog = """
                {"providers": [
                  {"name": "openai", "type": "openai", "baseUrl": "http://127.0.0.1:%d/v1", "apiKeyEnv": "NO_SUCH_ENV",
                   "models": [{"model": "gpt-4o-mini", "capabilities": ["chat"], "qualityTier": 2,
                               "inputPricePer1k": 0.00015, "outputPricePer1k": 0.0006, "contextTokens": 128000,
                               "typicalLatencyMs": 800}]},
                  {"name": "ollama", "type": "ollama", "baseUrl": "http://127.0.0.1:%d",
                   "models": [{"model": "llama3.1", "capabilities": ["chat"], "qualityTier": 1, "contextTokens": 8192,
                               "typicalLatencyMs": 1500}]}]}"""
                .formatted(openAi.getAddress().getPort(), ollama.getAddress().getPort());
        gale = new GaleTestServer(Map.of("gale.llm.catalog", catalog));
    }

    @AfterAll
    static void stop() {
        gale.close();
        openAi.stop(0);
        ollama.stop(0);
    }

    private static HttpServer fake(List<String> requests, String path, String answer) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestURI().getPath() + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String asked = requests.getLast();
            boolean toolTurn = path.equals("/v1/chat/completions") && asked.contains("\"tools\"")
                    && !asked.contains("tool_call_id");
            byte[] body = (exchange.getRequestURI().getPath().equals(path) ? (toolTurn ? TOOL_CALL : answer)
                    : "{\"error\":\"no such path\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals(path) ? 200 : 404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static JsonNode json(java.net.http.HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    @Test
    void aRetriedTaskReplaysItsPaidCallAndTheRunShowsWhatEachCallCostAndWhy() throws Exception {
        int before = OPENAI_REQUESTS.size();

        JsonNode run = json(gale.post("/api/v1/dags/llm_retry_for_tests/runs?wait=PT30S", "{}"));

        assertThat(run.get("state").asString()).isEqualTo("success");
        assertThat(run.get("result").asString()).isEqualTo("Mars");
        assertThat(OPENAI_REQUESTS).hasSize(before + 1);
        assertThat(OPENAI_REQUESTS.getLast()).contains("gpt-4o-mini", "Which planet is red?");

        var response = gale.get("/api/v1/dags/llm_retry_for_tests/runs/" + run.get("runId").asString()
                + "/llm-usage");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode usage = json(response);
        JsonNode calls = usage.get("calls");
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).get("attempt").asInt()).isEqualTo(1);
        assertThat(calls.get(0).get("outcome").asString()).isEqualTo("success");
        assertThat(calls.get(0).get("provider").asString() + "/" + calls.get(0).get("model").asString())
                .isEqualTo("openai/gpt-4o-mini");
        assertThat(calls.get(0).get("inputTokens").asLong()).isEqualTo(2000);
        assertThat(calls.get(0).get("costMicroUsd").asLong()).isEqualTo(900); // 2k * $0.00015 + 1k * $0.0006
        assertThat(calls.get(0).get("choiceReasons").asString()).startsWith(
                "chose openai/gpt-4o-mini: cheapest chat model with quality >= 2")
                .contains("ollama/llama3.1 excluded: quality 1 < 2");
        assertThat(calls.get(1).get("attempt").asInt()).isEqualTo(2);
        assertThat(calls.get(1).get("outcome").asString()).isEqualTo("replayed");
        assertThat(calls.get(1).get("costMicroUsd").asLong()).isZero();
        assertThat(usage.get("totals").get("costMicroUsd").asLong()).isEqualTo(900);
        assertThat(usage.get("totals").get("calls").asInt()).isEqualTo(2);
        assertThat(usage.get("tasks").get(0).get("taskId").asString()).isEqualTo("ask");
    }

    @Test
    void anAgentsToolCallIsShownWithItsArgumentsAndResultAndTheRetryReplaysEveryStep() throws Exception {
        int before = OPENAI_REQUESTS.size();

        JsonNode run = json(gale.post("/api/v1/dags/llm_agent_for_tests/runs?wait=PT30S", "{}"));

        assertThat(run.get("state").asString()).isEqualTo("success");
        assertThat(run.get("result").asString()).isEqualTo("Mars");
        assertThat(OPENAI_REQUESTS).hasSize(before + 2);
        assertThat(OPENAI_REQUESTS.getLast()).contains("tool_call_id", "red");
        JsonNode calls = json(gale.get("/api/v1/dags/llm_agent_for_tests/runs/" + run.get("runId").asString()
                + "/llm-usage")).get("calls");
        assertThat(calls).hasSize(6);
        assertThat(calls.get(1).get("provider").asString()).isEqualTo("tool");
        assertThat(calls.get(1).get("model").asString()).isEqualTo("colourOf");
        assertThat(calls.get(1).get("toolArguments").asString()).contains("Mars");
        assertThat(calls.get(1).get("toolResult").asString()).isEqualTo("red");
        for (int i = 3; i < 6; i++) {
            assertThat(calls.get(i).get("attempt").asInt()).isEqualTo(2);
            assertThat(calls.get(i).get("outcome").asString()).isEqualTo("replayed");
        }
    }

    @Test
    void aDagsLlmBudgetFailsTheCallThatWouldGoOverItAndAConfCannotRaiseIt() throws Exception {
        for (String body : new String[] {"{}", "{\"conf\":{\"llm\":{\"budgetUsd\":10}}}"}) {
            int before = OPENAI_REQUESTS.size();

            JsonNode run = json(gale.post("/api/v1/dags/llm_budget_for_tests/runs?wait=PT30S", body));

            assertThat(run.get("state").asString()).as(body).isEqualTo("failed");
            assertThat(run.get("error").asString()).contains("the run's LLM budget of $0.000500 (conf llm.budgetUsd,"
                    + " at most the DAG's llmBudgetUsd) would be exceeded: $0.000900 spent so far");
            assertThat(OPENAI_REQUESTS).as("only the first call was paid for").hasSize(before + 1);
        }
    }

    @Test
    void confidentialDataStaysOnTheLocalModelAndAConfOverrideToAnExternalOneFailsTheTaskSayingWhy()
            throws Exception {
        int openAiBefore = OPENAI_REQUESTS.size();

        JsonNode local = json(gale.post("/api/v1/dags/llm_confidential_for_tests/runs?wait=PT30S", "{}"));
        assertThat(local.get("state").asString()).isEqualTo("success");
        assertThat(local.get("result").asString()).isEqualTo("[NAME] earns 90k.");
        assertThat(OLLAMA_REQUESTS.getLast()).startsWith("/api/chat").contains("Alice earns 90k.");

        JsonNode overridden = json(gale.post("/api/v1/dags/llm_confidential_for_tests/runs?wait=PT30S",
                "{\"conf\":{\"llm\":{\"model\":\"openai/gpt-4o-mini\"}}}"));
        assertThat(overridden.get("state").asString()).isEqualTo("failed");
        JsonNode task = json(gale.get("/api/v1/dags/llm_confidential_for_tests/runs/"
                + overridden.get("runId").asString() + "/tasks/redact"));
        assertThat(task.toString()).contains("the run's conf overrides the model with openai/gpt-4o-mini, which this"
                + " task may not use: external provider, data is confidential");
        assertThat(OPENAI_REQUESTS).hasSize(openAiBefore);
    }

    @Test
    void theModelsEndpointListsTheLiveCatalogWithoutKeys() throws Exception {
        var response = gale.get("/api/v1/llm/models");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode models = json(response).get("models");
        assertThat(models.findValuesAsString("id")).containsExactly("openai/gpt-4o-mini", "ollama/llama3.1",
                "local/all-minilm-l6-v2");
        assertThat(models.get(0).get("external").asBoolean()).isTrue();
        assertThat(models.get(1).get("external").asBoolean()).isFalse();
        assertThat(response.body()).doesNotContain("apiKey");
    }

    @Test
    void theUsageOfAnUnknownRunIsAProblemSayingWhereRunsAreListed() throws Exception {
        var response = gale.get("/api/v1/dags/llm_retry_for_tests/runs/nope/llm-usage");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).get().asString().contains("problem+json");
        assertThat(response.body()).contains("Runs are listed by GET /api/v1/dags/llm_retry_for_tests/runs");
    }
}
