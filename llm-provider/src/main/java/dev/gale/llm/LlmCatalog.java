package dev.gale.llm;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The models a deployment offers, by provider, as configured in {@code gale.llm.catalog}
 * ({@code GALE_LLM_CATALOG}): inline JSON or the path of a JSON file.
 * <pre>{@code
 * {"providers": [
 *   {"name": "openai", "type": "openai", "apiKeyEnv": "OPENAI_API_KEY",
 *    "models": [{"model": "gpt-4o-mini", "capabilities": ["chat"], "qualityTier": 2,
 *                "inputPricePer1k": 0.00015, "outputPricePer1k": 0.0006, "contextTokens": 128000,
 *                "typicalLatencyMs": 800}]},
 *   {"name": "ollama", "type": "ollama", "baseUrl": "http://gpu-node:11434",
 *    "models": [{"model": "llama3.1:8b", "capabilities": ["chat"], "qualityTier": 1, "contextTokens": 8192,
 *                "typicalLatencyMs": 1500, "runsOn": "gpu"}]}],
 *  "retry": {"attempts": 3, "initialBackoffMs": 500}}
 * }</pre>
 * A model is external (its calls leave the deployment) when its provider is: by default the
 * hosted APIs are, Ollama, OpenAI-compatible servers and {@code in-process} models are not. The in-process embedding model
 * {@value #LOCAL_PROVIDER}/{@value #MINILM} is always there; when no provider offers chat,
 * {@value #LOCAL_PROVIDER}/{@value #EXTRACTIVE} answers instead and says that no model was configured.
 */
public record LlmCatalog(List<Provider> providers, Retry retry) {
    public static final String LOCAL_PROVIDER = "local";
    public static final String MINILM = "all-minilm-l6-v2";
    public static final String EXTRACTIVE = "extractive";

    /** The provider types, each backed by its LangChain4j module. */
    public static final Set<String> TYPES = Set.of("openai", "azure-openai", "openai-compatible", "anthropic", "ollama",
            "mistral", "gemini", InProcessEmbeddingModels.TYPE);
    private static final Set<String> INTERNAL_BY_DEFAULT = Set.of("ollama", "openai-compatible",
            InProcessEmbeddingModels.TYPE);
    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build();

    /**
     * One configured provider. {@code apiKey} may be given directly or, better, as {@code apiKeyEnv},
     * the name of an environment variable of the API server; {@code external} defaults by type.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Provider(String name, String type, String baseUrl, String apiKey, String apiKeyEnv,
                           Boolean external, Long timeoutMs, List<Model> models) {
        public Provider {
            models = models == null ? List.of() : List.copyOf(models);
        }

        boolean isExternal() {
            return external != null ? external : !INTERNAL_BY_DEFAULT.contains(type);
        }
    }

    /** One model of a provider; prices in USD per 1k tokens. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Model(String model, List<String> capabilities, int qualityTier, double inputPricePer1k,
                        double outputPricePer1k, int contextTokens, long typicalLatencyMs, String runsOn) {
        public Model {
            capabilities = capabilities == null ? List.of("chat") : List.copyOf(capabilities);
        }
    }

    /** How often a failing call is tried on one model before falling back to the next. */
    public record Retry(int attempts, long initialBackoffMs) {
        static final Retry DEFAULT = new Retry(3, 500);
    }

    public LlmCatalog {
        providers = providers == null ? List.of() : List.copyOf(providers);
        retry = retry == null ? Retry.DEFAULT : retry;
    }

    /** The catalog of a deployment that configured no provider: the offline defaults only. */
    public static LlmCatalog offline() {
        return new LlmCatalog(List.of(), null);
    }

    /**
     * Reads {@code gale.llm.catalog}: blank for none, JSON text, or the path of a JSON file.
     *
     * @throws IllegalArgumentException saying what is wrong, naming the setting
     */
    public static LlmCatalog fromSetting(String setting) {
        if (setting == null || setting.isBlank()) {
            return offline();
        }
        String text = setting.strip();
        if (!text.startsWith("{")) {
            try {
                text = Files.readString(Path.of(text));
            } catch (IOException e) {
                throw new IllegalArgumentException("gale.llm.catalog (GALE_LLM_CATALOG) is neither JSON nor a readable"
                        + " file: " + text + " (" + e.getMessage() + ")", e);
            }
        }
        return parse(text);
    }

    /** Reads the catalog's JSON, checking every provider and model. */
    public static LlmCatalog parse(String json) {
        LlmCatalog catalog;
        try {
            catalog = JSON.readValue(json, LlmCatalog.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the LLM catalog (gale.llm.catalog) is not valid: "
                    + e.getOriginalMessage(), e);
        }
        catalog.check();
        return catalog;
    }

    private void check() {
        Set<String> names = new HashSet<>();
        for (Provider provider : providers) {
            String where = "LLM catalog provider '" + provider.name() + "'";
            if (provider.name() == null || provider.name().isBlank() || provider.name().contains("/")) {
                throw new IllegalArgumentException("every LLM catalog provider needs a \"name\" without '/',"
                        + " e.g. \"openai\"");
            }
            if (provider.name().equals(LOCAL_PROVIDER) || !names.add(provider.name())) {
                throw new IllegalArgumentException(where + ": the name is taken; \"" + LOCAL_PROVIDER
                        + "\" is Gale's own in-process models");
            }
            if (provider.type() == null || !TYPES.contains(provider.type())) {
                throw new IllegalArgumentException(where + " has type '" + provider.type() + "'; the types are "
                        + TYPES.stream().sorted().toList());
            }
            if ((provider.type().equals("openai-compatible") || provider.type().equals("azure-openai"))
                    && (provider.baseUrl() == null || provider.baseUrl().isBlank())) {
                throw new IllegalArgumentException(where + " needs \"baseUrl\", the server's OpenAI-style endpoint,"
                        + " e.g. http://vllm:8000/v1");
            }
            for (Model model : provider.models()) {
                if (model.model() == null || model.model().isBlank()) {
                    throw new IllegalArgumentException(where + " has a model without \"model\", its name as the"
                            + " provider spells it");
                }
                if (provider.type().equals(InProcessEmbeddingModels.TYPE) && (!InProcessEmbeddingModels.offers(
                        model.model()) || !model.capabilities().equals(List.of("embedding")))) {
                    throw new IllegalArgumentException(where + ", model '" + model.model() + "': an in-process"
                            + " provider offers the embedding model \"" + InProcessEmbeddingModels.BGE_SMALL
                            + "\" only, with capabilities [\"embedding\"]");
                }
                for (String capability : model.capabilities()) {
                    try {
                        Capability.valueOf(capability.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(where + ", model '" + model.model() + "': capability '"
                                + capability + "' is not one of chat, embedding, vision, tools", e);
                    }
                }
            }
        }
    }

    /** The live catalog: every configured model, then Gale's in-process ones. */
    public List<ModelSpec> models() {
        List<ModelSpec> models = new ArrayList<>();
        for (Provider provider : providers) {
            for (Model m : provider.models()) {
                models.add(new ModelSpec(provider.name(), m.model(), m.capabilities().stream()
                        .map(c -> Capability.valueOf(c.toUpperCase(Locale.ROOT))).collect(
                                java.util.stream.Collectors.toSet()),
                        m.qualityTier(), m.inputPricePer1k(), m.outputPricePer1k(), m.contextTokens(),
                        m.typicalLatencyMs(), provider.isExternal(), m.runsOn()));
            }
        }
        models.add(new ModelSpec(LOCAL_PROVIDER, MINILM, Set.of(Capability.EMBEDDING), 1, 0, 0, 256, 20, false, "cpu"));
        if (models.stream().noneMatch(m -> m.capabilities().contains(Capability.CHAT))) {
            models.add(new ModelSpec(LOCAL_PROVIDER, EXTRACTIVE, Set.of(Capability.CHAT), 0, 0, 0, Integer.MAX_VALUE, 5,
                    false, "cpu"));
        }
        return models;
    }

    public Optional<Provider> provider(String name) {
        return providers.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The catalog for workers: API keys named by {@code apiKeyEnv} read from {@code environment}. */
    public LlmCatalog withKeysFrom(Function<String, String> environment) {
        return new LlmCatalog(providers.stream().map(p -> p.apiKeyEnv() == null || p.apiKey() != null ? p
                : new Provider(p.name(), p.type(), p.baseUrl(), environment.apply(p.apiKeyEnv()), p.apiKeyEnv(),
                p.external(), p.timeoutMs(), p.models())).toList(), retry);
    }

    public String toJson() {
        return JSON.writeValueAsString(this);
    }

    /** What people may see of a provider: everything but its key. */
    public static Map<String, Object> describe(Provider provider) {
        return Map.of("name", provider.name(), "type", provider.type(),
                "baseUrl", provider.baseUrl() == null ? "" : provider.baseUrl(), "external", provider.isExternal());
    }
}
