package dev.gale.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The reasons people read for llm_routing_demo's three tasks on a typical catalog (also shown in the README). */
class RoutingChoicesTest {
    private static final LlmCatalog CATALOG = LlmCatalog.parse("""
            {"providers": [
              {"name": "openai", "type": "openai", "models": [{"model": "gpt-4o-mini", "qualityTier": 2,
                "inputPricePer1k": 0.00015, "outputPricePer1k": 0.0006, "contextTokens": 128000, "typicalLatencyMs": 800}]},
              {"name": "anthropic", "type": "anthropic", "models": [{"model": "claude-sonnet-4", "qualityTier": 3,
                "inputPricePer1k": 0.003, "outputPricePer1k": 0.015, "contextTokens": 200000, "typicalLatencyMs": 2500}]},
              {"name": "ollama", "type": "ollama", "baseUrl": "http://gpu-node:11434", "models": [{"model": "llama3.1:8b",
                "qualityTier": 1, "contextTokens": 8192, "typicalLatencyMs": 1500}]}]}""");

    private static String reasons(int quality, long maxLatencyMs, int minContext, Sensitivity sensitivity,
                                  ModelRequirements.Objective objective) {
        return ModelPolicy.choose(new ModelRequirements(Capability.CHAT, quality, 0, maxLatencyMs, minContext,
                sensitivity, Set.of(), objective, Set.of(), false), CATALOG.models()).explanation();
    }

    @Test
    void triageGetsTheCheapestFastModelTheDraftTheBestAndTheConfidentialTaskALocalOne() {
        assertThat(reasons(2, 2_000, 0, Sensitivity.INTERNAL, ModelRequirements.Objective.CHEAPEST)).isEqualTo(
                "chose openai/gpt-4o-mini: cheapest chat model with quality >= 2; anthropic/claude-sonnet-4 excluded:"
                        + " typical latency 2500 ms > 2000 ms; ollama/llama3.1:8b excluded: quality 1 < 2;"
                        + " local/all-minilm-l6-v2 excluded: cannot do chat");
        assertThat(reasons(2, 0, 32_000, Sensitivity.INTERNAL, ModelRequirements.Objective.BEST_QUALITY)).isEqualTo(
                "chose anthropic/claude-sonnet-4: best quality chat model with quality >= 2 and context >= 32000;"
                        + " ollama/llama3.1:8b excluded: context 8192 < 32000; local/all-minilm-l6-v2 excluded: cannot"
                        + " do chat");
        assertThat(reasons(1, 0, 0, Sensitivity.CONFIDENTIAL, ModelRequirements.Objective.CHEAPEST)).isEqualTo(
                "chose ollama/llama3.1:8b: cheapest chat model with quality >= 1, inside the deployment;"
                        + " openai/gpt-4o-mini excluded: external provider, data is confidential;"
                        + " anthropic/claude-sonnet-4 excluded: external provider, data is confidential;"
                        + " local/all-minilm-l6-v2 excluded: cannot do chat");
    }
}
