package dev.gale.examples;

import dev.gale.llm.CommonLlm;
import dev.gale.llm.Embeddings;
import dev.gale.llm.Llm;
import dev.gale.llm.rag.Chunk;
import dev.gale.llm.rag.DocumentChunker;
import dev.gale.llm.rag.DocumentDiscovery;
import dev.gale.llm.rag.RagStore;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.ModelNeeds;
import dev.gale.sdk.Param;
import dev.gale.sdk.Resources;
import dev.gale.sdk.TaskBuilder;
import dev.gale.sdk.TaskContext;
import dev.gale.sdk.TriggerRule;
import dev.langchain4j.data.embedding.Embedding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * RAG ingestion, the talk's first pipeline: discover the corpus and compare it with the index (content
 * fingerprints), split each new or changed document in its own mapped task instance, embed the chunks
 * in batches (mapped, through common.llm: in-process all-MiniLM-L6-v2 unless a deployment configures
 * another embedding model), then store them in the index and record a version of the asset
 * {@code vector://<index>}. The index is the on-disk Lucene index by default, or a PostgreSQL table with
 * pgvector ({@code conf.store} {@code pgvector} with {@code conf.connection}), see {@link RagStores}.
 * <p>
 * Unchanged documents are skipped and documents deleted from the directory removed, so a second run on
 * the same corpus adds nothing; documents the index got from other directories are left alone. A bad document (unreadable, unsupported type, empty) fails its own {@code split} instance
 * and no other: {@code store} runs whatever its upstream did ({@code all_done}) and lists the failures
 * in the run's result; with {@code conf.strict} it then fails, and so does the run.
 */
public final class RagIngest {
    /**
     * What {@code store} may receive from the embed instances: a task's upstream outputs travel in one
     * TEI message (at most 64 MiB), so a run ingests at most about fifteen thousand new or
     * changed chunks.
     */
    private static final long MAX_STORE_INPUT_CHARS = 56_000_000;
    /** A 384-dimension vector in Base64 and its JSON framing (all-MiniLM-L6-v2, the default model). */
    private static final int VECTOR_JSON_CHARS = 2_200;

    private RagIngest() {
    }

    /** What {@code split} returns for one document. */
    public record Split(String path, String fingerprint, List<Chunk> chunks) {
    }

    /** Chunks to embed in one task instance, and how many chunks each of their documents has in all. */
    public record Batch(List<Chunk> chunks, Map<String, Integer> documentChunks) {
    }

    /**
     * What {@code embed} returns: the batch, one vector per chunk (little-endian float32, Base64), the model,
     * the tokens it read, and how many chunks were longer than its window (embedded whole, in windows).
     */
    public record Embedded(Batch batch, List<String> vectors, String model, int dimensions, long millis, long tokens,
                           int windowed) {
    }

    /** A document that was not indexed, and why. */
    public record Failure(String path, String task, int mapIndex, String reason) {
    }

    /** The run's result. */
    public record Summary(String index, String indexPath, int documents, int chunks, List<String> added,
                          List<String> removed, int unchanged, List<Failure> failures, String embeddingModel,
                          int dimensions, int chunksEmbedded, double embedSeconds, Integer assetVersion,
                          long tokensEmbedded, int chunksWindowed, String store) {
    }

    /** The example DAG, {@code rag_ingest}, writing index {@code docs}. */
    public static Dag dag() {
        return dag("rag_ingest", List.of("docs"));
    }

    /**
     * An ingestion DAG that may write the listed indexes (the first is the default); each is an asset
     * {@code vector://<index>} that the DAG declares, so other DAGs can be scheduled on its updates.
     */
    public static Dag dag(String dagId, List<String> indexes) {
        DagBuilder dag = Dag.builder(dagId)
                .description("Ingests documents into a hybrid (BM25 + vector) index: new and changed documents are"
                        + " split, embedded and stored; unchanged ones skipped, deleted ones removed.")
                .owner("gale").tags("example", "rag", "llm")
                .maxActiveRuns(1)
                .param(Param.string("path").defaultValue("").description("A directory of documents (Markdown, MDX,"
                        + " reStructuredText, AsciiDoc, notebooks, text, HTML, PDF, Word, PowerPoint, OpenDocument),"
                        + " read recursively; absolute, or relative to the worker's directory"))
                .param(Param.array("urls").defaultValue(List.of()).description("file: URLs of more documents"))
                .param(Param.string("index").defaultValue(indexes.getFirst()).oneOf(indexes.toArray())
                        .description("The index to write: a directory under $GALE_HOME/indexes (store lucene), or"
                                + " table gale_rag_<index> (store pgvector)"))
                .param(Param.integer("chunkSize").defaultValue(800).min(100).max(8000)
                        .description("Largest chunk, in characters"))
                .param(Param.integer("chunkOverlap").defaultValue(100).min(0).max(2000)
                        .description("Characters shared by neighbouring chunks"))
                .param(Param.integer("batchSize").defaultValue(64).min(1).max(2048)
                        .description("Chunks embedded per task instance"))
                .param(Param.bool("strict").defaultValue(false)
                        .description("Fail the run when any document could not be ingested"))
                .param(Param.bool("embedOnGpu").defaultValue(false)
                        .description("Embed on a GPU worker (the embed_gpu task asks for one GPU)"));
        RagStores.params(dag);

        TaskBuilder discover = dag.task("discover", ctx -> {
            List<DocumentDiscovery.Found> corpus = DocumentDiscovery.discover(ctx.param("path", String.class),
                    stringList(ctx.params().get("urls")));
            RagStores.Choice index = RagStores.Choice.of(ctx);
            DocumentDiscovery.Plan plan = DocumentDiscovery.plan(corpus, index.indexedDocuments(ctx::connection),
                    ctx.param("path", String.class));
            ctx.log(corpus.size() + " documents: " + plan.changed().size() + " new or changed, "
                    + plan.unchanged().size() + " unchanged, " + plan.deleted().size() + " deleted since the last"
                    + " ingest into index " + index.index() + " (" + index.store() + ")");
            return plan;
        }).queue(RagStores.queue());
        TaskBuilder changed = dag.task("changed", ctx -> ctx.input("discover", DocumentDiscovery.Plan.class)
                .changed());
        TaskBuilder split = dag.task("split", ctx -> {
            DocumentDiscovery.Found doc = ctx.item(DocumentDiscovery.Found.class);
            DocumentChunker chunker = new DocumentChunker(ctx.param("chunkSize", Integer.class),
                    ctx.param("chunkOverlap", Integer.class));
            List<Chunk> chunks = chunker.split(Path.of(doc.path()), doc.path(), String.valueOf(doc.fingerprint()));
            ctx.log(doc.path() + ": " + chunks.size() + " chunks");
            return new Split(doc.path(), doc.fingerprint(), chunks);
        }).expand(changed);
        TaskBuilder batch = dag.task("batch", ctx -> {
            int size = ctx.param("batchSize", Integer.class);
            List<Batch> batches = new ArrayList<>();
            List<Chunk> current = new ArrayList<>();
            Map<String, Integer> counts = new HashMap<>();
            for (Split s : ctx.inputs("split", Split.class)) {
                for (Chunk chunk : s.chunks()) {
                    current.add(chunk);
                    counts.put(s.path(), s.chunks().size());
                    if (current.size() == size) {
                        batches.add(new Batch(current, counts));
                        current = new ArrayList<>();
                        counts = new HashMap<>();
                    }
                }
            }
            if (!current.isEmpty()) {
                batches.add(new Batch(current, counts));
            }
            long storeInput = batches.stream().flatMap(b -> b.chunks().stream())
                    .mapToLong(c -> c.text().length() + c.path().length() + c.heading().length() + VECTOR_JSON_CHARS)
                    .sum();
            if (storeInput > MAX_STORE_INPUT_CHARS) {
                int chunks = batches.stream().mapToInt(b -> b.chunks().size()).sum();
                throw new IllegalArgumentException(String.format("%d new or changed chunks are too many for one run:"
                                + " 'store' would receive about %.1f MB of chunks and vectors, over the %.1f MB a task's"
                                + " inputs may hold (one gRPC message). Ingest one subdirectory per run (documents from"
                                + " other directories stay in the index), or raise chunkSize", chunks, storeInput / 1e6,
                        MAX_STORE_INPUT_CHARS / 1e6));
            }
            return batches;
        }).triggerRule(TriggerRule.ALL_DONE);
        TaskBuilder place = dag.branch("place_embedding", ctx ->
                List.of(ctx.param("embedOnGpu", Boolean.class) ? "embed_gpu" : "embed"));
        TaskBuilder embed = dag.task("embed", RagIngest::embed).expand(batch).llm(ModelNeeds.embedding());
        TaskBuilder embedGpu = dag.task("embed_gpu", RagIngest::embed).expand(batch).llm(ModelNeeds.embedding())
                .resources(Resources.cpus(1).memoryMb(2048).withGpus(1));
        TaskBuilder store = dag.task("store", RagIngest::store).triggerRule(TriggerRule.ALL_DONE)
                .queue(RagStores.queue())
                .writes(indexes.stream().map(i -> "vector://" + i).toArray(String[]::new));

        discover.then(changed).then(split).then(batch).then(place);
        place.then(embed).then(store);
        place.then(embedGpu).then(store);
        store.after(discover);
        return dag.result(store).build();
    }

    private static Embedded embed(TaskContext ctx) {
        Batch batch = ctx.item(Batch.class);
        Llm llm = CommonLlm.forTask(ctx);
        long started = System.nanoTime();
        Embeddings embedded = llm.embedAll(batch.chunks().stream().map(Chunk::text).toList());
        List<float[]> vectors = embedded.vectors();
        long millis = (System.nanoTime() - started) / 1_000_000;
        ctx.log(String.format("embedded %d chunks (%d tokens; %d longer than the model's window, embedded in windows)"
                        + " in %d ms (%.1f chunks/s)", vectors.size(), embedded.tokens(), embedded.windowed(), millis,
                vectors.size() * 1000.0 / Math.max(1, millis)));
        return new Embedded(batch, vectors.stream().map(RagIngest::encode).toList(),
                llm.embeddingChoice().model().orElseThrow().id(), vectors.getFirst().length, millis,
                embedded.tokens(), embedded.windowed());
    }

    private static Summary store(TaskContext ctx) {
        DocumentDiscovery.Plan plan;
        try {
            plan = ctx.input("discover", DocumentDiscovery.Plan.class);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("nothing to store: 'discover' failed (see its error)", e);
        }
        RagStores.Choice choice = RagStores.Choice.of(ctx);
        String index = choice.index();
        List<Embedded> embedded = new ArrayList<>(ctx.inputs("embed", Embedded.class));
        embedded.addAll(ctx.inputs("embed_gpu", Embedded.class));

        Map<String, Integer> expected = new HashMap<>();
        Map<String, List<Chunk>> chunksOf = new TreeMap<>();
        Map<String, List<Embedding>> vectorsOf = new HashMap<>();
        String model = null;
        int dimensions = 0;
        long embedMillis = 0;
        for (Embedded e : embedded) {
            expected.putAll(e.batch().documentChunks());
            model = e.model();
            dimensions = e.dimensions();
            embedMillis += e.millis();
            for (int i = 0; i < e.batch().chunks().size(); i++) {
                Chunk chunk = e.batch().chunks().get(i);
                chunksOf.computeIfAbsent(chunk.path(), p -> new ArrayList<>()).add(chunk);
                vectorsOf.computeIfAbsent(chunk.path(), p -> new ArrayList<>()).add(Embedding.from(decode(e.vectors()
                        .get(i))));
            }
        }
        List<Failure> failures = new ArrayList<>();
        List<String> added = new ArrayList<>();
        int chunksEmbedded = embedded.stream().mapToInt(e -> e.vectors().size()).sum();
        int chunksWindowed = embedded.stream().mapToInt(Embedded::windowed).sum();
        try (RagStore store = choice.openForWriting(ctx::connection)) {
            for (String deleted : plan.deleted()) {
                store.removeDocument(deleted);
            }
            for (int i = 0; i < plan.changed().size(); i++) {
                String path = plan.changed().get(i).path();
                List<Chunk> chunks = chunksOf.getOrDefault(path, List.of());
                if (chunks.isEmpty()) {
                    failures.add(new Failure(path, "split", i, reasonSplitFailed(ctx, path)));
                } else if (chunks.size() != expected.get(path)) {
                    failures.add(new Failure(path, "embed", -1, "only " + chunks.size() + " of " + expected.get(path)
                            + " chunks were embedded (an embed instance failed; see its error); the document is left"
                            + " as it was in the index"));
                } else {
                    store.removeDocument(path);
                    store.addAll(chunks.stream().map(Chunk::id).toList(), vectorsOf.get(path),
                            chunks.stream().map(Chunk::segment).toList());
                    added.add(path);
                }
            }
            if (model != null) {
                store.putInfo("embeddingModel", model);
            }
            store.putInfo("store", choice.store());
            store.commit();
            Map<String, String> info = store.info();
            int documents = store.distinct("path", "fingerprint").size();
            int chunks = store.size();
            String embeddingModel = info.getOrDefault("embeddingModel", model);
            int dims = Integer.parseInt(info.getOrDefault("dimensions", Integer.toString(dimensions)));
            Integer version = null;
            if (!added.isEmpty() || !plan.deleted().isEmpty()) {
                Map<String, Object> metadata = new LinkedHashMap<>();
                metadata.put("documents", documents);
                metadata.put("chunks", chunks);
                metadata.put("embeddingModel", embeddingModel);
                metadata.put("dimensions", dims);
                metadata.put("chunkSize", ctx.param("chunkSize", Integer.class));
                metadata.put("chunkOverlap", ctx.param("chunkOverlap", Integer.class));
                metadata.put("store", choice.description());
                metadata.put("indexPath", store.location());
                metadata.put("added", added.size());
                metadata.put("removed", plan.deleted().size());
                version = ctx.emitAsset("vector://" + index, metadata);
            }
            ctx.log(String.format("index %s: %d documents, %d chunks; %d added or updated, %d removed, %d unchanged,"
                            + " %d failed; embedding: %d chunks (%d embedded in windows) in %.1f s of embed tasks"
                            + " (%.1f chunks/s)", index, documents, chunks, added.size(), plan.deleted().size(),
                    plan.unchanged().size(), failures.size(), chunksEmbedded, chunksWindowed, embedMillis / 1000.0,
                    chunksEmbedded * 1000.0 / Math.max(1, embedMillis)));
            Summary summary = new Summary(index, store.location(), documents, chunks, added, plan.deleted(),
                    plan.unchanged().size(), failures, embeddingModel, dims, chunksEmbedded, embedMillis / 1000.0,
                    version, embedded.stream().mapToLong(Embedded::tokens).sum(), chunksWindowed, choice.store());
            if (!failures.isEmpty() && ctx.param("strict", Boolean.class)) {
                throw new IllegalStateException("strict: " + failures.size() + " of " + plan.changed().size()
                        + " new or changed documents were not ingested (the others were): " + failures.stream()
                        .map(Failure::reason).collect(Collectors.joining("; ")));
            }
            return summary;
        }
    }

    /**
     * Why a changed document got no chunks to store: its {@code split} error, found again by checking the
     * document (bad documents fail the same way each time), else that a later step failed.
     */
    private static String reasonSplitFailed(TaskContext ctx, String path) {
        try {
            new DocumentChunker(ctx.param("chunkSize", Integer.class), ctx.param("chunkOverlap", Integer.class))
                    .split(Path.of(path), path, "check");
            return path + ": not indexed: a step after reading it failed (batch or embed); see the run's failed task"
                    + " instances";
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    private static List<String> stringList(Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException("conf urls must be a list of file: URLs");
        }
        return list.stream().map(String::valueOf).toList();
    }

    static String encode(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    static float[] decode(String base64) {
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] vector = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(vector);
        return vector;
    }
}
