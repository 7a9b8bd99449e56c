package dev.gale.llm.rag;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import java.util.List;
import java.util.Map;

/**
 * A RAG index as rag_ingest writes it and rag_answer and rag_eval search it, whichever store holds it: the
 * embedded Lucene index on a worker's disk ({@link LuceneEmbeddingStore}) or a PostgreSQL table with pgvector
 * ({@code dev.gale.examples.rag.PgVectorRagStore}, in the examples bundle). Both search the same way: a request with a query text is hybrid (full-text and
 * vector matches fused by reciprocal rank, {@link RankFusion}), one without is a vector search.
 */
public interface RagStore extends AutoCloseable {
    /** Where the index is, for logs and the asset's metadata: a directory, or a table in a database. */
    String location();

    /** What the last commit recorded about the index (its embedding model and dimensions). */
    Map<String, String> info();

    /** Sets a value recorded with the next commit. */
    void putInfo(String key, String value);

    /** The distinct values of a metadata key over every chunk, with the value of another key beside each. */
    Map<String, String> distinct(String key, String valueKey);

    /** How many chunks the index holds. */
    int size();

    /** Removes every chunk of the document at {@code path}. */
    void removeDocument(String path);

    /** Adds or replaces (by id) each embedding with its segment. */
    void addAll(List<String> ids, List<Embedding> embeddings, List<TextSegment> segments);

    /** The best matches of {@code request} within {@code within}. */
    EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request, RetrievalFilter within);

    /** Makes every write so far durable and visible to readers. */
    void commit();

    @Override
    void close();
}
