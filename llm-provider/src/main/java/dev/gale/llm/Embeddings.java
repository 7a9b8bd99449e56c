package dev.gale.llm;

import java.util.List;

/**
 * Embedding vectors, one per text in order, with the tokens the model read and how many texts were longer
 * than its window, so embedded in windows whose vectors were pooled (none is cut short).
 */
public record Embeddings(List<float[]> vectors, long tokens, int windowed) {
    public Embeddings {
        vectors = List.copyOf(vectors);
    }
}
