package dev.gale.llm;

import static dev.gale.llm.FakeProvider.openAiChat;
import static dev.gale.llm.FakeProvider.openAiToolCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.gale.sdk.LlmAccess;
import dev.langchain4j.agent.tool.Tool;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The agent call against a local server that answers with tool calls in the OpenAI wire format. */
class AgentLoopTest {
    private final List<String> logs = new ArrayList<>();

    /** A task's tools: counts its calls, so a test sees whether a replayed attempt ran them again. */
    static final class Warehouse {
        final AtomicInteger calls = new AtomicInteger();

        @Tool("Number of rows in a table")
        long countRows(String table) {
            calls.incrementAndGet();
            return table.equals("orders") ? 1234 : 0;
        }
    }

    private static String catalog(String baseUrl) {
        return """
                {"retry":{"attempts":1,"initialBackoffMs":10},"providers":[{"name":"vllm","type":"openai-compatible",
                 "baseUrl":"%s","apiKey":"k","models":[{"model":"qwen","capabilities":["chat"],"qualityTier":2,
                 "inputPricePer1k":0.001,"outputPricePer1k":0.002,"contextTokens":128000,"typicalLatencyMs":500}]}]}"""
                .formatted(baseUrl);
    }

    private TaskLlm llm(RecordingAccess access, Optional<Double> budgetUsd) {
        return new TaskLlm(access, logs::add, LlmCatalog.parse(access.catalogJson()),
                new ModelRequirements(Capability.CHAT, 1, 0, 0, 0, Sensitivity.INTERNAL, Set.of(),
                        ModelRequirements.Objective.CHEAPEST, Set.of(), false),
                new TaskLlm.RunSettings(Optional.empty(), budgetUsd), true);
    }

    @Test
    void theModelCallsATaskMethodGetsItsResultAndAnswersWithEveryStepRecorded() {
        try (FakeProvider server = new FakeProvider(
                openAiToolCall("call_1", "countRows", "{\"table\":\"orders\"}", 100, 20),
                openAiChat("orders has 1234 rows.", 150, 10))) {
            RecordingAccess access = new RecordingAccess(catalog(server.url("/v1")), null);
            Warehouse tools = new Warehouse();

            AgentResult result = llm(access, Optional.empty()).agent("Use the tools.", "How many orders?", tools, 5);

            assertThat(result.answer()).isEqualTo("orders has 1234 rows.");
            assertThat(tools.calls).hasValue(1);
            assertThat(result.transcript()).extracting(AgentResult.Step::kind, AgentResult.Step::name,
                    AgentResult.Step::text).containsExactly(
                    tuple("model", "countRows", ""),
                    tuple("tool", "countRows", "1234"),
                    tuple("model", "", "orders has 1234 rows."));
            assertThat(server.requests.getFirst().body()).contains("\"tools\"", "countRows", "Number of rows in a table");
            assertThat(server.requests.get(1).body()).contains("\"tool_call_id\" : \"call_1\"", "\"content\" : \"1234\"");
            assertThat(access.outcomes()).containsExactly("vllm/qwen:success", "tool/countRows:success",
                    "vllm/qwen:success");
            assertThat(access.calls.get(0).costMicroUsd()).isEqualTo(140); // 0.1k * $0.001 + 0.02k * $0.002
            assertThat(access.calls.get(1).responseJson()).contains("orders", "1234");
        }
    }

    @Test
    void aRetriedAttemptReplaysTheRecordedStepsWithoutCallingTheModelOrTheToolAgain() {
        List<LlmAccess.Call> firstAttempt;
        try (FakeProvider server = new FakeProvider(
                openAiToolCall("call_1", "countRows", "{\"table\":\"orders\"}", 100, 20),
                openAiChat("orders has 1234 rows.", 150, 10))) {
            RecordingAccess access = new RecordingAccess(catalog(server.url("/v1")), null);
            llm(access, Optional.empty()).agent("Use the tools.", "How many orders?", new Warehouse(), 5);
            firstAttempt = List.copyOf(access.calls);
        }
        try (FakeProvider server = new FakeProvider(openAiChat("a different answer", 1, 1))) {
            RecordingAccess retry = new RecordingAccess(catalog(server.url("/v1")), null);
            firstAttempt.forEach(c -> retry.earlierAttempts.put(c.callHash(), c.responseJson()));
            Warehouse tools = new Warehouse();

            AgentResult result = llm(retry, Optional.empty()).agent("Use the tools.", "How many orders?", tools, 5);

            assertThat(result.answer()).isEqualTo("orders has 1234 rows.");
            assertThat(server.requests).isEmpty();
            assertThat(tools.calls).hasValue(0);
            assertThat(result.transcript()).allMatch(AgentResult.Step::replayed);
            assertThat(retry.outcomes()).containsExactly("vllm/qwen:replayed", "tool/countRows:replayed",
                    "vllm/qwen:replayed");
        }
    }

    @Test
    void theStepLimitAndTheRunsBudgetStopTheLoop() {
        try (FakeProvider server = new FakeProvider(
                openAiToolCall("call_1", "countRows", "{\"table\":\"orders\"}", 100, 20))) {
            RecordingAccess access = new RecordingAccess(catalog(server.url("/v1")), null);
            assertThatThrownBy(() -> llm(access, Optional.empty()).agent(null, "Loop", new Warehouse(), 2))
                    .isInstanceOf(LlmException.class).hasMessageContaining("within its limit of 2 steps");
            assertThat(server.requests).hasSize(2);

            RecordingAccess poor = new RecordingAccess(catalog(server.url("/v1")), null);
            assertThatThrownBy(() -> llm(poor, Optional.of(0.0001)).agent(null, "Loop", new Warehouse(), 5))
                    .isInstanceOf(LlmException.class).hasMessageContaining("budget");
            assertThat(poor.outcomes()).containsExactly("vllm/qwen:success", "tool/countRows:success");
        }
    }
}
