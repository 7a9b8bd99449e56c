package dev.gale.examples.rag;

import static org.jooq.impl.DSL.condition;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.noCondition;
import static org.jooq.impl.DSL.val;

import dev.gale.llm.rag.Chunk;
import dev.gale.llm.rag.RagStore;
import dev.gale.llm.rag.RankFusion;
import dev.gale.llm.rag.RetrievalFilter;
import dev.gale.sdk.Connection;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.pgvector.DefaultMetadataStorageConfig;
import dev.langchain4j.store.embedding.pgvector.MetadataStorageMode;
import dev.langchain4j.store.embedding.pgvector.PgVectorEmbeddingStore;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.postgresql.ds.PGSimpleDataSource;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A RAG index in a PostgreSQL database the user names (through a Gale Connection), with the pgvector
 * extension (here in the examples bundle, not in llm-provider, because workers carry no database driver; the
 * bundle brings its own): one table per index, {@code gale_rag_<index>}, that any worker on any node reads and writes,
 * so the index outlives the worker that built it.
 * <p>
 * Who makes the tables: the store, on its first write, through LangChain4j's {@link PgVectorEmbeddingStore}
 * ({@code createTable}): {@code create extension if not exists vector}, the table in LangChain4j's shape
 * ({@code embedding_id uuid, embedding vector(n), text, metadata jsonb}) and, in its hybrid mode, a GIN index on
 * {@code to_tsvector('english', coalesce(text, ''))}; beside it {@code gale_rag_indexes} records each index's
 * embedding model and dimensions. Not Flyway: the database is the user's, not Gale's, so Gale's migration
 * history has no place in it, and the vector column's size is the embedding model's, known only when the first
 * chunks are embedded. The connection's user needs the right to create tables there (and the extension,
 * unless an administrator created it).
 * <p>
 * Writes go through LangChain4j's upsert ({@code insert ... on conflict (embedding_id) do update}); a chunk's
 * id is a name-based UUID of Gale's chunk id, so writing the same chunk again replaces it. Searching is Gale's
 * own SQL, the same shape as the Lucene index's: the top full-text matches (ts_rank, any of the query's words
 * after English stemming, like BM25 there) and the top vector matches (cosine distance), each within the
 * {@link RetrievalFilter}, fused by reciprocal rank. LangChain4j's own hybrid search is not used: its
 * {@code Filter} cannot say "under this heading at any level" or "this relative path prefix", and its
 * full-text half wants every word of the query.
 */
public final class PgVectorRagStore implements RagStore {
    /** PostgreSQL's text search configuration: English stemming and stop words, as the Lucene index analyses. */
    static final String TEXT_SEARCH = "english";
    private static final String INDEXES_TABLE = "gale_rag_indexes";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,39}");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DataSource dataSource;
    private final DSLContext db;
    private final String where;
    private final String index;
    private final String table;
    private final Map<String, String> info = new TreeMap<>();
    private PgVectorEmbeddingStore writer;
    private boolean changed;

    PgVectorRagStore(DataSource dataSource, String where, String index) {
        this.dataSource = dataSource;
        this.db = DSL.using(dataSource, SQLDialect.POSTGRES);
        this.where = where;
        this.index = index;
        this.table = tableName(index);
        info.putAll(readInfo());
    }

    /**
     * The index {@code index} in the database of Connection {@code connection}: type {@code postgres}, its host,
     * port (default 5432), schema (the database's name), login and password; its extra (e.g. {@code sslmode})
     * goes into the JDBC URL as parameters.
     */
    public static PgVectorRagStore open(Connection connection, String index) {
        String url = jdbcUrl(connection);
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(url);
        dataSource.setUser(connection.login());
        dataSource.setPassword(connection.password());
        return new PgVectorRagStore(dataSource, "table " + tableName(index) + " in " + url, index);
    }

    /** The JDBC URL of a Connection to PostgreSQL, or an error naming the connection and what it lacks. */
    public static String jdbcUrl(Connection connection) {
        String type = connection.type() == null ? "" : connection.type().toLowerCase(Locale.ROOT);
        if (!List.of("postgres", "postgresql").contains(type)) {
            throw new IllegalArgumentException("connection '" + connection.connId() + "' is of type '"
                    + connection.type() + "'; the pgvector store needs a postgres connection (connType \"postgres\","
                    + " host, port, schema = the database, login, password)");
        }
        if (connection.host() == null || connection.host().isBlank()
                || connection.schema() == null || connection.schema().isBlank()) {
            throw new IllegalArgumentException("connection '" + connection.connId() + "' needs a host and a schema"
                    + " (the database that holds the index) for the pgvector store");
        }
        String params = connection.extra().entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(String.valueOf(e.getValue()), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return "jdbc:postgresql://" + connection.host() + ":" + (connection.port() == null ? 5432 : connection.port())
                + "/" + URLEncoder.encode(connection.schema(), StandardCharsets.UTF_8)
                + (params.isEmpty() ? "" : "?" + params);
    }

    /** The table of index {@code index}; names that are not plain identifiers once '-' is '_' are refused. */
    public static String tableName(String index) {
        if (index == null || !NAME.matcher(index).matches()) {
            throw new IllegalArgumentException("index name '" + index + "' is not allowed for the pgvector store:"
                    + " use 1 to 40 lower-case letters, digits, '-' or '_', starting with a letter or digit"
                    + " (PostgreSQL shortens longer names)");
        }
        return "gale_rag_" + index.replace('-', '_');
    }

    @Override
    public String location() {
        return where;
    }

    @Override
    public Map<String, String> info() {
        return Map.copyOf(info);
    }

    @Override
    public void putInfo(String key, String value) {
        info.put(key, value);
        changed = true;
    }

    @Override
    public Map<String, String> distinct(String key, String valueKey) {
        Map<String, String> values = new TreeMap<>();
        if (!exists()) {
            return values;
        }
        db.resultQuery("select distinct metadata->>{0} as k, metadata->>{1} as v from {2} where metadata->>{0} is not null",
                        val(key), val(valueKey), name(table))
                .forEach(r -> values.put(r.get("k", String.class), r.get("v", String.class)));
        return values;
    }

    @Override
    public int size() {
        return exists() ? db.fetchCount(DSL.table(name(table))) : 0;
    }

    /** Deletes with a bound value: LangChain4j's {@code removeAll(Filter)} writes the value into its SQL. */
    @Override
    public void removeDocument(String path) {
        if (exists()) {
            db.deleteFrom(DSL.table(name(table))).where(condition("metadata->>'path' = {0}", val(path))).execute();
        }
    }

    @Override
    public void addAll(List<String> ids, List<Embedding> embeddings, List<TextSegment> segments) {
        if (ids.size() != embeddings.size() || segments.size() != embeddings.size()) {
            throw new IllegalArgumentException("ids, embeddings and segments must be as many: " + ids.size() + ", "
                    + embeddings.size() + ", " + segments.size());
        }
        if (ids.isEmpty()) {
            return;
        }
        int dimensions = embeddings.getFirst().dimension();
        String known = info.get("dimensions");
        if (known != null && Integer.parseInt(known) != dimensions) {
            throw new IllegalArgumentException("the index " + where + " holds vectors of " + known + " dimensions ("
                    + info.getOrDefault("embeddingModel", "another model") + "), not " + dimensions
                    + "; use the same embedding model, or another index");
        }
        info.put("dimensions", Integer.toString(dimensions));
        changed = true;
        writer(dimensions).addAll(ids.stream().map(PgVectorRagStore::uuid).toList(), embeddings, segments);
    }

    /** The UUID a chunk is stored under: LangChain4j's table keys chunks by UUID, Gale's chunk ids are text. */
    static String uuid(String chunkId) {
        return UUID.nameUUIDFromBytes(chunkId.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private PgVectorEmbeddingStore writer(int dimensions) {
        if (writer == null) {
            try {
                writer = PgVectorEmbeddingStore.datasourceBuilder().datasource(dataSource).table(table)
                        .dimension(dimensions).createTable(true)
                        .metadataStorageConfig(DefaultMetadataStorageConfig.builder()
                                .storageMode(MetadataStorageMode.COMBINED_JSONB)
                                .columnDefinitions(List.of("metadata JSONB NULL")).build())
                        .searchMode(PgVectorEmbeddingStore.SearchMode.HYBRID).textSearchConfig(TEXT_SEARCH)
                        .build();
            } catch (RuntimeException e) {
                throw new IllegalStateException("cannot create the pgvector index " + where + ": " + rootMessage(e)
                        + " (the database needs the vector extension, or a user that may create it, and the"
                        + " connection's user the right to create tables)", e);
            }
        }
        return writer;
    }

    @Override
    public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request, RetrievalFilter within) {
        if (!exists()) {
            throw new IllegalStateException("there is no index " + where + "; ingest documents into it first"
                    + " (rag_ingest with store pgvector)");
        }
        int k = request.maxResults();
        List<EmbeddingMatch<TextSegment>> vector = request.queryEmbedding() == null ? List.of()
                : vectorSearch(request.queryEmbedding().vector(), k, within).stream()
                .filter(m -> m.score() >= request.minScore()).toList();
        String text = request.query();
        if (text == null || text.isBlank()) {
            return new EmbeddingSearchResult<>(vector);
        }
        return new EmbeddingSearchResult<>(fuse(fullTextSearch(text, k, within), vector, k));
    }

    /** The top {@code k} chunks by cosine similarity to {@code vector}, scored in [0, 1] as Lucene scores cosine. */
    List<EmbeddingMatch<TextSegment>> vectorSearch(float[] vector, int k, RetrievalFilter within) {
        String literal = Arrays.toString(vector);
        return db.resultQuery("select embedding_id, text, cast(metadata as text) as metadata,"
                        + " (2 - (embedding <=> cast({0} as vector))) / 2 as score from {1} where {2}"
                        + " order by embedding <=> cast({0} as vector) limit {3}",
                        val(literal), name(table), sqlOf(within), val(k))
                .fetch().map(PgVectorRagStore::match);
    }

    /**
     * The top {@code k} chunks by ts_rank for any of {@code text}'s words (stemmed, stop words dropped), as the
     * Lucene index's BM25 half matches any term; {@code plainto_tsquery} would want them all.
     */
    List<EmbeddingMatch<TextSegment>> fullTextSearch(String text, int k, RetrievalFilter within) {
        String document = "to_tsvector('" + TEXT_SEARCH + "', coalesce(text, ''))";
        return db.resultQuery("select embedding_id, text, cast(metadata as text) as metadata, ts_rank(" + document
                        + ", q) as score from {0}, cast(replace(cast(plainto_tsquery('" + TEXT_SEARCH
                        + "', {1}) as text), '&', '|') as tsquery) q where " + document + " @@ q and {2}"
                        + " order by score desc, embedding_id limit {3}",
                        name(table), val(text), sqlOf(within), val(k))
                .fetch().map(PgVectorRagStore::match);
    }

    /** The full-text and vector lists fused by reciprocal rank, best {@code k} first, as the Lucene index fuses. */
    static List<EmbeddingMatch<TextSegment>> fuse(List<EmbeddingMatch<TextSegment>> fullText,
                                                  List<EmbeddingMatch<TextSegment>> vector, int k) {
        return RankFusion.fuse(List.of(fullText, vector), EmbeddingMatch::embeddingId).stream().limit(k)
                .map(s -> new EmbeddingMatch<>(s.score(), s.item().embeddingId(), s.item().embedding(),
                        s.item().embedded()))
                .toList();
    }

    /** {@code within} as a condition on the chunks' metadata, meaning what the Lucene index's filters means. */
    static Condition sqlOf(RetrievalFilter within) {
        Condition all = noCondition();
        if (within.pathPrefix() != null) {
            String prefix = within.pathPrefix().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
            all = all.and(condition("metadata->>'path' like {0}",
                    val(within.pathPrefix().startsWith("/") ? prefix + "%" : "%/" + prefix + "%")));
        }
        if (!within.types().isEmpty()) {
            all = all.and(condition("metadata->>'type' = any({0})",
                    val(within.types().stream().map(PgVectorRagStore::lower).toArray(String[]::new))));
        }
        if (within.heading() != null) {
            all = all.and(condition("exists (select 1 from unnest(string_to_array(lower(metadata->>'heading'),"
                    + " ' > ')) part where trim(part) = {0})", val(lower(within.heading()))));
        }
        if (within.dateFrom() != null || within.dateTo() != null) {
            Condition dated = condition("metadata->>'date' ~ '^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$'");
            if (within.dateFrom() != null) {
                dated = dated.and(condition("metadata->>'date' >= {0}", val(within.dateFrom().toString())));
            }
            if (within.dateTo() != null) {
                dated = dated.and(condition("metadata->>'date' <= {0}", val(within.dateTo().toString())));
            }
            all = all.and(dated);
        }
        for (Map.Entry<String, String> field : within.fields().entrySet()) {
            all = all.and(condition("exists (select 1 from unnest(string_to_array(lower(metadata->>{0}), {1}))"
                    + " v where trim(v) = {2})", val(Chunk.FIELD + field.getKey()), val(Chunk.LIST_SEPARATOR.strip()),
                    val(lower(field.getValue()))));
        }
        return all;
    }

    /** Records the index's info (its chunks are written as they are added: each write commits on its own). */
    @Override
    public void commit() {
        if (!changed) {
            return;
        }
        ensureIndexesTable();
        db.execute("insert into {0} (index_name, info) values ({1}, cast({2} as jsonb))"
                        + " on conflict (index_name) do update set info = excluded.info",
                name(INDEXES_TABLE), val(index), val(JSON.writeValueAsString(info)));
        changed = false;
    }

    @Override
    public void close() {
        commit();
    }

    private boolean exists() {
        return db.fetchValue("select to_regclass({0}) is not null", val(table)).equals(Boolean.TRUE);
    }

    private void ensureIndexesTable() {
        db.execute("create table if not exists {0} (index_name text primary key, info jsonb not null)",
                name(INDEXES_TABLE));
    }

    private Map<String, String> readInfo() {
        try {
            if (!db.fetchValue("select to_regclass({0}) is not null", val(INDEXES_TABLE)).equals(Boolean.TRUE)) {
                return Map.of();
            }
            String json = (String) db.fetchValue("select cast(info as text) from {0} where index_name = {1}",
                    name(INDEXES_TABLE), val(index));
            return json == null ? Map.of() : JSON.readValue(json, new TypeReference<Map<String, String>>() { });
        } catch (DataAccessException e) {
            throw new IllegalStateException("cannot read the pgvector index " + where + ": " + rootMessage(e), e);
        }
    }

    private static EmbeddingMatch<TextSegment> match(Record row) {
        String json = row.get("metadata", String.class);
        Map<String, Object> metadata = json == null ? Map.of()
                : JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
        TextSegment segment = TextSegment.from(row.get("text", String.class), Metadata.from(metadata));
        return new EmbeddingMatch<>(row.get("score", Double.class), row.get("embedding_id", String.class), null,
                segment);
    }

    private static String lower(String text) {
        return text.strip().toLowerCase(Locale.ROOT);
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }
}
