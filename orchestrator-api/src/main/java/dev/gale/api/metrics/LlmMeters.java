package dev.gale.api.metrics;

import dev.gale.llm.LlmCatalog;
import dev.gale.llm.ModelSpec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Counts the model calls workers record over the TEI ({@code RecordLlmUsage}), by provider and model:
 * {@code gale_llm_calls_total{provider,model,outcome}}, {@code gale_llm_tokens_total{provider,model,direction}},
 * {@code gale_llm_cost_usd_total{provider,model}} and {@code gale_embedded_chunks_total{provider,model}}. A
 * provider and model outside the server's catalog (a run's conf may name any) count under {@code other}, so that a
 * worker cannot grow the number of series.
 */
public final class LlmMeters {
    /** The usage records' provider of an agent's tool call: no model was called, so it is not counted here. */
    static final String TOOL_PROVIDER = "tool";
    static final String OTHER = "other";

    private final MeterRegistry registry;
    private final Set<String> providers;
    private final Set<String> models;

    public LlmMeters(MeterRegistry registry, LlmCatalog catalog) {
        this.registry = registry;
        this.providers = catalog.models().stream().map(ModelSpec::provider).collect(Collectors.toSet());
        this.models = catalog.models().stream().map(m -> m.provider() + "/" + m.model()).collect(Collectors.toSet());
    }

    /** One recorded call; {@code costMicroUsd} in millionths of a US dollar. */
    public void recorded(String provider, String model, String outcome, long inputTokens, long outputTokens,
                         long costMicroUsd, long embeddedTexts) {
        if (provider.equals(TOOL_PROVIDER)) {
            return;
        }
        boolean known = models.contains(provider + "/" + model);
        String providerTag = providers.contains(provider) ? provider : OTHER;
        String modelTag = known ? model : OTHER;
        Counter.builder("gale.llm.calls").description("Model calls, by how they ended")
                .tags("provider", providerTag, "model", modelTag, "outcome", outcome).register(registry).increment();
        tokens(providerTag, modelTag, "input", inputTokens);
        tokens(providerTag, modelTag, "output", outputTokens);
        Counter.builder("gale.llm.cost.usd").description("What model calls cost, in US dollars")
                .tags("provider", providerTag, "model", modelTag).register(registry).increment(costMicroUsd / 1e6);
        if (embeddedTexts > 0) {
            Counter.builder("gale.embedded.chunks").description("Texts (chunks) embedded; rate() gives chunks per second")
                    .tags("provider", providerTag, "model", modelTag).register(registry).increment(embeddedTexts);
        }
    }

    private void tokens(String provider, String model, String direction, long count) {
        Counter.builder("gale.llm.tokens").description("Tokens sent to (input) and produced by (output) models")
                .tags("provider", provider, "model", model, "direction", direction).register(registry).increment(count);
    }
}
