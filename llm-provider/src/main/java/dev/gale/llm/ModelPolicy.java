package dev.gale.llm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Picks a model for a task: a pure, deterministic function of the requirements and the catalog.
 * Hard constraints first (capability, sensitivity, where the task runs, provider, context, quality,
 * price, latency), then preferred providers, then the objective. Every excluded model gets a reason.
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
        Comparator<ModelSpec> objective = needs.objective() == ModelRequirements.Objective.CHEAPEST
                ? byPrice.thenComparing(ModelSpec::qualityTier, Comparator.reverseOrder())
                : Comparator.comparing(ModelSpec::qualityTier, Comparator.reverseOrder()).thenComparing(byPrice);
        Comparator<ModelSpec> preferred = Comparator.comparing(m -> !needs.preferredProviders().contains(m.provider()));
        List<ModelSpec> ranked = eligible.stream().sorted(preferred.thenComparing(objective)
                .thenComparing(ModelSpec::id)).toList();
        Optional<ModelSpec> chosen = ranked.stream().findFirst();
        chosen.ifPresentOrElse(
                m -> reasons.addFirst("chose " + m.id() + ": "
                        + (needs.preferredProviders().contains(m.provider()) ? "preferred provider, " : "")
                        + (needs.objective() == ModelRequirements.Objective.CHEAPEST ? "cheapest" : "best quality")
                        + " " + needs.capability().name().toLowerCase() + " model with quality >= "
                        + needs.minQualityTier()
                        + (needs.minContextTokens() > 0 ? " and context >= " + needs.minContextTokens() : "")
                        + (needs.sensitivity() == Sensitivity.CONFIDENTIAL ? ", inside the deployment" : "")),
                () -> reasons.addFirst("no configured model meets the requirements"));
        return new ModelChoice(chosen, reasons, ranked);
    }

    /**
     * The model a run's conf names for the task ({@code {"llm": {"model": "provider/model"}}}), for
     * experiments: it replaces the objective and the soft limits (quality, price, latency, preferred
     * providers), but never capability, sensitivity or where the task runs. Empty, with the reason,
     * when the override breaks one of those or names no model of the catalog.
     */
    public static ModelChoice override(ModelRequirements needs, List<ModelSpec> catalog, String modelId) {
        Optional<ModelSpec> named = catalog.stream().filter(m -> m.id().equals(modelId)).findFirst();
        if (named.isEmpty()) {
            return new ModelChoice(Optional.empty(), List.of("the run's conf overrides the model with " + modelId
                    + ", which the catalog does not have; it has " + catalog.stream().map(ModelSpec::id).toList()),
                    List.of());
        }
        ModelSpec model = named.get();
        Optional<String> broken = hardExclusion(needs, model);
        if (broken.isPresent()) {
            return new ModelChoice(Optional.empty(), List.of("the run's conf overrides the model with " + modelId
                    + ", which this task may not use: " + broken.get()), List.of());
        }
        return new ModelChoice(named, List.of("chose " + modelId + ": the run's conf overrides the model (llm.model)"),
                List.of(model));
    }

    /** The constraints no override may lift. */
    private static Optional<String> hardExclusion(ModelRequirements needs, ModelSpec model) {
        if (!model.capabilities().contains(needs.capability())) {
            return Optional.of("cannot do " + needs.capability().name().toLowerCase());
        }
        if (needs.sensitivity() == Sensitivity.CONFIDENTIAL && model.external()) {
            return Optional.of("external provider, data is confidential");
        }
        if (model.onGpuWorker() && !needs.onGpuWorker()) {
            return Optional.of("served on GPU workers, and this task does not run on one");
        }
        return Optional.empty();
    }

    private static Optional<String> exclusion(ModelRequirements needs, ModelSpec model) {
        Optional<String> hard = hardExclusion(needs, model);
        if (hard.isPresent()) {
            return hard;
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
