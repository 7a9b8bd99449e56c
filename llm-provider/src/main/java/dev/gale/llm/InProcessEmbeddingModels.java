package dev.gale.llm;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Offline embedding models besides the default ({@link LocalEmbeddings}), each shipped in a LangChain4j
 * Maven artifact and run in-process on the CPU. A catalog offers one through a provider of type
 * {@value #TYPE}: {@code {"name": "offline", "type": "in-process", "models": [{"model": "bge-small-en-v1.5-q",
 * "capabilities": ["embedding"], "qualityTier": 2}]}}. On Gale's question set all-MiniLM-L6-v2 ranks better,
 * so it stays the default (README, "Which offline embedding model").
 */
final class InProcessEmbeddingModels {
    static final String TYPE = "in-process";
    static final String BGE_SMALL = "bge-small-en-v1.5-q";
    /** Each model is loaded once per JVM, when first used. */
    private static final Map<String, EmbeddingModel> LOADED = new ConcurrentHashMap<>();

    private InProcessEmbeddingModels() {
    }

    static boolean offers(String model) {
        return BGE_SMALL.equals(model);
    }

    static EmbeddingModel of(String model) {
        if (!offers(model)) {
            throw new IllegalArgumentException("there is no in-process embedding model '" + model + "'; the one"
                    + " offered is \"" + BGE_SMALL + "\"");
        }
        return LOADED.computeIfAbsent(model, m -> new BgeSmallEnV15QuantizedEmbeddingModel());
    }
}
