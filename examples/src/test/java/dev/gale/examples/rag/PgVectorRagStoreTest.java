package dev.gale.examples.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gale.llm.rag.Chunk;
import dev.gale.llm.rag.RankFusion;
import dev.gale.llm.rag.RetrievalFilter;
import dev.gale.sdk.Connection;
import dev.gale.testing.TestPostgres;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import java.net.URI;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The pgvector RAG store against a real PostgreSQL. The full-text half, the filters, the fusion, the index's
 * info and the removal of a document run on any PostgreSQL, on a table of LangChain4j's shape without its
 * vector column; the vector half and the whole store need the vector extension and are skipped, saying so,
 * where {@code create extension vector} fails (the embedded PostgreSQL has no pgvector: point
 * {@code GALE_TEST_DB_URL} at one that has, or run where Docker is, for Testcontainers' pgvector image).
 */
class PgVectorRagStoreTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static TestPostgres.Database database;
    private static DSLContext db;

    private static final Chunk GPU = chunk("/srv/docs/guides/gpu-workers.md", "GPU workers > Scheduling", 0,
            "A task asks for a GPU with resources(1, 2048, 1, 0); the scheduler places it on a GPU worker with a free"
                    + " slot.", "2025-03-01", Map.of("tags", List.of("gpu", "ops")));
    private static final Chunk RETRIES = chunk("/srv/docs/guides/retries.md", "Retries", 0,
            "Failed task instances are retried with exponential backoff until their retries run out.", "2024-11-20",
            Map.of("tags", List.of("ops")));
    private static final Chunk ASSETS = chunk("/srv/docs/reference/assets.md", "Assets > Versions", 0,
            "Each asset version records its metadata; DAGs scheduled on an asset run when a new version appears.",
            "2025-06-15", Map.of());

    @BeforeAll
    static void database() {
        database = TestPostgres.newDatabase();
        db = DSL.using(database.dataSource(), SQLDialect.POSTGRES);
    }

    @AfterAll
    static void drop() {
        TestPostgres.dropDatabase(database);
    }

    private static Chunk chunk(String path, String heading, int index, String text, String date,
                               Map<String, List<String>> fields) {
        return new Chunk("fp-" + path.hashCode() + "#" + index + "#" + path, path, heading, index,
                heading + "\n\n" + text, "fp-" + path.hashCode(), "markdown", date, fields);
    }

    /** A table of LangChain4j's shape without the vector column, holding chunks as LangChain4j writes them. */
    private static PgVectorRagStore plainTable(String index, Chunk... chunks) {
        String table = PgVectorRagStore.tableName(index);
        db.execute("create table " + table + " (embedding_id uuid primary key, text text null, metadata jsonb null)");
        for (Chunk c : chunks) {
            Map<String, String> metadata = new TreeMap<>();
            c.segment().metadata().toMap().forEach((k, v) -> metadata.put(k, String.valueOf(v)));
            db.execute("insert into " + table + " values (cast({0} as uuid), {1}, cast({2} as jsonb))",
                    DSL.val(PgVectorRagStore.uuid(c.id())), DSL.val(c.text()),
                    DSL.val(JSON.writeValueAsString(metadata)));
        }
        return new PgVectorRagStore(database.dataSource(), "table " + table + " in the test database", index);
    }

    private static List<String> paths(List<EmbeddingMatch<TextSegment>> matches) {
        return matches.stream().map(m -> m.embedded().metadata().getString("path")).toList();
    }

    @Test
    void fullTextFindsAnyOfTheQuestionsWordsAfterStemmingBestFirst() {
        PgVectorRagStore store = plainTable("fulltext", GPU, RETRIES, ASSETS);

        // "retried" and "backoff" stem to the words of the retries chunk; "unicorns" matches nothing.
        assertThat(paths(store.fullTextSearch("how are tasks retried with backoff, unicorns?", 5,
                RetrievalFilter.NONE))).first().isEqualTo(RETRIES.path());
        assertThat(paths(store.fullTextSearch("How do I run a task on a GPU?", 5, RetrievalFilter.NONE)))
                .first().isEqualTo(GPU.path());
        assertThat(store.fullTextSearch("the of and", 5, RetrievalFilter.NONE)).isEmpty();
        assertThat(store.fullTextSearch("task", 1, RetrievalFilter.NONE)).hasSize(1);
        EmbeddingMatch<TextSegment> hit = store.fullTextSearch("asset version", 1, RetrievalFilter.NONE).getFirst();
        Chunk found = Chunk.of(hit.embeddingId(), hit.embedded());
        assertThat(found.heading()).isEqualTo("Assets > Versions");
        assertThat(found.index()).isZero();
        assertThat(found.date()).isEqualTo("2025-06-15");
    }

    @Test
    void filtersMeanWhatTheyMeanOnTheLuceneIndex() {
        PgVectorRagStore store = plainTable("filters", GPU, RETRIES, ASSETS);
        String everything = "task asset gpu retried version scheduler";

        assertThat(paths(store.fullTextSearch(everything, 10, filter(Map.of("pathPrefix", "guides/")))))
                .containsExactlyInAnyOrder(GPU.path(), RETRIES.path());
        assertThat(paths(store.fullTextSearch(everything, 10, filter(Map.of("pathPrefix", "/srv/docs/reference")))))
                .containsExactly(ASSETS.path());
        assertThat(store.fullTextSearch(everything, 10, filter(Map.of("pathPrefix", "uides/")))).isEmpty();
        assertThat(paths(store.fullTextSearch(everything, 10, filter(Map.of("heading", "scheduling")))))
                .containsExactly(GPU.path());
        assertThat(paths(store.fullTextSearch(everything, 10, filter(Map.of("fields", Map.of("tags", "OPS"))))))
                .containsExactlyInAnyOrder(GPU.path(), RETRIES.path());
        assertThat(paths(store.fullTextSearch(everything, 10, filter(Map.of("dateFrom", "2025-01-01",
                "dateTo", "2025-04-30"))))).containsExactly(GPU.path());
        assertThat(store.fullTextSearch(everything, 10, filter(Map.of("type", List.of("pdf", "docx"))))).isEmpty();
        assertThat(store.fullTextSearch(everything, 10, filter(Map.of("type", "markdown")))).hasSize(3);
        // '_' and '%' in a prefix are themselves, not LIKE's wildcards.
        assertThat(store.fullTextSearch(everything, 10, filter(Map.of("pathPrefix", "guide_/")))).isEmpty();
        assertThat(store.fullTextSearch(everything, 10, filter(Map.of("pathPrefix", "%")))).isEmpty();
    }

    private static RetrievalFilter filter(Map<String, Object> conf) {
        return RetrievalFilter.of(conf);
    }

    @Test
    void aChunkBothHalvesFoundRanksAboveChunksOneHalfFoundAndTheFusionKeepsK() {
        PgVectorRagStore store = plainTable("fusion", GPU, RETRIES, ASSETS);
        List<EmbeddingMatch<TextSegment>> fullText = store.fullTextSearch("task gpu retried", 3, RetrievalFilter.NONE);
        EmbeddingMatch<TextSegment> assets = store.fullTextSearch("asset", 1, RetrievalFilter.NONE).getFirst();
        // The vector half's list as the database would return it: the assets chunk first, then the full-text's last.
        List<EmbeddingMatch<TextSegment>> vector = List.of(assets, fullText.getLast());

        List<EmbeddingMatch<TextSegment>> fused = PgVectorRagStore.fuse(fullText, vector, 3);

        assertThat(fused).hasSize(3);
        assertThat(fused.getFirst().embeddingId()).isEqualTo(fullText.getLast().embeddingId());
        assertThat(fused.getFirst().score()).isEqualTo(1.0 / (RankFusion.K + fullText.size())
                + 1.0 / (RankFusion.K + 2), offset(1e-12));
        assertThat(fused).extracting(EmbeddingMatch::embeddingId).doesNotHaveDuplicates();
    }

    @Test
    void removingADocumentTakesAllItsChunksAndLeavesTheOthers() {
        Chunk second = chunk(GPU.path(), "GPU workers > Slots", 1, "Each GPU is one slot.", "2025-03-01", Map.of());
        PgVectorRagStore store = plainTable("removal", GPU, second, RETRIES);
        assertThat(store.size()).isEqualTo(3);
        assertThat(store.distinct("path", "fingerprint")).containsOnlyKeys(GPU.path(), RETRIES.path())
                .containsEntry(GPU.path(), GPU.fingerprint());

        store.removeDocument(GPU.path());
        store.removeDocument("/srv/docs/O'Reilly.md");

        assertThat(store.size()).isEqualTo(1);
        assertThat(store.distinct("path", "fingerprint")).containsOnlyKeys(RETRIES.path());
    }

    @Test
    void theIndexesInfoOutlivesTheStoreThatWroteItAndAnAbsentIndexSaysSo() {
        PgVectorRagStore written = new PgVectorRagStore(database.dataSource(), "test", "info");
        written.putInfo("embeddingModel", "local/all-minilm-l6-v2");
        written.close();

        PgVectorRagStore read = new PgVectorRagStore(database.dataSource(), "test", "info");
        assertThat(read.info()).containsEntry("embeddingModel", "local/all-minilm-l6-v2");
        assertThat(read.size()).isZero();
        assertThat(read.distinct("path", "fingerprint")).isEmpty();
        assertThatThrownBy(() -> read.search(EmbeddingSearchRequest.builder().query("gpu")
                .queryEmbedding(Embedding.from(new float[] {1, 0})).maxResults(3).build(), RetrievalFilter.NONE))
                .hasMessageContaining("there is no index test; ingest documents into it first");
    }

    @Test
    void aConnectionBecomesAJdbcUrlOrAnErrorNamingIt() {
        assertThat(PgVectorRagStore.jdbcUrl(new Connection("rag_db", "postgres", "db.example", null, "rag", "s",
                "docs", Map.of("sslmode", "verify-full")))).isEqualTo(
                "jdbc:postgresql://db.example:5432/docs?sslmode=verify-full");
        assertThat(PgVectorRagStore.jdbcUrl(new Connection("rag_db", "postgresql", "db", 6543, null, null, "d",
                Map.of()))).isEqualTo("jdbc:postgresql://db:6543/d");
        assertThatThrownBy(() -> PgVectorRagStore.jdbcUrl(new Connection("mail", "smtp", "m", 25, null, null, null,
                Map.of()))).hasMessageStartingWith("connection 'mail' is of type 'smtp'; the pgvector store needs a"
                + " postgres connection");
        assertThatThrownBy(() -> PgVectorRagStore.jdbcUrl(new Connection("rag_db", "postgres", "db", null, null,
                null, null, Map.of()))).hasMessageContaining("connection 'rag_db' needs a host and a schema");
        assertThatThrownBy(() -> PgVectorRagStore.tableName("Docs; drop table x"))
                .hasMessageStartingWith("index name 'Docs; drop table x' is not allowed for the pgvector store");
        assertThat(PgVectorRagStore.tableName("team-docs")).isEqualTo("gale_rag_team_docs");
    }

    /** The database's Connection as an operator would write it, from the test database's JDBC URL. */
    private static Connection connectionTo(TestPostgres.Database target) {
        URI uri = URI.create(target.jdbcUrl().substring("jdbc:".length()));
        return new Connection("rag_db", "postgres", uri.getHost(), uri.getPort() < 0 ? null : uri.getPort(),
                target.user(), target.password(), uri.getPath().substring(1), Map.of());
    }

    private static boolean hasPgVector() {
        try (var c = database.dataSource().getConnection(); var s = c.createStatement()) {
            s.execute("create extension if not exists vector");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    @Test
    void withoutTheExtensionTheFirstWriteSaysWhatTheDatabaseNeeds() {
        TestPostgres.Database plain = TestPostgres.newDatabase();
        try (var c = plain.dataSource().getConnection(); var s = c.createStatement()) {
            assumeTrue(!s.executeQuery("select 1 from pg_available_extensions where name = 'vector'").next(),
                    "skipped: this PostgreSQL has pgvector, so the first write succeeds");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        try (PgVectorRagStore store = PgVectorRagStore.open(connectionTo(plain), "docs")) {
            assertThatThrownBy(() -> store.addAll(List.of(GPU.id()), List.of(Embedding.from(new float[] {1, 0})),
                    List.of(GPU.segment())))
                    .hasMessageStartingWith("cannot create the pgvector index table gale_rag_docs in jdbc:postgresql://")
                    .hasMessageContaining("extension \"vector\" is not available")
                    .hasMessageContaining("the database needs the vector extension");
            assertThat(store.size()).isZero();
        } finally {
            TestPostgres.dropDatabase(plain);
        }
    }

    @Test
    void onPgVectorIngestedChunksAreFoundByHybridSearchAndIngestingAgainReplacesThem() {
        assumeTrue(hasPgVector(), "skipped: the test database has no pgvector (create extension vector fails);"
                + " point GALE_TEST_DB_URL at a PostgreSQL with the vector extension to run it");
        EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();
        List<Chunk> chunks = List.of(GPU, RETRIES, ASSETS);
        List<Embedding> vectors = chunks.stream().map(c -> model.embed(c.text()).content()).toList();
        try (PgVectorRagStore store = PgVectorRagStore.open(connectionTo(database), "hybrid")) {
            store.putInfo("embeddingModel", "local/all-minilm-l6-v2");
            store.addAll(chunks.stream().map(Chunk::id).toList(), vectors, chunks.stream().map(Chunk::segment)
                    .toList());
            store.addAll(chunks.stream().map(Chunk::id).toList(), vectors, chunks.stream().map(Chunk::segment)
                    .toList());
            assertThat(store.size()).isEqualTo(3);
            assertThatThrownBy(() -> store.addAll(List.of("x"), List.of(Embedding.from(new float[] {1, 2})),
                    List.of(TextSegment.from("x")))).hasMessageContaining("holds vectors of 384 dimensions");
        }
        try (PgVectorRagStore store = PgVectorRagStore.open(connectionTo(database), "hybrid")) {
            assertThat(store.info()).containsEntry("dimensions", "384")
                    .containsEntry("embeddingModel", "local/all-minilm-l6-v2");
            String question = "How do I run a task on a GPU?";
            Embedding asked = model.embed(question).content();
            List<EmbeddingMatch<TextSegment>> hybrid = store.search(EmbeddingSearchRequest.builder().query(question)
                    .queryEmbedding(asked).maxResults(2).build(), RetrievalFilter.NONE).matches();
            assertThat(paths(hybrid)).first().isEqualTo(GPU.path());
            List<EmbeddingMatch<TextSegment>> vectorOnly = store.search(EmbeddingSearchRequest.builder()
                    .queryEmbedding(asked).maxResults(3).build(), RetrievalFilter.NONE).matches();
            assertThat(paths(vectorOnly)).first().isEqualTo(GPU.path());
            assertThat(vectorOnly.getFirst().score()).isBetween(0.5, 1.0);
            assertThat(paths(store.vectorSearch(asked.vector(), 3, filter(Map.of("pathPrefix", "reference/")))))
                    .containsExactly(ASSETS.path());

            store.removeDocument(GPU.path());
            assertThat(store.size()).isEqualTo(2);
        }
        assertThat(db.fetchValue("select count(*) from pg_indexes where tablename = 'gale_rag_hybrid'"
                + " and indexdef like '%to_tsvector%'")).isEqualTo(1L);
    }
}
