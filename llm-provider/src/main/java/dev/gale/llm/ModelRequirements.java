package dev.gale.llm;

import dev.gale.sdk.spec.LlmSpec;
import java.util.Locale;
import java.util.Set;

/**
 * What a task needs of a model. {@code maxPricePer1k} and {@code maxLatencyMs} of 0 mean no limit;
 * an empty {@code allowedProviders} allows every configured provider; acceptable models of
 * {@code preferredProviders} come first. {@code onGpuWorker} says where the task runs: only a task
 * on a GPU worker may use a model served on GPU workers.
 */
public record ModelRequirements(
        Capability capability,
        int minQualityTier,
        double maxPricePer1k,
        long maxLatencyMs,
        int minContextTokens,
        Sensitivity sensitivity,
        Set<String> allowedProviders,
        Objective objective,
        Set<String> preferredProviders,
        boolean onGpuWorker) {

    /** How to choose among the models that meet every constraint. */
    public enum Objective {
        /** The cheapest model that meets the quality floor. */
        CHEAPEST,
        /** The best quality within the budget; the cheaper one on a tie. */
        BEST_QUALITY
    }

    public ModelRequirements {
        allowedProviders = Set.copyOf(allowedProviders);
        preferredProviders = Set.copyOf(preferredProviders);
    }

    public static ModelRequirements chat() {
        return new ModelRequirements(Capability.CHAT, 1, 0, 0, 0, Sensitivity.INTERNAL, Set.of(), Objective.CHEAPEST,
                Set.of(), false);
    }

    /** A task's declared needs (or the defaults of {@link #chat()} when it declared none). */
    public static ModelRequirements of(LlmSpec spec, boolean onGpuWorker) {
        if (spec == null) {
            return chat().withGpuWorker(onGpuWorker);
        }
        return new ModelRequirements(Capability.valueOf(spec.capability().toUpperCase(Locale.ROOT)),
                spec.minQualityTier(), spec.maxPricePer1k(), spec.maxLatencyMs(), spec.minContextTokens(),
                Sensitivity.valueOf(spec.sensitivity().toUpperCase(Locale.ROOT)), Set.copyOf(spec.allowedProviders()),
                Objective.valueOf(spec.objective().toUpperCase(Locale.ROOT)), Set.copyOf(spec.preferredProviders()),
                onGpuWorker);
    }

    /** The same needs for another capability: a chat task that also embeds keeps its sensitivity and providers. */
    public ModelRequirements withCapability(Capability other) {
        return other == capability ? this : new ModelRequirements(other, other == Capability.EMBEDDING ? 1
                : minQualityTier, maxPricePer1k, maxLatencyMs, other == Capability.EMBEDDING ? 0 : minContextTokens,
                sensitivity, allowedProviders, objective, preferredProviders, onGpuWorker);
    }

    ModelRequirements withGpuWorker(boolean onGpu) {
        return new ModelRequirements(capability, minQualityTier, maxPricePer1k, maxLatencyMs, minContextTokens,
                sensitivity, allowedProviders, objective, preferredProviders, onGpu);
    }
}
