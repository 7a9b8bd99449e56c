package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.gale.testing.TestPostgres;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * sql_assistant against a warehouse in a real PostgreSQL, with two chat models on a local server speaking the
 * OpenAI chat-completions wire format (a cheap one and a better, dearer one), and on a second server with no chat
 * model at all: the rewordings go to the cheap model and the SQL to the best one, the SQL is checked (EXPLAIN)
 * and run with the row limit, a DELETE from the model is refused with the reason, and offline the answer says
 * plainly that no SQL was written and lists the relevant tables and example queries.
 */
class SqlAssistantIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String GOOD_SQL = "SELECT c.name, count(*) AS messages FROM demo_warehouse.interactions i"
            + " JOIN demo_warehouse.channels c USING (channel_id) WHERE i.kind = 'message' GROUP BY c.name"
            + " ORDER BY messages DESC";
    private static final List<String> requests = new CopyOnWriteArrayList<>();
    private static HttpServer openAi;
    private static TestPostgres.Database warehouse;
    private static GaleTestServer gale;
    private static GaleTestServer offline;

    private static String completion(String model, String content) {
        return JSON.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion")
                .put("created", 1_700_000_000).put("model", model)
                .set("choices", JSON.createArrayNode().add(JSON.createObjectNode().put("index", 0)
                        .put("finish_reason", "stop").set("message", JSON.createObjectNode().put("role", "assistant")
                                .put("content", content))))
                .set("usage", JSON.createObjectNode().put("prompt_tokens", 500).put("completion_tokens", 50)
                        .put("total_tokens", 550))
                .toString();
    }

    /** A model turn that asks for one tool, as OpenAI's API writes it. */
    private static String toolCall(String model, String tool, String arguments) {
        return JSON.createObjectNode().put("id", "chatcmpl-2").put("object", "chat.completion")
                .put("created", 1_700_000_000).put("model", model)
                .set("choices", JSON.createArrayNode().add(JSON.createObjectNode().put("index", 0)
                        .put("finish_reason", "tool_calls").set("message", JSON.createObjectNode()
                                .put("role", "assistant").putNull("content").set("tool_calls", JSON.createArrayNode()
                                        .add(JSON.createObjectNode().put("id", "call_" + tool).put("type", "function")
                                                .set("function", JSON.createObjectNode().put("name", tool)
                                                        .put("arguments", arguments)))))))
                .set("usage", JSON.createObjectNode().put("prompt_tokens", 300).put("completion_tokens", 20)
                        .put("total_tokens", 320))
                .toString();
    }

    @BeforeAll
    static void start() throws Exception {
        openAi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        openAi.createContext("/", exchange -> {
            String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(request);
            String model = JSON.readTree(request).get("model").asString();
            if (request.contains("Find the tables with listTables")) {
                int toolResults = request.split("tool_call_id", -1).length - 1;
                byte[] body = (toolResults == 0 ? toolCall(model, "describeTable", "{\"table\": \"channels\"}")
                        : toolResults == 1 ? toolCall(model, "explain", JSON.createObjectNode().put("sql", GOOD_SQL)
                        .toString()) : completion(model, "```sql\n" + GOOD_SQL + "\n```"))
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
                return;
            }
            String content = request.contains("You reword questions about a database")
                    ? "{\"rewordings\": [\"channels ranked by message count\", \"where do users post most\","
                    + " \"busiest channels by messages\"]}"
                    : request.contains("Remove the inactive users")
                    ? "```sql\nDELETE FROM demo_warehouse.users WHERE user_id > 10\n```"
                    : "Here is the query:\n```sql\n" + GOOD_SQL + "\n```";
            byte[] body = completion(model, content).getBytes(StandardCharsets.UTF_8);
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
        warehouse = TestPostgres.newDatabase();
        String uri = "postgres://" + warehouse.user() + ":" + (warehouse.password() == null ? ""
                : warehouse.password()) + "@" + warehouse.jdbcUrl().substring("jdbc:postgresql://".length());
        gale = new GaleTestServer(Map.of("gale.llm.catalog", catalog, "GALE_CONN_WAREHOUSE", uri));
        offline = new GaleTestServer(Map.of("GALE_CONN_WAREHOUSE", uri));
    }

    @AfterAll
    static void stop() {
        gale.close();
        offline.close();
        openAi.stop(0);
        TestPostgres.dropDatabase(warehouse);
    }

    private static JsonNode ask(GaleTestServer server, String conf) throws Exception {
        JsonNode run = JSON.readTree(server.post("/api/v1/dags/sql_assistant/runs?wait=PT180S", "{\"conf\":" + conf
                + "}").body());
        assertThat(run.get("state").asString()).as(run.toString()).isEqualTo("success");
        return run;
    }

    private static long users() throws Exception {
        try (Connection c = warehouse.dataSource().getConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM demo_warehouse.users")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void theCheapModelRewordsTheBestModelWritesTheSqlAndItIsCheckedAndRunWithTheRowLimit() throws Exception {
        requests.clear();
        JsonNode run = ask(gale, "{\"question\": \"Which channels have the most messages?\", \"execute\": true,"
                + " \"rowLimit\": 3}");
        JsonNode answer = run.get("result");

        assertThat(answer.get("mode").asString()).isEqualTo("model");
        assertThat(answer.get("sql").asString()).isEqualTo(GOOD_SQL);
        assertThat(answer.get("accepted").asBoolean()).isTrue();
        assertThat(answer.get("plan").valueStream().map(JsonNode::asString)).anyMatch(l -> l.contains("interactions"));
        assertThat(answer.get("rows")).hasSize(3);
        assertThat(answer.get("rows").get(0).get("messages").asLong())
                .isGreaterThanOrEqualTo(answer.get("rows").get(1).get("messages").asLong()).isPositive();
        assertThat(answer.get("model").asString()).isEqualTo("openai/large-best");
        assertThat(answer.get("rewordedBy").asString()).isEqualTo("model openai/small-fast");
        assertThat(answer.get("rewordings")).hasSize(3);
        assertThat(answer.get("examples").valueStream().map(e -> e.get("question").asString()))
                .contains("Which channels have the most messages?");

        String sqlRequest = requests.stream().filter(r -> r.contains("You write one PostgreSQL SELECT")).findFirst()
                .orElseThrow();
        assertThat(sqlRequest).contains("\"large-best\"", "demo_warehouse.interactions", "Email address (PII)",
                "timestamp with time zone", "busiest channels by messages", "GROUP BY c.name ORDER BY messages DESC");

        JsonNode calls = JSON.readTree(gale.get("/api/v1/dags/sql_assistant/runs/" + run.get("runId").asString()
                + "/llm-usage").body()).get("calls");
        assertThat(calls.valueStream().filter(c -> c.get("taskId").asString().equals("rephrase"))
                .map(c -> c.get("model").asString())).containsExactly("small-fast");
        assertThat(calls.valueStream().filter(c -> c.get("taskId").asString().equals("write_sql"))
                .map(c -> c.get("model").asString())).containsExactly("large-best");
    }

    @Test
    void inAgentModeTheModelDescribesATableAndExplainsItsQueryThroughToolsBeforeItAnswers() throws Exception {
        JsonNode run = ask(gale, "{\"question\": \"Which channels have the most messages?\", \"mode\": \"agent\","
                + " \"execute\": true, \"rowLimit\": 2}");
        JsonNode answer = run.get("result");

        assertThat(answer.get("mode").asString()).isEqualTo("agent");
        assertThat(answer.get("accepted").asBoolean()).isTrue();
        assertThat(answer.get("sql").asString()).isEqualTo(GOOD_SQL);
        assertThat(answer.get("rows")).hasSize(2);
        assertThat(answer.get("agentSteps").valueStream().map(JsonNode::asString).toList())
                .anyMatch(s -> s.startsWith("tool describeTable")).anyMatch(s -> s.startsWith("tool explain"));
        JsonNode calls = JSON.readTree(gale.get("/api/v1/dags/sql_assistant/runs/" + run.get("runId").asString()
                + "/llm-usage").body()).get("calls");
        List<JsonNode> tools = calls.valueStream().filter(c -> c.get("provider").asString().equals("tool")).toList();
        assertThat(tools).extracting(c -> c.get("model").asString()).containsExactly("describeTable", "explain");
        assertThat(tools.get(0).get("toolResult").asString()).contains("is_private boolean -- True for"
                + " invitation-only channels");
        assertThat(tools.get(1).get("toolResult").asString()).contains("Scan");
    }

    @Test
    void aDeleteFromTheModelIsRefusedWithTheReasonAndNeverRuns() throws Exception {
        long before = users();
        JsonNode answer = ask(gale, "{\"question\": \"Remove the inactive users\", \"execute\": true}").get("result");

        assertThat(answer.get("accepted").asBoolean()).isFalse();
        assertThat(answer.get("refusal").asString()).isEqualTo("the SQL is a DELETE, and only a SELECT may run");
        assertThat(answer.get("sql").asString()).startsWith("DELETE FROM demo_warehouse.users");
        assertThat(answer.get("rows")).isEmpty();
        assertThat(users()).isEqualTo(before).isEqualTo(20_000);
    }

    @Test
    void withNoChatModelTheAnswerSaysSoAndGivesTheRelevantTablesAndTheClosestExamples() throws Exception {
        JsonNode answer = ask(offline, "{\"question\": \"Which countries have the most users?\"}").get("result");

        assertThat(answer.get("mode").asString()).startsWith("offline: no chat model is configured, so no SQL was"
                + " written");
        assertThat(answer.get("sql").isNull()).isTrue();
        assertThat(answer.get("model").asString()).isEqualTo("none");
        assertThat(answer.get("rewordedBy").asString()).startsWith("keyword extraction: no chat model");
        JsonNode users = answer.get("relevantTables").valueStream()
                .filter(t -> t.get("name").asString().equals("demo_warehouse.users")).findFirst().orElseThrow();
        assertThat(users.get("columns").valueStream().map(c -> c.get("name").asString())).contains("country");
        assertThat(answer.get("examples")).hasSize(5);
        assertThat(answer.get("examples").get(0).get("sql").asString()).isEqualTo("SELECT country, count(*) AS users"
                + " FROM demo_warehouse.users GROUP BY country ORDER BY users DESC");
    }
}
