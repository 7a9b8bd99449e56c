package dev.gale.sdk;

import dev.gale.sdk.spec.LlmSpec;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a task needs of a model, for {@link TaskBuilder#llm(ModelNeeds)}; Gale's policy picks a
 * concrete provider and model from the deployment's catalog at run time. Start from {@link #chat()}
 * or {@link #embedding()} and narrow it down:
 * <pre>{@code
 * dag.task("summarize", ctx -> ...).llm(ModelNeeds.chat().minQuality(2).minContext(32_000).bestQuality());
 * }</pre>
 */
public final class ModelNeeds {
    /** What the model must be able to do. */
    public enum Capability { CHAT, EMBEDDING, VISION, TOOLS }

    /** How sensitive the task's data is: confidential data never leaves for an external provider. */
    public enum Sensitivity { PUBLIC, INTERNAL, CONFIDENTIAL }

    /**
     * What an in-process model (the local embedding model) does in a task that asked for a GPU when
     * CUDA cannot be initialised on it: the worker logs why either way.
     */
    public enum GpuFallback {
        /** Run on the CPU instead and say so in the task log; the vectors are the same, only slower. */
        CPU,
        /** Fail the task with ONNX Runtime's reason (retries apply as usual). */
        FAIL
    }

    private final Capability capability;
    private int minQuality = 1;
    private double maxPricePer1k;
    private long maxLatencyMs;
    private int minContextTokens;
    private Sensitivity sensitivity = Sensitivity.INTERNAL;
    private List<String> allowedProviders = List.of();
    private List<String> preferredProviders = List.of();
    private boolean bestQuality;
    private boolean replay = true;
    private GpuFallback whenGpuUnavailable;

    private ModelNeeds(Capability capability) {
        this.capability = capability;
    }

    public static ModelNeeds chat() {
        return new ModelNeeds(Capability.CHAT);
    }

    public static ModelNeeds embedding() {
        return new ModelNeeds(Capability.EMBEDDING);
    }

    public static ModelNeeds of(Capability capability) {
        return new ModelNeeds(Objects.requireNonNull(capability));
    }

    /** The lowest acceptable quality tier of the catalog (1 = basic, 3 = frontier); 1 by default. */
    public ModelNeeds minQuality(int tier) {
        this.minQuality = tier;
        return this;
    }

    /** The highest acceptable price, in USD per 1k input plus 1k output tokens. */
    public ModelNeeds maxPricePer1k(double usd) {
        this.maxPricePer1k = usd;
        return this;
    }

    /** The slowest acceptable typical latency of one call. */
    public ModelNeeds maxLatency(Duration latency) {
        this.maxLatencyMs = latency.toMillis();
        return this;
    }

    public ModelNeeds minContext(int tokens) {
        this.minContextTokens = tokens;
        return this;
    }

    /** {@link Sensitivity#INTERNAL} by default. */
    public ModelNeeds sensitivity(Sensitivity value) {
        this.sensitivity = Objects.requireNonNull(value);
        return this;
    }

    /** Shorthand for {@code sensitivity(CONFIDENTIAL)}: only models inside the deployment. */
    public ModelNeeds confidential() {
        return sensitivity(Sensitivity.CONFIDENTIAL);
    }

    /** Only these providers (catalog names such as {@code openai} or {@code ollama}) may serve the task. */
    public ModelNeeds allowProviders(String... providers) {
        this.allowedProviders = List.of(providers);
        return this;
    }

    /** Among acceptable models, those of these providers come first. */
    public ModelNeeds preferProviders(String... providers) {
        this.preferredProviders = List.of(providers);
        return this;
    }

    /** Picks the cheapest model that meets the other needs (the default). */
    public ModelNeeds cheapest() {
        this.bestQuality = false;
        return this;
    }

    /** Picks the best quality within the price limit. */
    public ModelNeeds bestQuality() {
        this.bestQuality = true;
        return this;
    }

    /** Whether a retried attempt's identical calls are answered from an earlier attempt's (on by default). */
    public ModelNeeds replay(boolean enabled) {
        this.replay = enabled;
        return this;
    }

    /**
     * For a task with {@code resources(..., gpu >= 1, ...)}: what to do when the local embedding model
     * cannot run on the task's GPU (no CUDA, no driver, a CPU-only ONNX Runtime build).
     * {@link GpuFallback#CPU} by default.
     */
    public ModelNeeds whenGpuUnavailable(GpuFallback fallback) {
        this.whenGpuUnavailable = Objects.requireNonNull(fallback);
        return this;
    }

    LlmSpec toSpec() {
        return new LlmSpec(capability.name().toLowerCase(Locale.ROOT), minQuality, maxPricePer1k, maxLatencyMs,
                minContextTokens, sensitivity.name().toLowerCase(Locale.ROOT), allowedProviders, preferredProviders,
                bestQuality ? "best_quality" : "cheapest", replay,
                whenGpuUnavailable == null ? null : whenGpuUnavailable.name().toLowerCase(Locale.ROOT));
    }
}
