package dev.gale.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelPolicyTest {
    private static final ModelSpec CHEAP_EXTERNAL = new ModelSpec("openai", "mini", Set.of(Capability.CHAT), 2,
            0.15, 0.6, 128_000, 800, true, "");
    private static final ModelSpec FRONTIER_EXTERNAL = new ModelSpec("anthropic", "big", Set.of(Capability.CHAT), 3,
            3.0, 15.0, 200_000, 2_000, true, "");
    private static final ModelSpec LOCAL = new ModelSpec("ollama", "llama", Set.of(Capability.CHAT), 2, 0, 0, 8_000,
            1_500, false, "");
    private static final ModelSpec EMBEDDER = new ModelSpec("local", "minilm", Set.of(Capability.EMBEDDING), 1, 0, 0,
            512, 5, false, "cpu");
    private static final List<ModelSpec> CATALOG = List.of(CHEAP_EXTERNAL, FRONTIER_EXTERNAL, LOCAL, EMBEDDER);

    private static ModelRequirements needs(int quality, int context, Sensitivity sensitivity,
                                           ModelRequirements.Objective objective) {
        return new ModelRequirements(Capability.CHAT, quality, 0, 0, context, sensitivity, Set.of(), objective, Set.of(),
                false);
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
                ModelRequirements.Objective.BEST_QUALITY, Set.of(), false);
        assertThat(ModelPolicy.choose(budget, CATALOG).model()).contains(LOCAL);
    }

    @Test
    void whenNothingFitsTheChoiceIsEmptyAndSaysSo() {
        ModelChoice choice = ModelPolicy.choose(needs(3, 0, Sensitivity.CONFIDENTIAL,
                ModelRequirements.Objective.CHEAPEST), CATALOG);

        assertThat(choice.model()).isEmpty();
        assertThat(choice.reasons().getFirst()).isEqualTo("no configured model meets the requirements");
    }

    private static final ModelSpec ON_GPU_WORKER = new ModelSpec("vllm", "qwen", Set.of(Capability.CHAT), 2, 0, 0,
            32_000, 400, false, "gpu");

    @Test
    void aModelServedOnGpuWorkersIsOnlyForTasksThatRunOnOne() {
        List<ModelSpec> catalog = List.of(CHEAP_EXTERNAL, ON_GPU_WORKER);
        ModelRequirements cpuTask = needs(2, 0, Sensitivity.INTERNAL, ModelRequirements.Objective.CHEAPEST);
        ModelRequirements gpuTask = new ModelRequirements(Capability.CHAT, 2, 0, 0, 0, Sensitivity.INTERNAL, Set.of(),
                ModelRequirements.Objective.CHEAPEST, Set.of(), true);

        assertThat(ModelPolicy.choose(cpuTask, catalog).model()).contains(CHEAP_EXTERNAL);
        assertThat(ModelPolicy.choose(cpuTask, catalog).reasons())
                .contains("vllm/qwen excluded: served on GPU workers, and this task does not run on one");
        assertThat(ModelPolicy.choose(gpuTask, catalog).model()).contains(ON_GPU_WORKER);
    }

    @Test
    void preferredProvidersComeFirstAmongAcceptableModelsAndTheRestAreFallbacks() {
        ModelRequirements preferAnthropic = new ModelRequirements(Capability.CHAT, 2, 0, 0, 0, Sensitivity.PUBLIC,
                Set.of(), ModelRequirements.Objective.CHEAPEST, Set.of("anthropic"), false);

        ModelChoice choice = ModelPolicy.choose(preferAnthropic, CATALOG);

        assertThat(choice.model()).contains(FRONTIER_EXTERNAL);
        assertThat(choice.acceptable()).containsExactly(FRONTIER_EXTERNAL, LOCAL, CHEAP_EXTERNAL);
        assertThat(choice.explanation()).startsWith("chose anthropic/big: preferred provider, cheapest chat model");
    }

    @Test
    void allowedProvidersExcludeTheOthers() {
        ModelRequirements onlyOllama = new ModelRequirements(Capability.CHAT, 1, 0, 0, 0, Sensitivity.PUBLIC,
                Set.of("ollama"), ModelRequirements.Objective.BEST_QUALITY, Set.of(), false);

        ModelChoice choice = ModelPolicy.choose(onlyOllama, CATALOG);

        assertThat(choice.model()).contains(LOCAL);
        assertThat(choice.reasons()).contains("anthropic/big excluded: provider anthropic is not allowed for this task");
    }

    @Test
    void latencyAndPriceLimitsAreHardConstraints() {
        ModelRequirements fast = new ModelRequirements(Capability.CHAT, 1, 0, 1_000, 0, Sensitivity.PUBLIC, Set.of(),
                ModelRequirements.Objective.BEST_QUALITY, Set.of(), false);

        ModelChoice choice = ModelPolicy.choose(fast, CATALOG);

        assertThat(choice.model()).contains(CHEAP_EXTERNAL);
        assertThat(choice.reasons()).contains("anthropic/big excluded: typical latency 2000 ms > 1000 ms",
                "ollama/llama excluded: typical latency 1500 ms > 1000 ms");
    }

    @Test
    void aConfOverrideReplacesTheObjectiveButNeverLiftsSensitivity() {
        ModelRequirements basic = needs(1, 0, Sensitivity.INTERNAL, ModelRequirements.Objective.CHEAPEST);
        ModelRequirements confidential = needs(1, 0, Sensitivity.CONFIDENTIAL, ModelRequirements.Objective.CHEAPEST);

        assertThat(ModelPolicy.override(basic, CATALOG, "anthropic/big").model()).contains(FRONTIER_EXTERNAL);
        assertThat(ModelPolicy.override(basic, CATALOG, "anthropic/big").explanation())
                .isEqualTo("chose anthropic/big: the run's conf overrides the model (llm.model)");

        ModelChoice refused = ModelPolicy.override(confidential, CATALOG, "anthropic/big");
        assertThat(refused.model()).isEmpty();
        assertThat(refused.explanation()).isEqualTo("the run's conf overrides the model with anthropic/big, which"
                + " this task may not use: external provider, data is confidential");
        assertThat(ModelPolicy.override(basic, CATALOG, "openai/nope").explanation())
                .contains("which the catalog does not have");
    }
}
