package dev.gale.sdk.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a task needs of a language or embedding model, as declared with {@code TaskBuilder.llm(...)}.
 * Names are lower case ({@code chat}, {@code confidential}, {@code cheapest}); prices are USD per
 * 1k tokens (input plus output); 0 means no limit for {@code maxPricePer1k} and {@code maxLatencyMs}.
 * {@code replay} answers a retried attempt's identical calls from the ones an earlier attempt paid for.
 * {@code whenGpuUnavailable} is {@code cpu} or {@code fail}: what an in-process model does on a GPU task
 * when CUDA cannot start; null (left out of the JSON, so older versions keep their hash) means {@code cpu}.
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
        boolean replay,
        @JsonInclude(JsonInclude.Include.NON_NULL) String whenGpuUnavailable) {

    public LlmSpec {
        allowedProviders = allowedProviders == null ? List.of() : List.copyOf(allowedProviders);
        preferredProviders = preferredProviders == null ? List.of() : List.copyOf(preferredProviders);
    }
}
