package dev.gale.examples;

import dev.gale.examples.rag.PgVectorRagStore;
import dev.gale.llm.rag.LuceneEmbeddingStore;
import dev.gale.llm.rag.RagIndexes;
import dev.gale.llm.rag.RagStore;
import dev.gale.sdk.Connection;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.Param;
import dev.gale.sdk.TaskContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Where the RAG DAGs keep an index, chosen by the run's conf: {@code store} {@code lucene} (the default: a
 * Lucene index under {@code $GALE_HOME/indexes} on the worker's disk, so the DAGs belong on a queue whose
 * workers share one volume) or {@code pgvector} (a table in the PostgreSQL database of Gale Connection
 * {@code connection}, which every worker reaches).
 */
final class RagStores {
    static final String LUCENE = "lucene";
    static final String PGVECTOR = "pgvector";

    private RagStores() {
    }

    /**
     * The queue of the tasks that open a Lucene index ({@code GALE_RAG_QUEUE}, default {@code default}): on a
     * cluster, the queue of the worker pool that mounts the index's volume. Read when the DAGs are built, so every
     * process that loads the DAG bundle (server, schedulers, workers) must see the same value, as the DAG's
     * version is the same only then.
     */
    static String queue() {
        String queue = System.getenv("GALE_RAG_QUEUE");
        return queue == null || queue.isBlank() ? "default" : queue.strip();
    }

    /** The settings rag_ingest, rag_answer and rag_eval share: store and connection. */
    static void params(DagBuilder dag) {
        dag.param(Param.string("store").defaultValue(LUCENE).oneOf(LUCENE, PGVECTOR)
                        .description("Where the index is: lucene (on the worker's disk, under $GALE_HOME/indexes) or"
                                + " pgvector (a table in the PostgreSQL database of Connection 'connection')"))
                .param(Param.string("connection").defaultValue("")
                        .description("With store pgvector: the id of the Gale Connection (type postgres) to the"
                                + " database that holds the index"));
    }

    /** What a run's conf chose, checked: the store, its connection id, and the index. */
    record Choice(String store, String connection, String index) {
        Choice {
            if (!LUCENE.equals(store) && !PGVECTOR.equals(store)) {
                throw new IllegalArgumentException("conf store must be lucene or pgvector, not '" + store + "'");
            }
            connection = connection == null ? "" : connection.strip();
            if (PGVECTOR.equals(store) && connection.isEmpty()) {
                throw new IllegalArgumentException("conf store is pgvector but conf connection is empty: name the"
                        + " Gale Connection (type postgres) to the database that holds the index, e.g."
                        + " {\"store\": \"pgvector\", \"connection\": \"rag_db\"}");
            }
            if (LUCENE.equals(store)) {
                RagIndexes.path(index);
            } else {
                PgVectorRagStore.tableName(index);
            }
        }

        static Choice of(TaskContext ctx) {
            return new Choice(ctx.param("store", String.class), ctx.param("connection", String.class),
                    ctx.param("index", String.class));
        }

        boolean isLucene() {
            return LUCENE.equals(store);
        }

        /** How the asset's metadata describes the store. */
        String description() {
            return isLucene() ? "lucene (HNSW vectors + BM25 text)"
                    : "pgvector (cosine vectors + PostgreSQL full-text, connection " + connection + ")";
        }

        RagStore openForWriting(Function<String, Connection> connections) {
            return isLucene() ? LuceneEmbeddingStore.openForWriting(RagIndexes.path(index))
                    : PgVectorRagStore.open(connections.apply(connection), index);
        }

        RagStore openForReading(Function<String, Connection> connections) {
            return isLucene() ? LuceneEmbeddingStore.openForReading(RagIndexes.path(index))
                    : PgVectorRagStore.open(connections.apply(connection), index);
        }

        /** Path and content fingerprint of each document in the index; none when there is no index yet. */
        Map<String, String> indexedDocuments(Function<String, Connection> connections) {
            if (isLucene()) {
                Path path = RagIndexes.path(index);
                if (!Files.isDirectory(path)) {
                    return Map.of();
                }
                try (RagStore store = LuceneEmbeddingStore.openForReading(path)) {
                    return store.distinct("path", "fingerprint");
                } catch (IllegalStateException e) {
                    return Map.of();
                }
            }
            try (RagStore store = PgVectorRagStore.open(connections.apply(connection), index)) {
                return store.distinct("path", "fingerprint");
            }
        }
    }
}
