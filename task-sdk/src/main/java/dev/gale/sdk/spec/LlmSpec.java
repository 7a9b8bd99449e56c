package dev.gale.sdk.spec;

import java.util.List;

/**
 * What a task needs of a language or embedding model, as declared with {@code TaskBuilder.llm(...)}.
 * Names are lower case ({@code chat}, {@code confidential}, {@code cheapest}); prices are USD per
 * 1k tokens (input plus output); 0 means no limit for {@code maxPricePer1k} and {@code maxLatencyMs}.
 * {@code replay} answers a retried attempt's identical calls from the ones an earlier attempt paid for.
 */
public record LlmSpec(
        String capability,
        int minQualityTier,
        double maxPricePer1k,
        long maxLatencyMs,
        int minContextTokens,
        String sensitivity,
        List<String> allowedProviders,
        List<String> preferredProviders,
        String objective,
        boolean replay) {

    public LlmSpec {
        allowedProviders = allowedProviders == null ? List.of() : List.copyOf(allowedProviders);
        preferredProviders = preferredProviders == null ? List.of() : List.copyOf(preferredProviders);
    }
}
