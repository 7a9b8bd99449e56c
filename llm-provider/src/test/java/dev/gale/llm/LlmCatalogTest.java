package dev.gale.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LlmCatalogTest {
    private static final String CATALOG = """
            {"providers": [
              {"name": "openai", "type": "openai", "apiKeyEnv": "OPENAI_API_KEY",
               "models": [{"model": "gpt-4o-mini", "capabilities": ["chat", "tools"], "qualityTier": 2,
                           "inputPricePer1k": 0.00015, "outputPricePer1k": 0.0006, "contextTokens": 128000,
                           "typicalLatencyMs": 800}]},
              {"name": "gpu-vllm", "type": "openai-compatible", "baseUrl": "http://localhost:8000/v1",
               "models": [{"model": "qwen", "qualityTier": 2, "contextTokens": 32000, "runsOn": "gpu"}]}]}""";

    @Test
    void providersDecideWhetherTheirModelsAreExternalAndTheLocalModelsAreAlwaysThere() {
        LlmCatalog catalog = LlmCatalog.parse(CATALOG);

        assertThat(catalog.models()).extracting(ModelSpec::id, ModelSpec::external, ModelSpec::onGpuWorker)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("openai/gpt-4o-mini", true, false),
                        org.assertj.core.groups.Tuple.tuple("gpu-vllm/qwen", false, true),
                        org.assertj.core.groups.Tuple.tuple("local/all-minilm-l6-v2", false, false));
        assertThat(catalog.models().getFirst().capabilities()).containsExactlyInAnyOrder(Capability.CHAT,
                Capability.TOOLS);
    }

    @Test
    void keysNamedByEnvironmentVariableAreReadForWorkersAndTheJsonRoundTrips() {
        LlmCatalog forWorkers = LlmCatalog.parse(CATALOG).withKeysFrom(Map.of("OPENAI_API_KEY", "sk-test")::get);

        LlmCatalog read = LlmCatalog.parse(forWorkers.toJson());

        assertThat(read.provider("openai").orElseThrow().apiKey()).isEqualTo("sk-test");
        assertThat(read.models()).isEqualTo(LlmCatalog.parse(CATALOG).models());
    }

    @Test
    void mistakesAreReportedWithWhatToWrite() {
        assertThatThrownBy(() -> LlmCatalog.parse("{\"providers\":[{\"name\":\"x\",\"type\":\"openia\"}]}"))
                .hasMessageContaining("LLM catalog provider 'x' has type 'openia'; the types are [anthropic,"
                        + " azure-openai, gemini, in-process, mistral, ollama, openai, openai-compatible]");
        assertThatThrownBy(() -> LlmCatalog.parse("{\"providers\":[{\"name\":\"v\",\"type\":\"openai-compatible\"}]}"))
                .hasMessageContaining("needs \"baseUrl\"");
        assertThatThrownBy(() -> LlmCatalog.parse("{\"providers\":[{\"name\":\"local\",\"type\":\"ollama\"}]}"))
                .hasMessageContaining("the name is taken");
        assertThatThrownBy(() -> LlmCatalog.parse("{\"providers\":[{\"name\":\"o\",\"type\":\"ollama\","
                + "\"models\":[{\"model\":\"m\",\"capabilities\":[\"poetry\"]}]}]}"))
                .hasMessageContaining("capability 'poetry' is not one of chat, embedding, vision, tools");
        assertThatThrownBy(() -> LlmCatalog.parse("{\"providers\":[{\"name\":\"offline\",\"type\":\"in-process\","
                + "\"models\":[{\"model\":\"e5-large\",\"capabilities\":[\"embedding\"]}]}]}"))
                .hasMessageContaining("model 'e5-large': an in-process provider offers the embedding model"
                        + " \"bge-small-en-v1.5-q\" only");
        assertThatThrownBy(() -> LlmCatalog.fromSetting("/no/such/catalog.json"))
                .hasMessageStartingWith("gale.llm.catalog (GALE_LLM_CATALOG) is neither JSON nor a readable file");
    }

    @Test
    void anInProcessProviderOffersBgeSmallAsAnInternalEmbeddingModelThatEmbedsOffline() {
        LlmCatalog catalog = LlmCatalog.parse("""
                {"providers": [{"name": "offline", "type": "in-process",
                  "models": [{"model": "bge-small-en-v1.5-q", "capabilities": ["embedding"], "qualityTier": 2}]}]}""");

        assertThat(catalog.models().getFirst()).extracting(ModelSpec::id, ModelSpec::external)
                .containsExactly("offline/bge-small-en-v1.5-q", false);
        float[] vector = ProviderModels.embedding(catalog.provider("offline").orElseThrow(), "bge-small-en-v1.5-q")
                .embed("Workers pull tasks over gRPC.").content().vector();
        float[] minilm = LocalEmbeddings.cpu().embed("Workers pull tasks over gRPC.").content().vector();
        assertThat(vector).hasSize(384).isNotEqualTo(minilm);
    }

    @Test
    void theRunsConfOverridesOnlyTheTasksItNames() {
        var conf = Map.of("model", "openai/gpt-4o", "tasks", java.util.List.of("summarize"), "budgetUsd", 0.5);

        assertThat(CommonLlm.runSettings(conf, "summarize").modelOverride()).contains("openai/gpt-4o");
        assertThat(CommonLlm.runSettings(conf, "classify").modelOverride()).isEmpty();
        assertThat(CommonLlm.runSettings(conf, "classify").budgetUsd()).contains(0.5);
        assertThatThrownBy(() -> CommonLlm.runSettings(Map.of("budgetUsd", "lots"), "t"))
                .hasMessage("conf llm.budgetUsd must be a number of US dollars, e.g. 0.5");
    }
}
