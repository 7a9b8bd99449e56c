package dev.gale.llm;

import java.util.Set;

/**
 * One model in the deployment's catalog.
 *
 * @param qualityTier higher is better (for example 1 = basic, 3 = frontier)
 * @param external    true when calls leave for a provider outside the deployment
 */
public record ModelSpec(
        String provider,
        String model,
        Set<Capability> capabilities,
        int qualityTier,
        double inputPricePer1k,
        double outputPricePer1k,
        int contextTokens,
        long typicalLatencyMs,
        boolean external) {

    public ModelSpec {
        capabilities = Set.copyOf(capabilities);
    }

    public String id() {
        return provider + "/" + model;
    }
}
