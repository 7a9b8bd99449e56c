package dev.gale.llm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Picks a model for a task: a pure, deterministic function of the requirements and the catalog.
 * Hard constraints first (capability, sensitivity, provider, context, quality, price, latency),
 * then the objective. Every excluded model gets a reason.
 */
public final class ModelPolicy {
    private ModelPolicy() {
    }

    public static ModelChoice choose(ModelRequirements needs, List<ModelSpec> catalog) {
        List<String> reasons = new ArrayList<>();
        List<ModelSpec> eligible = new ArrayList<>();
        for (ModelSpec model : catalog) {
            Optional<String> exclusion = exclusion(needs, model);
            if (exclusion.isPresent()) {
                reasons.add(model.id() + " excluded: " + exclusion.get());
            } else {
                eligible.add(model);
            }
        }
        Comparator<ModelSpec> byPrice = Comparator.comparingDouble(ModelPolicy::pricePer1k);
        Comparator<ModelSpec> order = needs.objective() == ModelRequirements.Objective.CHEAPEST
                ? byPrice.thenComparing(ModelSpec::qualityTier, Comparator.reverseOrder())
                : Comparator.comparing(ModelSpec::qualityTier, Comparator.reverseOrder()).thenComparing(byPrice);
        Optional<ModelSpec> chosen = eligible.stream().sorted(order.thenComparing(ModelSpec::id)).findFirst();
        chosen.ifPresentOrElse(
                m -> reasons.addFirst("chose " + m.id() + ": " + (needs.objective() == ModelRequirements.Objective.CHEAPEST
                        ? "cheapest" : "best quality") + " " + needs.capability().name().toLowerCase()
                        + " model with quality >= " + needs.minQualityTier()
                        + (needs.minContextTokens() > 0 ? " and context >= " + needs.minContextTokens() : "")),
                () -> reasons.addFirst("no configured model meets the requirements"));
        return new ModelChoice(chosen, reasons);
    }

    private static Optional<String> exclusion(ModelRequirements needs, ModelSpec model) {
        if (!model.capabilities().contains(needs.capability())) {
            return Optional.of("cannot do " + needs.capability().name().toLowerCase());
        }
        if (needs.sensitivity() == Sensitivity.CONFIDENTIAL && model.external()) {
            return Optional.of("external provider, data is confidential");
        }
        if (!needs.allowedProviders().isEmpty() && !needs.allowedProviders().contains(model.provider())) {
            return Optional.of("provider " + model.provider() + " is not allowed for this task");
        }
        if (model.contextTokens() < needs.minContextTokens()) {
            return Optional.of("context " + model.contextTokens() + " < " + needs.minContextTokens());
        }
        if (model.qualityTier() < needs.minQualityTier()) {
            return Optional.of("quality " + model.qualityTier() + " < " + needs.minQualityTier());
        }
        if (needs.maxPricePer1k() > 0 && pricePer1k(model) > needs.maxPricePer1k()) {
            return Optional.of("price " + pricePer1k(model) + " per 1k tokens > " + needs.maxPricePer1k());
        }
        if (needs.maxLatencyMs() > 0 && model.typicalLatencyMs() > needs.maxLatencyMs()) {
            return Optional.of("typical latency " + model.typicalLatencyMs() + " ms > " + needs.maxLatencyMs() + " ms");
        }
        return Optional.empty();
    }

    /** Price of 1k input plus 1k output tokens: one number to compare models by. */
    static double pricePer1k(ModelSpec model) {
        return model.inputPricePer1k() + model.outputPricePer1k();
    }
}
