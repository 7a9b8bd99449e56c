package dev.gale.bench;

import dev.gale.llm.LocalEmbeddings;
import dev.gale.llm.OnnxEmbeddingEngine;
import dev.gale.llm.rag.Chunk;
import dev.gale.llm.rag.DocumentChunker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Gale's whole ingestion against the model's own limit, in one sitting: {@code copies} copies of a corpus
 * (default: the project's docs) are ingested by the example DAG {@code rag_ingest} over REST, and the same
 * chunks, cut by the same chunker, are embedded by {@link RawOnnxLoop}. Both are counted in tokens fed to
 * the model per second; Gale's embedding phase runs from the first {@code embed} instance's start to the
 * last one's end, its whole run from the trigger to the answer.
 */
final class IngestBenchmark {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** rag_ingest's defaults, so that the raw loop embeds exactly the chunks the DAG embeds. */
    private static final int CHUNK_SIZE = 800;
    private static final int CHUNK_OVERLAP = 100;
    /** The raw loop's shape: the reference measurement. */
    static final int RAW_BATCH = 16;
    static final int RAW_THREADS = 2;
    /** The goal: Gale's embedding phase at this share of the raw limit or more. */
    static final double TARGET_RATIO = 0.85;

    /** rag_ingest's default, chunks per embed task instance, which the engine alone is also given. */
    private static final int EMBED_BATCH = 64;

    /**
     * One sitting's figures: the raw loop (the mean of one run before the ingestion and one after, since the
     * machine's load drifts), Gale's engine alone on the same chunks, and the ingestion.
     */
    record Sitting(int chunks, long ragTokens, double rawTokensPerSecond, double engineTokensPerSecond,
                   double embedPhaseTokensPerSecond, double runTokensPerSecond, int windowed) {
    }

    private final Path corpus;
    private final int copies;
    private final Path home;

    IngestBenchmark(Path corpus, int copies, Path home) {
        if (!Files.isDirectory(corpus)) {
            throw new IllegalArgumentException("the corpus " + corpus.toAbsolutePath() + " is not a directory: run"
                    + " from the repository's root (it ships examples/docs) or pass --corpus DIR");
        }
        this.corpus = corpus;
        this.copies = copies;
        this.home = home;
    }

    /** Copies the corpus, embeds it raw, then ingests it with a fresh index. */
    Sitting run(GaleClient client, int sitting) throws Exception {
        Path copy = home.resolve("corpus-" + sitting);
        List<String> texts = new ArrayList<>();
        for (int i = 1; i <= copies; i++) {
            texts.addAll(copyAndChunk(copy.resolve("copy-" + i)));
        }
        RawOnnxLoop.Result rawBefore = RawOnnxLoop.run(texts, RAW_BATCH, RAW_THREADS);
        double engine = engineTokensPerSecond(texts);

        if (Files.exists(home.resolve("indexes"))) {
            Benchmark.deleteRecursively(home.resolve("indexes"));
        }
        long started = System.nanoTime();
        JsonNode run = client.succeededRun("rag_ingest", JSON.writeValueAsString(
                Map.of("path", copy.toAbsolutePath().toString())));
        double runSeconds = (System.nanoTime() - started) / 1e9;
        JsonNode result = run.get("result");
        if (result.get("chunksEmbedded").asInt() != texts.size()) {
            throw new IllegalStateException("rag_ingest embedded " + result.get("chunksEmbedded").asInt()
                    + " chunks, the chunker cut " + texts.size() + ": " + result);
        }
        long tokens = result.get("tokensEmbedded").asLong();
        double embedSeconds = embedPhaseSeconds(client.taskInstances("rag_ingest", run.get("runId").asString()));
        RawOnnxLoop.Result rawAfter = RawOnnxLoop.run(texts, RAW_BATCH, RAW_THREADS);
        double raw = (rawBefore.tokensPerSecond() + rawAfter.tokensPerSecond()) / 2;
        return new Sitting(texts.size(), tokens, raw, engine, tokens / embedSeconds, tokens / runSeconds,
                result.get("chunksWindowed").asInt());
    }

    /** The worker's engine called directly, one call per rag_ingest batch, without the DAG around it. */
    private static double engineTokensPerSecond(List<String> texts) {
        OnnxEmbeddingEngine engine = LocalEmbeddings.cpu();
        long tokens = 0;
        long started = System.nanoTime();
        for (int from = 0; from < texts.size(); from += EMBED_BATCH) {
            tokens += engine.embedTexts(texts.subList(from, Math.min(texts.size(), from + EMBED_BATCH))).tokens();
        }
        return tokens / ((System.nanoTime() - started) / 1e9);
    }

    private List<String> copyAndChunk(Path target) throws IOException {
        Files.createDirectories(target);
        DocumentChunker chunker = new DocumentChunker(CHUNK_SIZE, CHUNK_OVERLAP);
        List<String> texts = new ArrayList<>();
        try (Stream<Path> files = Files.list(corpus)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                Path copied = Files.copy(file, target.resolve(file.getFileName()));
                String path = copied.toAbsolutePath().toString();
                texts.addAll(chunker.split(copied, path, "bench").stream().map(Chunk::text).toList());
            }
        }
        return texts;
    }

    private static double embedPhaseSeconds(JsonNode taskInstances) {
        List<JsonNode> embeds = taskInstances.valueStream().filter(ti -> ti.get("taskId").asString().equals("embed"))
                .toList();
        Instant first = embeds.stream().map(ti -> Instant.parse(ti.get("startedAt").asString()))
                .min(Comparator.naturalOrder()).orElseThrow();
        Instant last = embeds.stream().map(ti -> Instant.parse(ti.get("endedAt").asString()))
                .max(Comparator.naturalOrder()).orElseThrow();
        return (last.toEpochMilli() - first.toEpochMilli()) / 1000.0;
    }
}
