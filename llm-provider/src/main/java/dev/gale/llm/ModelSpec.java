package dev.gale.llm;

import java.util.Set;

/**
 * One model in the deployment's catalog.
 *
 * @param qualityTier higher is better (for example 1 = basic, 3 = frontier)
 * @param external    true when calls leave for a provider outside the deployment
 * @param runsOn      where a model inside the deployment runs: {@code cpu}, or {@code gpu} for a model
 *                    served on the GPU workers themselves (only tasks on a GPU worker may use it); empty
 *                    for a model behind its provider's own endpoint
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
        boolean external,
        String runsOn) {

    public ModelSpec {
        capabilities = Set.copyOf(capabilities);
        runsOn = runsOn == null ? "" : runsOn;
    }

    /** True for a model served on a GPU worker itself rather than behind an endpoint. */
    public boolean onGpuWorker() {
        return !external && runsOn.equals("gpu");
    }

    public String id() {
        return provider + "/" + model;
    }
}
