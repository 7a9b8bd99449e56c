package dev.gale.llm;

import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.googleai.GoogleAiEmbeddingModel;
import dev.langchain4j.model.googleai.GoogleAiGeminiChatModel;
import dev.langchain4j.model.mistralai.MistralAiChatModel;
import dev.langchain4j.model.mistralai.MistralAiEmbeddingModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaEmbeddingModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import java.time.Duration;
import java.util.Map;

/**
 * Builds LangChain4j models from catalog entries, one module per provider type. LangChain4j's own
 * retries are off: {@link TaskLlm} retries, falls back and records each try.
 */
final class ProviderModels {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private ProviderModels() {
    }

    static ChatModel chat(LlmCatalog.Provider provider, String model) {
        Duration timeout = timeout(provider);
        return switch (provider.type()) {
            case "openai", "openai-compatible" -> OpenAiChatModel.builder().baseUrl(provider.baseUrl())
                    .apiKey(keyOrPlaceholder(provider)).modelName(model).timeout(timeout).maxRetries(0).build();
            // Azure OpenAI's v1 API is OpenAI's, under the resource's URL, with the key in an "api-key" header.
            case "azure-openai" -> OpenAiChatModel.builder().baseUrl(provider.baseUrl())
                    .apiKey(keyOrPlaceholder(provider)).customHeaders(Map.of("api-key", keyOrPlaceholder(provider)))
                    .modelName(model).timeout(timeout).maxRetries(0).build();
            case "anthropic" -> AnthropicChatModel.builder().baseUrl(provider.baseUrl()).apiKey(provider.apiKey())
                    .modelName(model).timeout(timeout).maxRetries(0).build();
            case "ollama" -> OllamaChatModel.builder().maxRetries(0).baseUrl(provider.baseUrl()).modelName(model)
                    .timeout(timeout).build();
            case "mistral" -> MistralAiChatModel.builder().baseUrl(provider.baseUrl()).apiKey(provider.apiKey())
                    .modelName(model).timeout(timeout).maxRetries(0).build();
            case "gemini" -> GoogleAiGeminiChatModel.builder().maxRetries(0).baseUrl(provider.baseUrl())
                    .apiKey(provider.apiKey()).modelName(model).timeout(timeout).build();
            default -> throw new IllegalArgumentException("provider type '" + provider.type() + "' has no chat models");
        };
    }

    static EmbeddingModel embedding(LlmCatalog.Provider provider, String model) {
        Duration timeout = timeout(provider);
        return switch (provider.type()) {
            case "openai", "openai-compatible", "azure-openai" -> OpenAiEmbeddingModel.builder()
                    .baseUrl(provider.baseUrl()).apiKey(keyOrPlaceholder(provider)).modelName(model).timeout(timeout)
                    .maxRetries(0).build();
            case "ollama" -> OllamaEmbeddingModel.builder().baseUrl(provider.baseUrl()).modelName(model)
                    .timeout(timeout).maxRetries(0).build();
            case "mistral" -> MistralAiEmbeddingModel.builder().baseUrl(provider.baseUrl()).apiKey(provider.apiKey())
                    .modelName(model).timeout(timeout).maxRetries(0).build();
            case "gemini" -> GoogleAiEmbeddingModel.builder().baseUrl(provider.baseUrl()).apiKey(provider.apiKey())
                    .modelName(model).timeout(timeout).maxRetries(0).build();
            case InProcessEmbeddingModels.TYPE -> InProcessEmbeddingModels.of(model);
            default -> throw new IllegalArgumentException("provider '" + provider.name() + "' (" + provider.type()
                    + ") offers no embedding models; remove \"embedding\" from its models' capabilities");
        };
    }

    private static Duration timeout(LlmCatalog.Provider provider) {
        return provider.timeoutMs() == null ? DEFAULT_TIMEOUT : Duration.ofMillis(provider.timeoutMs());
    }

    /** Servers such as vLLM or llama.cpp take no key, but the OpenAI client insists on one. */
    private static String keyOrPlaceholder(LlmCatalog.Provider provider) {
        return provider.apiKey() == null || provider.apiKey().isBlank() ? "none" : provider.apiKey();
    }
}
