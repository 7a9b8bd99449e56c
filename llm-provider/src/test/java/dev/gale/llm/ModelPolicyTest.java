package dev.gale.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelPolicyTest {
    private static final ModelSpec CHEAP_EXTERNAL = new ModelSpec("openai", "mini", Set.of(Capability.CHAT), 2,
            0.15, 0.6, 128_000, 800, true);
    private static final ModelSpec FRONTIER_EXTERNAL = new ModelSpec("anthropic", "big", Set.of(Capability.CHAT), 3,
            3.0, 15.0, 200_000, 2_000, true);
    private static final ModelSpec LOCAL = new ModelSpec("ollama", "llama", Set.of(Capability.CHAT), 2, 0, 0, 8_000,
            1_500, false);
    private static final ModelSpec EMBEDDER = new ModelSpec("local", "minilm", Set.of(Capability.EMBEDDING), 1, 0, 0,
            512, 5, false);
    private static final List<ModelSpec> CATALOG = List.of(CHEAP_EXTERNAL, FRONTIER_EXTERNAL, LOCAL, EMBEDDER);

    private static ModelRequirements needs(int quality, int context, Sensitivity sensitivity,
                                           ModelRequirements.Objective objective) {
        return new ModelRequirements(Capability.CHAT, quality, 0, 0, context, sensitivity, Set.of(), objective);
    }

    @Test
    void theCheapestModelMeetingQualityAndContextIsChosenWithReasons() {
        ModelChoice choice = ModelPolicy.choose(needs(2, 32_000, Sensitivity.INTERNAL,
                ModelRequirements.Objective.CHEAPEST), CATALOG);

        assertThat(choice.model()).contains(CHEAP_EXTERNAL);
        assertThat(choice.explanation()).startsWith(
                "chose openai/mini: cheapest chat model with quality >= 2 and context >= 32000")
                .contains("ollama/llama excluded: context 8000 < 32000")
                .contains("local/minilm excluded: cannot do chat");
    }

    @Test
    void confidentialDataNeverGoesToAnExternalProvider() {
        ModelChoice choice = ModelPolicy.choose(needs(1, 0, Sensitivity.CONFIDENTIAL,
                ModelRequirements.Objective.BEST_QUALITY), CATALOG);

        assertThat(choice.model()).contains(LOCAL);
        assertThat(choice.reasons()).contains("anthropic/big excluded: external provider, data is confidential");
    }

    @Test
    void bestQualityPicksTheHighestTierWithinTheBudget() {
        assertThat(ModelPolicy.choose(needs(1, 0, Sensitivity.PUBLIC, ModelRequirements.Objective.BEST_QUALITY),
                CATALOG).model()).contains(FRONTIER_EXTERNAL);

        ModelRequirements budget = new ModelRequirements(Capability.CHAT, 1, 1.0, 0, 0, Sensitivity.PUBLIC, Set.of(),
                ModelRequirements.Objective.BEST_QUALITY);
        assertThat(ModelPolicy.choose(budget, CATALOG).model()).contains(LOCAL);
    }

    @Test
    void whenNothingFitsTheChoiceIsEmptyAndSaysSo() {
        ModelChoice choice = ModelPolicy.choose(needs(3, 0, Sensitivity.CONFIDENTIAL,
                ModelRequirements.Objective.CHEAPEST), CATALOG);

        assertThat(choice.model()).isEmpty();
        assertThat(choice.reasons().getFirst()).isEqualTo("no configured model meets the requirements");
    }
}
