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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class LuceneEmbeddingStoreTest {
    @TempDir
    Path dir;

    private static Chunk chunk(String path, int index, String text) {
        return new Chunk(path + "#" + index, path, "Heading", index, text, "fp-" + path, "markdown", "2026-01-01",
                Map.of());
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
    void aReaderKeptOpenSeesEachNewCommitAndNothingUncommitted() {
        try (LuceneEmbeddingStore writer = LuceneEmbeddingStore.openForWriting(dir)) {
            add(writer, chunk("a.md", 0, "first"), 1, 0);
            writer.commit();
            try (LuceneEmbeddingStore reader = LuceneEmbeddingStore.openForReading(dir)) {
                EmbeddingSearchRequest nearB = EmbeddingSearchRequest.builder()
                        .queryEmbedding(Embedding.from(new float[] {0, 1})).maxResults(2).build();
                assertThat(paths(reader.search(nearB).matches())).containsExactly("a.md");

                add(writer, chunk("b.md", 0, "second"), 0, 1);
                assertThat(reader.size()).isEqualTo(1);
                assertThat(writer.size()).isEqualTo(1);

                writer.commit();
                assertThat(paths(reader.search(nearB).matches())).containsExactly("b.md", "a.md");
                assertThat(reader.size()).isEqualTo(2);
                assertThat(writer.size()).isEqualTo(2);

                writer.removeDocument("a.md");
                writer.commit();
                assertThat(reader.distinct("path", "fingerprint")).containsOnlyKeys("b.md");
            }
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
    /** A random vector of {@code dimensions}, as an embedding model's are (seeded: the same each run). */
    private static float[] random(int dimensions, long seed) {
        java.util.Random random = new java.util.Random(seed);
        float[] v = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    @ParameterizedTest
    @ValueSource(ints = {1536, 3072})
    void vectorsOfTheDimensionsOfOpenAisModelsAreIndexedAndFoundAfterReopening(int dimensions) {
        try (LuceneEmbeddingStore store = LuceneEmbeddingStore.openForWriting(dir)) {
            for (int i = 0; i < 20; i++) {
                add(store, chunk("doc" + i + ".md", 0, "text " + i), random(dimensions, i));
            }
        }
        try (LuceneEmbeddingStore store = LuceneEmbeddingStore.openForReading(dir)) {
            float[] query = random(dimensions, 13);
            float[] noise = random(dimensions, 99);
            for (int i = 0; i < dimensions; i++) {
                query[i] += 0.3f * noise[i];
            }
            List<EmbeddingMatch<TextSegment>> matches = store.search(EmbeddingSearchRequest.builder()
                    .queryEmbedding(Embedding.from(query)).maxResults(3).build()).matches();
            assertThat(paths(matches).getFirst()).isEqualTo("doc13.md");
            assertThat(matches.getFirst().embedding().dimension()).isEqualTo(dimensions);
            assertThat(store.info()).containsEntry("dimensions", Integer.toString(dimensions));
        }
    }

    @Test
    void vectorsLongerThanTheMostTheIndexTakesAreRefusedWithTheLimitNamed() {
        try (LuceneEmbeddingStore store = LuceneEmbeddingStore.openForWriting(dir)) {
            float[] tooLong = new float[LuceneEmbeddingStore.MAX_DIMENSIONS + 1];
            assertThatThrownBy(() -> add(store, chunk("a.md", 0, "x"), tooLong)).hasMessageContaining("at most 4096");
        }
    }

    private static Chunk filed(String path, String type, String heading, String date,
                               Map<String, List<String>> fields) {
        return new Chunk(path + "#0", path, heading, 0, heading + " text", "fp-" + path, type, date, fields);
    }

    @Test
    void filtersOnPathTypeHeadingDateAndFrontMatterAreAppliedInsideTheVectorAndTextSearches() {
        try (LuceneEmbeddingStore store = LuceneEmbeddingStore.openForWriting(dir)) {
            add(store, filed("/srv/docs/guides/install.md", "markdown", "Guide > Install", "2025-01-10",
                    Map.of("tags", List.of("ops", "setup"))), 1, 0, 0);
            add(store, filed("/srv/docs/guides/upgrade.mdx", "mdx", "Guide > Upgrade", "2025-06-01",
                    Map.of("tags", List.of("ops"))), 0.9f, 0.1f, 0);
            add(store, filed("/srv/docs/api/rest.rst", "rst", "API > Install", "2024-03-03", Map.of()), 0.8f, 0.2f, 0);
            add(store, filed("/srv/notes/install.pdf", "pdf", "page 1", "2025-02-02", Map.of()), 0.7f, 0.3f, 0);
        }
        try (LuceneEmbeddingStore store = LuceneEmbeddingStore.openForReading(dir)) {
            Embedding query = Embedding.from(new float[] {1, 0, 0});
            java.util.function.BiFunction<Map<String, Object>, Integer, List<String>> top = (conf, k) -> paths(
                    store.search(EmbeddingSearchRequest.builder().queryEmbedding(query).query("install text")
                            .maxResults(k).build(), RetrievalFilter.of(conf)).matches());

            assertThat(top.apply(Map.of("pathPrefix", "/srv/docs/api/"), 1)).containsExactly("/srv/docs/api/rest.rst");
            assertThat(top.apply(Map.of("pathPrefix", "guides/"), 10))
                    .containsExactlyInAnyOrder("/srv/docs/guides/install.md", "/srv/docs/guides/upgrade.mdx");
            assertThat(top.apply(Map.of("type", List.of("pdf", "rst")), 10))
                    .containsExactlyInAnyOrder("/srv/docs/api/rest.rst", "/srv/notes/install.pdf");
            assertThat(top.apply(Map.of("heading", "install"), 10))
                    .containsExactlyInAnyOrder("/srv/docs/guides/install.md", "/srv/docs/api/rest.rst");
            assertThat(top.apply(Map.of("dateFrom", "2025-01-01", "dateTo", "2025-03-31"), 10))
                    .containsExactlyInAnyOrder("/srv/docs/guides/install.md", "/srv/notes/install.pdf");
            assertThat(top.apply(Map.of("fields", Map.of("tags", "OPS")), 10))
                    .containsExactlyInAnyOrder("/srv/docs/guides/install.md", "/srv/docs/guides/upgrade.mdx");
            assertThat(top.apply(Map.of("fields", Map.of("tags", "setup"), "type", "markdown"), 10))
                    .containsExactly("/srv/docs/guides/install.md");
            assertThat(top.apply(Map.of("type", "docx"), 10)).isEmpty();
        }
    }

    @Test
    void aFilterWithAnUnknownKeyOrABadDateSaysWhatToWrite() {
        assertThatThrownBy(() -> RetrievalFilter.of(Map.of("tags", "ops")))
                .hasMessageContaining("unknown key 'tags'").hasMessageContaining("front-matter fields go under");
        assertThatThrownBy(() -> RetrievalFilter.of(Map.of("dateFrom", "last week")))
                .hasMessageContaining("filter.dateFrom: 'last week' is not a date; write it as yyyy-MM-dd");
    }
}
