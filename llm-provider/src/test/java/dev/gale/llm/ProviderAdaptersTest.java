package dev.gale.llm;

import static dev.gale.llm.FakeProvider.anthropicError;
import static dev.gale.llm.FakeProvider.anthropicMessage;
import static dev.gale.llm.FakeProvider.ollamaChat;
import static dev.gale.llm.FakeProvider.ollamaError;
import static dev.gale.llm.FakeProvider.openAiChat;
import static dev.gale.llm.FakeProvider.openAiError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Each LangChain4j adapter family against a local server speaking that provider's wire format:
 * answers, token usage and cost, retries on a rate limit or a server error, then fallback.
 */
class ProviderAdaptersTest {
    private static final TaskLlm.RunSettings NO_CONF = new TaskLlm.RunSettings(Optional.empty(), Optional.empty());
    private final List<String> logs = new ArrayList<>();

    private static String provider(String name, String type, String baseUrl, String model, int quality,
                                   double inPrice, double outPrice) {
        return """
                {"name":"%s","type":"%s","baseUrl":"%s","apiKey":"test-key","models":[{"model":"%s",
                 "capabilities":["chat"],"qualityTier":%d,"inputPricePer1k":%s,"outputPricePer1k":%s,
                 "contextTokens":128000,"typicalLatencyMs":500}]}""".formatted(name, type, baseUrl, model, quality,
                inPrice, outPrice);
    }

    private static String catalog(String... providers) {
        return "{\"retry\":{\"attempts\":3,\"initialBackoffMs\":10},\"providers\":[" + String.join(",", providers)
                + "]}";
    }

    private TaskLlm llm(RecordingAccess access, ModelRequirements needs, TaskLlm.RunSettings run) {
        return new TaskLlm(access, logs::add, LlmCatalog.parse(access.catalogJson()), needs, run, true);
    }

    private static ModelRequirements chat(int quality, Sensitivity sensitivity) {
        return new ModelRequirements(Capability.CHAT, quality, 0, 0, 0, sensitivity, Set.of(),
                ModelRequirements.Objective.CHEAPEST, Set.of(), false);
    }

    @Test
    void anOpenAiCompatibleServerAnswersAndTheCallIsRecordedWithTokensCostAndReasons() {
        try (FakeProvider vllm = new FakeProvider(openAiChat("Paris.", 1_200, 300))) {
            RecordingAccess access = new RecordingAccess(catalog(provider("vllm", "openai-compatible", vllm.url("/v1"),
                    "qwen2.5-7b", 2, 0.001, 0.002)), null);

            String answer = llm(access, chat(1, Sensitivity.INTERNAL), NO_CONF).chat("Be brief.", "Capital of France?");

            assertThat(answer).isEqualTo("Paris.");
            assertThat(vllm.requests).singleElement().satisfies(r -> {
                assertThat(r.path()).isEqualTo("/v1/chat/completions");
                assertThat(r.body()).contains("qwen2.5-7b", "system", "Be brief.",
                        "Capital of France?");
            });
            assertThat(access.calls).singleElement().satisfies(call -> {
                assertThat(call.provider() + "/" + call.model()).isEqualTo("vllm/qwen2.5-7b");
                assertThat(call.inputTokens()).isEqualTo(1_200);
                assertThat(call.outputTokens()).isEqualTo(300);
                assertThat(call.costMicroUsd()).isEqualTo(1_800); // 1.2k * $0.001 + 0.3k * $0.002 = $0.0018
                assertThat(call.outcome()).isEqualTo("success");
                assertThat(call.reasons()).startsWith("chose vllm/qwen2.5-7b: cheapest chat model with quality >= 1");
                assertThat(call.callHash()).hasSize(64);
            });
        }
    }

    @Test
    void aRateLimitedOpenAiModelIsRetriedThenTheNextAcceptableModelOnAnthropicAnswers() {
        try (FakeProvider openai = new FakeProvider(openAiError(429, "rate_limit_exceeded", "Rate limit reached"));
             FakeProvider anthropic = new FakeProvider(anthropicMessage("Bonjour", 20, 3))) {
            RecordingAccess access = new RecordingAccess(catalog(
                    provider("openai", "openai", openai.url("/v1"), "gpt-4o-mini", 2, 0.00015, 0.0006),
                    provider("anthropic", "anthropic", anthropic.url("/v1/"), "claude-haiku", 2, 0.0008, 0.004)), null);

            String answer = llm(access, chat(2, Sensitivity.PUBLIC), NO_CONF).chat("Say hello in French");

            assertThat(answer).isEqualTo("Bonjour");
            assertThat(openai.requests).hasSize(3);
            assertThat(anthropic.requests).singleElement().satisfies(r -> {
                assertThat(r.path()).isEqualTo("/v1/messages");
                assertThat(r.body()).contains("claude-haiku", "Say hello in French");
            });
            assertThat(access.outcomes()).containsExactly("openai/gpt-4o-mini:rate_limited",
                    "openai/gpt-4o-mini:rate_limited", "openai/gpt-4o-mini:rate_limited", "anthropic/claude-haiku:success");
            assertThat(access.calls.getLast().inputTokens()).isEqualTo(20);
            assertThat(logs).anySatisfy(l -> assertThat(l).startsWith(
                    "llm: falling back from openai/gpt-4o-mini to anthropic/claude-haiku after: openai/gpt-4o-mini"
                            + " (try 3 of 3): RateLimitException"));
        }
    }

    @Test
    void anAnthropicServerErrorIsRetriedOnTheSameModel() {
        try (FakeProvider anthropic = new FakeProvider(anthropicError(529, "overloaded_error", "Overloaded"),
                anthropicMessage("42", 11, 1))) {
            RecordingAccess access = new RecordingAccess(catalog(
                    provider("anthropic", "anthropic", anthropic.url("/v1/"), "claude-sonnet", 3, 0.003, 0.015)), null);

            assertThat(llm(access, chat(1, Sensitivity.PUBLIC), NO_CONF).chat("6 x 7?")).isEqualTo("42");
            assertThat(access.outcomes()).containsExactly("anthropic/claude-sonnet:error",
                    "anthropic/claude-sonnet:success");
            assertThat(access.calls.getFirst().error()).contains("Overloaded");
        }
    }

    @Test
    void ollamaServesConfidentialTasksWhileTheExternalProviderIsNeverCalled() {
        try (FakeProvider openai = new FakeProvider(openAiChat("leaked", 1, 1));
             FakeProvider ollama = new FakeProvider(ollamaChat("kept inside", 9, 2))) {
            RecordingAccess access = new RecordingAccess(catalog(
                    provider("openai", "openai", openai.url("/v1"), "gpt-4o-mini", 2, 0.00015, 0.0006),
                    provider("ollama", "ollama", ollama.url(""), "llama3.1", 1, 0, 0)), null);

            TaskLlm llm = llm(access, chat(1, Sensitivity.CONFIDENTIAL), NO_CONF);

            assertThat(llm.chat("Summarize the salary table")).isEqualTo("kept inside");
            assertThat(openai.requests).isEmpty();
            assertThat(ollama.requests).singleElement().satisfies(r -> assertThat(r.path()).isEqualTo("/api/chat"));
            assertThat(access.calls.getFirst().inputTokens()).isEqualTo(9);
            assertThat(llm.chatChoice().explanation()).contains(
                    "openai/gpt-4o-mini excluded: external provider, data is confidential");
        }
    }

    @Test
    void whenEveryModelFailsTheErrorNamesEachOneAndABadRequestIsNotRetried() {
        try (FakeProvider ollama = new FakeProvider(ollamaError(404, "model 'llama9' not found"))) {
            RecordingAccess access = new RecordingAccess(catalog(
                    provider("ollama", "ollama", ollama.url(""), "llama9", 1, 0, 0)), null);

            assertThatThrownBy(() -> llm(access, chat(1, Sensitivity.INTERNAL), NO_CONF).chat("hi"))
                    .isInstanceOf(LlmException.class)
                    .hasMessageContaining("every acceptable model failed: ollama/llama9 (try 1 of 3)")
                    .hasMessageContaining("not found");
            assertThat(ollama.requests).hasSize(1);
        }
    }

    record Verdict(String label, double confidence) {
    }

    @Test
    void structuredOutputSendsTheRecordsSchemaAndReadsTheAnswerIntoIt() {
        try (FakeProvider openai = new FakeProvider(openAiChat("{\"label\":\"spam\",\"confidence\":0.93}", 40, 9))) {
            RecordingAccess access = new RecordingAccess(catalog(
                    provider("openai", "openai", openai.url("/v1"), "gpt-4o-mini", 2, 0.00015, 0.0006)), null);

            Verdict verdict = llm(access, chat(1, Sensitivity.PUBLIC), NO_CONF)
                    .chat("Classify the mail.", "WIN A PRIZE NOW", Verdict.class);

            assertThat(verdict).isEqualTo(new Verdict("spam", 0.93));
            assertThat(openai.requests.getFirst().body()).contains("response_format", "json_schema",
                    "\"label\"", "\"confidence\"");
        }
    }

    @Test
    void anIdenticalCallThatAnEarlierAttemptPaidForIsReplayedWithoutCallingTheProvider() {
        try (FakeProvider openai = new FakeProvider(openAiChat("first answer", 10, 2))) {
            RecordingAccess access = new RecordingAccess(catalog(
                    provider("openai", "openai", openai.url("/v1"), "gpt-4o-mini", 2, 0.00015, 0.0006)), null);
            llm(access, chat(1, Sensitivity.PUBLIC), NO_CONF).chat("same question");
            LlmAccessCall paid = new LlmAccessCall(access.calls.getFirst());
            RecordingAccess retry = new RecordingAccess(access.catalogJson(), null);
            retry.earlierAttempts.put(paid.call().callHash(), paid.call().responseJson());

            String answer = llm(retry, chat(1, Sensitivity.PUBLIC), NO_CONF).chat("same question");

            assertThat(answer).isEqualTo("first answer");
            assertThat(openai.requests).hasSize(1);
            assertThat(retry.outcomes()).containsExactly("openai/gpt-4o-mini:replayed");
            assertThat(retry.calls.getFirst().costMicroUsd()).isZero();
        }
    }

    private record LlmAccessCall(dev.gale.sdk.LlmAccess.Call call) {
    }

    @Test
    void aCallThatWouldExceedTheRunsBudgetFailsNamingTheBudgetAndIsNotMade() {
        try (FakeProvider anthropic = new FakeProvider(anthropicMessage("expensive", 1_000, 1_000))) {
            RecordingAccess access = new RecordingAccess(catalog(
                    provider("anthropic", "anthropic", anthropic.url("/v1/"), "claude-opus", 3, 0.015, 0.075)), null);
            TaskLlm llm = llm(access, chat(1, Sensitivity.PUBLIC),
                    new TaskLlm.RunSettings(Optional.empty(), Optional.of(0.05)));

            llm.chat("first");
            assertThatThrownBy(() -> llm.chat("second"))
                    .isInstanceOf(LlmException.class)
                    .hasMessageStartingWith("the run's LLM budget of $0.050000 (conf llm.budgetUsd, at most the DAG's llmBudgetUsd) would be"
                            + " exceeded:"
                            + " $0.090000 spent so far");
            assertThat(anthropic.requests).hasSize(1);
        }
    }

    @Test
    void aConfOverrideThatBreaksSensitivityFailsTheCallWithTheReason() {
        try (FakeProvider openai = new FakeProvider(openAiChat("x", 1, 1))) {
            RecordingAccess access = new RecordingAccess(catalog(
                    provider("openai", "openai", openai.url("/v1"), "gpt-4o", 3, 0.0025, 0.01)), null);
            TaskLlm llm = llm(access, chat(1, Sensitivity.CONFIDENTIAL),
                    new TaskLlm.RunSettings(Optional.of("openai/gpt-4o"), Optional.empty()));

            assertThatThrownBy(() -> llm.chat("secret"))
                    .isInstanceOf(LlmException.class)
                    .hasMessage("no model for this task's chat calls: the run's conf overrides the model with"
                            + " openai/gpt-4o, which this task may not use: external provider, data is confidential");
            assertThat(openai.requests).isEmpty();
        }
    }
}
