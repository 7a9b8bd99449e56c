package dev.gale.examples;

import dev.gale.llm.Llm;
import dev.gale.llm.LlmCatalog;
import dev.gale.llm.LlmException;
import dev.gale.llm.rag.Chunk;
import dev.gale.llm.rag.CrossEncoderReranker;
import dev.gale.llm.rag.LlmReranker;
import dev.gale.llm.rag.QueryRewordings;
import dev.gale.llm.rag.RagStore;
import dev.gale.llm.rag.RankFusion;
import dev.gale.llm.rag.RetrievalFilter;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.Param;
import dev.gale.sdk.TaskContext;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The retrieval steps that rag_answer runs and rag_eval measures, so that what is measured is what
 * answers: the wordings of a question, a hybrid search per wording, reciprocal-rank fusion, and the
 * optional rerank.
 */
final class RagRetrieval {
    static final String OFFLINE_REWORDING = "keyword extraction: no chat model is configured, so the rewordings are"
            + " the question's keywords, not a model's paraphrases";
    static final String NO_RERANK_MODEL = "none: no chat model is configured (configure one in GALE_LLM_CATALOG, or a"
            + " cross-encoder in GALE_RERANK_MODEL, to rerank)";
    private static final List<String> RERANK_MODES = List.of("auto", "cross_encoder", "llm", "none");

    private RagRetrieval() {
    }

    /** One query to retrieve for: the question itself or a rewording, and how it was made. */
    record Query(String text, String kind) {
    }

    /** A retrieved chunk. */
    record Hit(String id, String path, String heading, String text, double score) {
    }

    /** What a chat model is asked for when rewording. */
    record Rewordings(List<String> rewordings) {
    }

    /** Hits in their final order, and which reranker ordered them (or why none did). */
    record Ranked(List<Hit> hits, String rerankedBy) {
    }

    /** Adds the retrieval params that rag_answer and rag_eval share: topK, candidates, rerank and filter. */
    static void params(DagBuilder dag) {
        dag.param(Param.integer("topK").defaultValue(8).min(1).max(100)
                        .description("Chunks retrieved for each wording"))
                .param(Param.integer("candidates").defaultValue(10).min(5).max(50)
                        .description("Fused chunks the reranker orders (rag_answer then keeps the best 'sources';"
                                + " rag_eval counts a document beyond them as not found)"))
                .param(Param.string("rerank").defaultValue("auto").oneOf("auto", "cross_encoder", "llm", "none")
                        .description("auto: rerank with the worker's cross-encoder (GALE_RERANK_MODEL) when one is"
                                + " configured, else with the chat model when one is; cross_encoder or llm: always"
                                + " with that one (fails without it); none: keep the fused order"))
                .param(Param.object("filter").defaultValue(Map.of()).description("Search only part of the index:"
                        + " {\"pathPrefix\", \"type\", \"heading\", \"dateFrom\", \"dateTo\","
                        + " \"fields\": {front matter}}"));
    }

    /** The question and 3 rewordings: a chat model's when one is configured, else the question's keywords. */
    static List<Query> wordings(TaskContext ctx, Llm llm, String question) {
        List<Query> queries = new ArrayList<>(List.of(new Query(question, "question")));
        if (isOffline(llm)) {
            QueryRewordings.of(question).forEach(r -> queries.add(new Query(r, "keywords")));
            return queries;
        }
        String model = llm.chatChoice().model().orElseThrow().id();
        try {
            llm.chat("You reword search questions for a document retriever. Give exactly 3 different"
                            + " rewordings of the user's question that keep its meaning, using other words"
                            + " a document might use.", question, Rewordings.class).rewordings()
                    .stream().map(String::strip).filter(r -> !r.isEmpty()).distinct().limit(3)
                    .forEach(r -> queries.add(new Query(r, "model " + model)));
        } catch (LlmException e) {
            // Retrieval still works on keywords; the answer says which rewordings were used.
            ctx.log("rewording with " + model + " failed, using keywords instead: " + e.getMessage());
            QueryRewordings.of(question).forEach(r -> queries.add(new Query(r, "keyword extraction: rewording"
                    + " with " + model + " failed (see the " + ctx.taskId() + " task's log)")));
        }
        return queries;
    }

    /** The top {@code topK} chunks of the run's index for {@code text}, hybrid, within {@code filter}. */
    static List<Hit> search(TaskContext ctx, Llm llm, String text, int topK, RetrievalFilter filter) {
        try (RagStore store = RagStores.Choice.of(ctx).openForReading(ctx::connection)) {
            Embedding vector = Embedding.from(llm.embed(text));
            String model = llm.embeddingChoice().model().orElseThrow().id();
            String indexModel = store.info().get("embeddingModel");
            if (indexModel != null && !indexModel.equals(model)) {
                throw new IllegalStateException("index " + store.location() + " was embedded with " + indexModel
                        + " but this task's embedding model is " + model + "; ingest again with " + model
                        + " or configure " + indexModel);
            }
            return store.search(EmbeddingSearchRequest.builder().query(text).queryEmbedding(vector)
                            .maxResults(topK).build(), filter).matches().stream()
                    .map(m -> {
                        Chunk chunk = Chunk.of(m.embeddingId(), m.embedded());
                        return new Hit(m.embeddingId(), chunk.path(), chunk.heading(), chunk.text(), m.score());
                    }).toList();
        }
    }

    /** The lists of each wording fused by reciprocal rank, duplicates merged, best {@code limit} first. */
    static List<Hit> fuse(List<List<Hit>> lists, int limit) {
        return RankFusion.fuse(lists, Hit::id).stream().limit(limit)
                .map(s -> new Hit(s.item().id(), s.item().path(), s.item().heading(), s.item().text(), s.score()))
                .toList();
    }

    /**
     * The best {@code keep} of {@code candidates}: reordered by the worker's cross-encoder when {@code mode} is
     * {@code cross_encoder}, or {@code auto} and one is configured; by the chat model when it is {@code llm},
     * or {@code auto} with a chat model but no cross-encoder; in fusion order when it is {@code none}, in
     * {@code auto} with neither, or when the chat model's answer cannot be used (the reason is logged and
     * returned).
     */
    static Ranked rerank(TaskContext ctx, Llm llm, String mode, String question, List<Hit> candidates, int keep) {
        String chosen = mode == null ? "auto" : mode.strip().toLowerCase(Locale.ROOT);
        if (!RERANK_MODES.contains(chosen)) {
            throw new IllegalArgumentException("conf rerank must be auto, cross_encoder, llm or none, not '" + mode
                    + "'");
        }
        if (chosen.equals("none")) {
            return new Ranked(candidates.stream().limit(keep).toList(), "none: conf rerank is none");
        }
        if (!chosen.equals("llm")) {
            Optional<CrossEncoderReranker> crossEncoder = CrossEncoderReranker.configured();
            if (crossEncoder.isPresent()) {
                return crossEncode(ctx, crossEncoder.get(), question, candidates, keep);
            }
            if (chosen.equals("cross_encoder")) {
                throw new IllegalArgumentException("conf rerank is cross_encoder but no cross-encoder is configured;"
                        + " set GALE_RERANK_MODEL on the worker to the model's .onnx file (its tokenizer.json beside"
                        + " it, or in GALE_RERANK_TOKENIZER) or set rerank to auto, llm or none");
            }
        }
        if (isOffline(llm)) {
            if (chosen.equals("llm")) {
                throw new IllegalArgumentException("conf rerank is llm but no chat model is configured; configure one"
                        + " in GALE_LLM_CATALOG or set rerank to auto, cross_encoder or none");
            }
            return new Ranked(candidates.stream().limit(keep).toList(), NO_RERANK_MODEL);
        }
        LlmReranker reranker = new LlmReranker(llm, LlmReranker.defaultCache());
        try {
            LlmReranker.Reranked<Hit> reranked = reranker.rerank(question, candidates, Hit::id, Hit::text);
            ctx.log("reranked " + candidates.size() + " candidates with " + reranker.model() + ": "
                    + reranked.scoredNow() + " scored now, " + reranked.fromCache() + " from the cache");
            return new Ranked(reranked.ranked().stream().limit(keep).map(s -> new Hit(s.item().id(), s.item().path(),
                    s.item().heading(), s.item().text(), s.score())).toList(), "llm " + reranker.model());
        } catch (LlmException e) {
            ctx.log("reranking with " + reranker.model() + " failed, keeping the fused order: " + e.getMessage());
            return new Ranked(candidates.stream().limit(keep).toList(), "none: reranking with " + reranker.model()
                    + " failed (see the " + ctx.taskId() + " task's log)");
        }
    }

    private static Ranked crossEncode(TaskContext ctx, CrossEncoderReranker crossEncoder, String question,
                                      List<Hit> candidates, int keep) {
        CrossEncoderReranker.Reranked<Hit> reranked = crossEncoder.rerank(question, candidates, Hit::text);
        ctx.log("reranked " + candidates.size() + " candidates with the cross-encoder " + crossEncoder.name() + ": "
                + reranked.truncated() + " cut to its " + crossEncoder.maxLength() + " tokens");
        return new Ranked(reranked.ranked().stream().limit(keep).map(s -> new Hit(s.item().id(), s.item().path(),
                s.item().heading(), s.item().text(), s.score())).toList(), "cross-encoder " + crossEncoder.name());
    }

    /** True when the chat model is the extractive answerer, i.e. no language model is configured. */
    static boolean isOffline(Llm llm) {
        return llm.chatChoice().model().map(m -> m.provider().equals(LlmCatalog.LOCAL_PROVIDER)).orElse(true);
    }
}
