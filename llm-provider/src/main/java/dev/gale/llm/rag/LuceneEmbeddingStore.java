package dev.gale.llm.rag;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.filter.comparison.IsEqualTo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.lucene103.Lucene103Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexNotFoundException;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.MultiBits;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * LangChain4j's {@link EmbeddingStore} on an Apache Lucene index on disk: each segment is one Lucene
 * document holding its vector (HNSW, cosine), its text (analysed for BM25) and its metadata, so the
 * same index answers vector, lexical and hybrid searches and survives restarts.
 * <p>
 * Lucene allows one writer per directory: {@link #openForWriting} takes the index's write lock (a
 * second writer fails with a message saying so); {@link #openForReading} never writes and may run
 * beside a writer, seeing what it last committed. Writes become visible at {@link #commit()} or
 * {@link #close()}.
 * <p>
 * A search request with a {@linkplain EmbeddingSearchRequest#query() query text} is hybrid: the top
 * BM25 matches of the text and the top vector matches are fused by reciprocal rank, and a match's score
 * is its fused score. Without one it is a vector search whose score is Lucene's cosine score, in [0, 1].
 */
public final class LuceneEmbeddingStore implements EmbeddingStore<TextSegment>, RagStore {
    /**
     * The most dimensions a vector may have: Lucene's HNSW format allows 1,024 unless its codec says more,
     * which {@link #CODEC} does (4,096 takes OpenAI's text-embedding-3-large at 3,072 and most served models).
     */
    public static final int MAX_DIMENSIONS = 4096;
    /**
     * The default codec with the default HNSW format, allowing {@link #MAX_DIMENSIONS}. The format keeps its
     * own name, so the index files are the standard ones and any Lucene of this version reads them.
     */
    private static final Codec CODEC = new Lucene103Codec() {
        private final KnnVectorsFormat hnsw = new Lucene99HnswVectorsFormat();
        private final KnnVectorsFormat wide = new KnnVectorsFormat(hnsw.getName()) {
            @Override
            public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
                return hnsw.fieldsWriter(state);
            }

            @Override
            public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
                return hnsw.fieldsReader(state);
            }

            @Override
            public int getMaxDimensions(String fieldName) {
                return MAX_DIMENSIONS;
            }
        };

        @Override
        public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            return wide;
        }
    };
    private static final String ID = "id";
    private static final String TEXT = "text";
    private static final String VECTOR = "vector";
    private static final String VECTOR_BYTES = "vector_bytes";
    private static final String METADATA = "metadata";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path path;
    private final Directory directory;
    private final Analyzer analyzer = new EnglishAnalyzer();
    private final IndexWriter writer;
    private final Map<String, String> info = new TreeMap<>();
    /** Created on the first read, once something is committed; guarded by {@code this}. */
    private SearcherManager searchers;

    private LuceneEmbeddingStore(Path path, Directory directory, IndexWriter writer) {
        this.path = path;
        this.directory = directory;
        this.writer = writer;
    }

    /** Opens (creating it if needed) the index at {@code path} to write; only one writer at a time. */
    public static LuceneEmbeddingStore openForWriting(Path path) {
        try {
            Files.createDirectories(path);
            Directory directory = FSDirectory.open(path);
            IndexWriter writer;
            try {
                writer = new IndexWriter(directory, new IndexWriterConfig(new EnglishAnalyzer())
                        .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND).setCodec(CODEC));
            } catch (LockObtainFailedException e) {
                directory.close();
                throw new IllegalStateException("the index at " + path + " is being written by another task or"
                        + " process (Lucene's write lock is held); wait for it to finish, then run again", e);
            }
            LuceneEmbeddingStore store = new LuceneEmbeddingStore(path, directory, writer);
            if (DirectoryReader.indexExists(directory)) {
                try (DirectoryReader reader = DirectoryReader.open(directory)) {
                    store.info.putAll(reader.getIndexCommit().getUserData());
                }
            }
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the index at " + path + ": " + e.getMessage(), e);
        }
    }

    /** Opens the index at {@code path} to search; it must exist (an ingest has committed to it). */
    public static LuceneEmbeddingStore openForReading(Path path) {
        try {
            if (!Files.isDirectory(path)) {
                throw new IllegalStateException("there is no index at " + path + "; ingest documents into it first");
            }
            Directory directory = FSDirectory.open(path);
            if (!DirectoryReader.indexExists(directory)) {
                directory.close();
                throw new IllegalStateException("the index at " + path + " holds nothing yet; ingest documents"
                        + " into it first");
            }
            LuceneEmbeddingStore store = new LuceneEmbeddingStore(path, directory, null);
            try (DirectoryReader reader = DirectoryReader.open(directory)) {
                store.info.putAll(reader.getIndexCommit().getUserData());
            }
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the index at " + path + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public String location() {
        return path.toString();
    }

    /** What the last commit recorded about the index (e.g. its embedding model and dimensions). */
    @Override
    public Map<String, String> info() {
        return Map.copyOf(info);
    }

    /** Sets a value recorded with the next commit. */
    @Override
    public void putInfo(String key, String value) {
        requireWriter();
        info.put(key, value);
    }

    @Override
    public String add(Embedding embedding) {
        String id = UUID.randomUUID().toString();
        add(id, embedding);
        return id;
    }

    @Override
    public void add(String id, Embedding embedding) {
        addAll(List.of(id), List.of(embedding), null);
    }

    @Override
    public String add(Embedding embedding, TextSegment segment) {
        String id = UUID.randomUUID().toString();
        addAll(List.of(id), List.of(embedding), List.of(segment));
        return id;
    }

    @Override
    public List<String> addAll(List<Embedding> embeddings) {
        List<String> ids = generateIds(embeddings.size());
        addAll(ids, embeddings, null);
        return ids;
    }

    /** Adds or replaces (by id) each embedding with its segment ({@code segments} may be null). */
    @Override
    public void addAll(List<String> ids, List<Embedding> embeddings, List<TextSegment> segments) {
        requireWriter();
        if (ids.size() != embeddings.size() || segments != null && segments.size() != embeddings.size()) {
            throw new IllegalArgumentException("ids, embeddings and segments must be as many: " + ids.size() + ", "
                    + embeddings.size() + ", " + (segments == null ? "none" : segments.size()));
        }
        try {
            for (int i = 0; i < ids.size(); i++) {
                writer.updateDocument(new Term(ID, ids.get(i)), document(ids.get(i), embeddings.get(i).vector(),
                        segments == null ? null : segments.get(i)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the index at " + path + ": " + e.getMessage(), e);
        }
    }

    private Document document(String id, float[] vector, TextSegment segment) {
        if (vector.length > MAX_DIMENSIONS) {
            throw new IllegalArgumentException("embeddings of " + vector.length + " dimensions do not fit Lucene's"
                    + " HNSW index (at most " + MAX_DIMENSIONS + "); choose an embedding model with fewer dimensions");
        }
        String known = info.get("dimensions");
        if (known != null && Integer.parseInt(known) != vector.length) {
            throw new IllegalArgumentException("the index at " + path + " holds vectors of " + known + " dimensions ("
                    + info.getOrDefault("embeddingModel", "another model") + "), not " + vector.length
                    + "; use the same embedding model, or another index");
        }
        info.put("dimensions", Integer.toString(vector.length));
        Document doc = new Document();
        doc.add(new StringField(ID, id, Field.Store.YES));
        doc.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.COSINE));
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        doc.add(new StoredField(VECTOR_BYTES, new BytesRef(bytes.array())));
        if (segment != null) {
            doc.add(new TextField(TEXT, segment.text(), Field.Store.YES));
            Map<String, Object> metadata = segment.metadata().toMap();
            doc.add(new StoredField(METADATA, JSON.writeValueAsString(metadata)));
            LuceneFilters.index(doc, metadata);
        }
        return doc;
    }

    @Override
    public void removeAll(Collection<String> ids) {
        requireWriter();
        try {
            writer.deleteDocuments(ids.stream().map(id -> new Term(ID, id)).toArray(Term[]::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the segments whose metadata matches; only {@code metadataKey(k).isEqualTo(v)} filters are supported. */
    @Override
    public void removeAll(Filter filter) {
        requireWriter();
        try {
            writer.deleteDocuments(toQuery(filter));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void removeDocument(String path) {
        removeAll(new IsEqualTo("path", path));
    }

    @Override
    public void removeAll() {
        requireWriter();
        try {
            writer.deleteAll();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes every write so far durable and visible to readers. */
    @Override
    public void commit() {
        requireWriter();
        try {
            writer.setLiveCommitData(Map.copyOf(info).entrySet());
            writer.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit the index at " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
        return search(request, RetrievalFilter.NONE);
    }

    /** {@link #search(EmbeddingSearchRequest)} within {@code within} (and the request's own filter, if any). */
    @Override
    public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request, RetrievalFilter within) {
        try (Lease lease = lease()) {
            IndexSearcher searcher = lease.searcher();
            int k = request.maxResults();
            Query filter = both(request.filter() == null ? null : toQuery(request.filter()),
                    LuceneFilters.query(within));
            List<EmbeddingMatch<TextSegment>> vectorMatches = new ArrayList<>();
            if (request.queryEmbedding() != null) {
                for (ScoreDoc hit : searcher.search(new KnnFloatVectorQuery(VECTOR, request.queryEmbedding().vector(),
                        k, filter), k).scoreDocs) {
                    if (hit.score >= request.minScore()) {
                        vectorMatches.add(match(searcher.storedFields(), hit));
                    }
                }
            }
            String text = request.query();
            if (text == null || text.isBlank()) {
                return new EmbeddingSearchResult<>(vectorMatches);
            }
            List<EmbeddingMatch<TextSegment>> lexicalMatches = new ArrayList<>();
            Query lexical = lexicalQuery(text);
            if (lexical != null) {
                Query query = filter == null ? lexical : new BooleanQuery.Builder()
                        .add(lexical, BooleanClause.Occur.MUST).add(filter, BooleanClause.Occur.FILTER).build();
                for (ScoreDoc hit : searcher.search(query, k).scoreDocs) {
                    lexicalMatches.add(match(searcher.storedFields(), hit));
                }
            }
            List<EmbeddingMatch<TextSegment>> fused = RankFusion.fuse(List.of(lexicalMatches, vectorMatches),
                            EmbeddingMatch::embeddingId).stream().limit(k)
                    .map(s -> new EmbeddingMatch<>(s.score(), s.item().embeddingId(), s.item().embedding(),
                            s.item().embedded()))
                    .toList();
            return new EmbeddingSearchResult<>(fused);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search the index at " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The distinct values of a metadata key over every segment, with the value of another key beside
     * each (e.g. each document's path and fingerprint); one pass over the stored fields.
     */
    @Override
    public Map<String, String> distinct(String key, String valueKey) {
        Map<String, String> values = new TreeMap<>();
        try (Lease lease = lease()) {
            IndexReader reader = lease.searcher().getIndexReader();
            StoredFields stored = reader.storedFields();
            Bits live = MultiBits.getLiveDocs(reader);
            for (int doc = 0; doc < reader.maxDoc(); doc++) {
                if (live != null && !live.get(doc)) {
                    continue;
                }
                String json = stored.document(doc).get(METADATA);
                if (json == null) {
                    continue;
                }
                Map<String, Object> metadata = JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
                Object k = metadata.get(key);
                if (k != null) {
                    values.put(String.valueOf(k), String.valueOf(metadata.get(valueKey)));
                }
            }
        } catch (IndexNotFoundException e) {
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the index at " + path + ": " + e.getMessage(), e);
        }
        return values;
    }

    /** How many segments the index holds (as last committed). */
    @Override
    public int size() {
        try (Lease lease = lease()) {
            return lease.searcher().getIndexReader().numDocs();
        } catch (IndexNotFoundException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A searcher of the last commit. Lucene's {@link SearcherManager} keeps one reader open across searches
     * and reopens it only when a newer commit exists, instead of opening the index for every search.
     */
    private Lease lease() throws IOException {
        SearcherManager manager;
        synchronized (this) {
            if (searchers == null) {
                searchers = new SearcherManager(directory, null);
            }
            manager = searchers;
        }
        manager.maybeRefresh();
        return new Lease(manager, manager.acquire());
    }

    /** A searcher in use, released back to its manager when closed. */
    private record Lease(SearcherManager manager, IndexSearcher searcher) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            manager.release(searcher);
        }
    }

    /** BM25 over the analysed text: any of the query's terms, after English stemming and stop words. */
    private Query lexicalQuery(String text) throws IOException {
        Set<String> terms = new LinkedHashSet<>();
        try (TokenStream tokens = analyzer.tokenStream(TEXT, text)) {
            CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
            tokens.reset();
            while (tokens.incrementToken()) {
                terms.add(term.toString());
            }
            tokens.end();
        }
        if (terms.isEmpty()) {
            return null;
        }
        BooleanQuery.Builder query = new BooleanQuery.Builder();
        terms.forEach(t -> query.add(new TermQuery(new Term(TEXT, t)), BooleanClause.Occur.SHOULD));
        return query.build();
    }

    private static EmbeddingMatch<TextSegment> match(StoredFields stored, ScoreDoc hit) throws IOException {
        Document doc = stored.document(hit.doc);
        BytesRef bytes = doc.getBinaryValue(VECTOR_BYTES);
        float[] vector = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes.bytes, bytes.offset, bytes.length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                .get(vector);
        String text = doc.get(TEXT);
        TextSegment segment = null;
        if (text != null) {
            Map<String, Object> metadata = doc.get(METADATA) == null ? new HashMap<>()
                    : JSON.readValue(doc.get(METADATA), new TypeReference<Map<String, Object>>() { });
            segment = TextSegment.from(text, Metadata.from(metadata));
        }
        return new EmbeddingMatch<>((double) hit.score, doc.get(ID), Embedding.from(vector), segment);
    }

    private static Query both(Query a, Query b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return new BooleanQuery.Builder().add(a, BooleanClause.Occur.FILTER).add(b, BooleanClause.Occur.FILTER).build();
    }

    private static Query toQuery(Filter filter) {
        if (filter instanceof IsEqualTo equal) {
            return new TermQuery(new Term(LuceneFilters.META + equal.key(), String.valueOf(equal.comparisonValue())));
        }
        throw new UnsupportedOperationException("the Lucene store filters on one metadata value only, e.g."
                + " metadataKey(\"path\").isEqualTo(\"docs/a.md\"); got " + filter);
    }

    private void requireWriter() {
        if (writer == null) {
            throw new IllegalStateException("the index at " + path + " was opened for reading; open it with"
                    + " openForWriting to change it");
        }
    }

    /** Commits what was written (a writer), then releases the index. */
    @Override
    public void close() {
        try {
            if (writer != null) {
                commit();
                writer.close();
            }
            synchronized (this) {
                if (searchers != null) {
                    searchers.close();
                }
            }
            analyzer.close();
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the index at " + path + ": " + e.getMessage(), e);
        }
    }
}
