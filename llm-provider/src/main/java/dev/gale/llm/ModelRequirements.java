package dev.gale.llm;

import java.util.Set;

/**
 * What a task needs of a model. {@code maxPricePer1k} and {@code maxLatencyMs} of 0 mean no limit;
 * an empty {@code allowedProviders} allows every configured provider.
 */
public record ModelRequirements(
        Capability capability,
        int minQualityTier,
        double maxPricePer1k,
        long maxLatencyMs,
        int minContextTokens,
        Sensitivity sensitivity,
        Set<String> allowedProviders,
        Objective objective) {

    /** How to choose among the models that meet every constraint. */
    public enum Objective {
        /** The cheapest model that meets the quality floor. */
        CHEAPEST,
        /** The best quality within the budget; the cheaper one on a tie. */
        BEST_QUALITY
    }

    public ModelRequirements {
        allowedProviders = Set.copyOf(allowedProviders);
    }

    public static ModelRequirements chat() {
        return new ModelRequirements(Capability.CHAT, 1, 0, 0, 0, Sensitivity.INTERNAL, Set.of(), Objective.CHEAPEST);
    }
}
