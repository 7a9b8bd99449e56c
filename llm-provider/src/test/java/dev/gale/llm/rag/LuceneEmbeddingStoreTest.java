package dev.gale.llm.rag;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneEmbeddingStoreTest {
    @TempDir
    Path dir;

    private static Chunk chunk(String path, int index, String text) {
        return new Chunk(path + "#" + index, path, "Heading", index, text, "fp-" + path, "markdown", "2026-01-01", Map.of());
    }

    private static void add(LuceneEmbeddingStore store, Chunk chunk, float... vector) {
        store.addAll(List.of(chunk.id()), List.of(Embedding.from(vector)), List.of(chunk.segment()));
    }

    private static List<String> paths(List<EmbeddingMatch<TextSegment>> matches) {
        return matches.stream().map(m -> m.embedded().metadata().getString("path")).toList();
    }

    @Test
    void vectorsTextAndMetadataSurviveClosingAndReopeningTheIndex() {
        try (LuceneEmbeddingStore store = LuceneEmbeddingStore.openForWriting(dir)) {
            add(store, chunk("a.md", 0, "GPU workers run embedding tasks"), 1, 0, 0);
            add(store, chunk("b.md", 0, "Cron schedules with time zones"), 0, 1, 0);
            store.putInfo("embeddingModel", "test/model");
        }
        try (LuceneEmbeddingStore store = LuceneEmbeddingStore.openForReading(dir)) {
            List<EmbeddingMatch<TextSegment>> matches = store.search(EmbeddingSearchRequest.builder()
                    .queryEmbedding(Embedding.from(new float[] {0.9f, 0.1f, 0})).maxResults(1).build()).matches();
            assertThat(paths(matches)).containsExactly("a.md");
            assertThat(matches.getFirst().embedded().text()).isEqualTo("GPU workers run embedding tasks");
            assertThat(matches.getFirst().embedded().metadata().getInteger("chunkIndex")).isZero();
            assertThat(matches.getFirst().embedding().vector()).containsExactly(1, 0, 0);
            assertThat(store.info()).containsEntry("embeddingModel", "test/model").containsEntry("dimensions", "3");
            assertThat(store.distinct("path", "fingerprint")).containsEntry("a.md", "fp-a.md")
                    .containsEntry("b.md", "fp-b.md");
        }
    }

    @Test
    void hybridSearchFindsByWordsWhatTheVectorsMissAndFusesBothLists() {
        try (LuceneEmbeddingStore store = LuceneEmbeddingStore.openForWriting(dir)) {
            add(store, chunk("vector.md", 0, "Nothing in common with the words asked"), 1, 0, 0);
            add(store, chunk("words.md", 0, "Quartz fires cron schedules"), 0, 1, 0);
            add(store, chunk("other.md", 0, "Unrelated text"), 0, 0, 1);
        }
        try (LuceneEmbeddingStore store = LuceneEmbeddingStore.openForReading(dir)) {
            Embedding query = Embedding.from(new float[] {1, 0, 0});
            List<String> vectorOnly = paths(store.search(EmbeddingSearchRequest.builder().queryEmbedding(query)
                    .maxResults(1).build()).matches());
            List<String> hybrid = paths(store.search(EmbeddingSearchRequest.builder().queryEmbedding(query)
                    .query("which scheduler fires cron?").maxResults(2).build()).matches());

            assertThat(vectorOnly).containsExactly("vector.md");
            assertThat(hybrid).containsExactlyInAnyOrder("vector.md", "words.md");
        }
    }

    @Test
    void removingByPathDeletesOnlyThatDocumentsChunksAndReAddingAnIdReplacesIt() {
        try (LuceneEmbeddingStore store = LuceneEmbeddingStore.openForWriting(dir)) {
            add(store, chunk("a.md", 0, "one"), 1, 0);
            add(store, chunk("a.md", 1, "two"), 1, 1);
            add(store, chunk("b.md", 0, "three"), 0, 1);
            add(store, chunk("b.md", 0, "three again"), 0, 1);
            store.commit();
            assertThat(store.size()).isEqualTo(3);
            store.removeAll(metadataKey("path").isEqualTo("a.md"));
        }
        try (LuceneEmbeddingStore store = LuceneEmbeddingStore.openForReading(dir)) {
            assertThat(store.size()).isEqualTo(1);
            assertThat(store.distinct("path", "fingerprint")).containsOnlyKeys("b.md");
        }
    }

    @Test
    void aReaderSearchesWhileAWriterHoldsTheIndexButASecondWriterIsRefused() {
        try (LuceneEmbeddingStore writer = LuceneEmbeddingStore.openForWriting(dir)) {
            add(writer, chunk("a.md", 0, "first"), 1, 0);
            writer.commit();
            add(writer, chunk("b.md", 0, "not committed yet"), 0, 1);
            try (LuceneEmbeddingStore reader = LuceneEmbeddingStore.openForReading(dir)) {
                assertThat(reader.size()).isEqualTo(1);
            }
            assertThatThrownBy(() -> LuceneEmbeddingStore.openForWriting(dir))
                    .hasMessageContaining("is being written by another task or process");
        }
    }

    @Test
    void vectorsOfAnotherDimensionAreRefusedWithTheModelNamed() {
        try (LuceneEmbeddingStore store = LuceneEmbeddingStore.openForWriting(dir)) {
            store.putInfo("embeddingModel", "local/all-minilm-l6-v2");
            add(store, chunk("a.md", 0, "first"), 1, 0, 0);
            assertThatThrownBy(() -> add(store, chunk("b.md", 0, "second"), 1, 0))
                    .hasMessageContaining("holds vectors of 3 dimensions (local/all-minilm-l6-v2), not 2");
        }
    }

    @Test
    void readingAnIndexThatWasNeverWrittenSaysToIngestFirst() {
        assertThatThrownBy(() -> LuceneEmbeddingStore.openForReading(dir.resolve("none")))
                .hasMessageContaining("ingest documents into it first");
    }
}
