package dev.gale.examples;

import dev.gale.llm.CommonLlm;
import dev.gale.llm.Llm;
import dev.gale.llm.rag.RankFusion;
import dev.gale.llm.rag.RetrievalFilter;
import dev.gale.sdk.AssetVersionInfo;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.ModelNeeds;
import dev.gale.sdk.Param;
import dev.gale.sdk.Task;
import dev.gale.sdk.TaskContext;
import dev.gale.sdk.TypeToken;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures retrieval on a question set: each question with the document that answers it (and optionally
 * words the answer holds) goes through rag_answer's retrieval (wordings, hybrid search per wording, fusion,
 * the optional rerank) in its own mapped task instance; {@code score} reports hit@1, hit@5 and the mean
 * reciprocal rank over the first {@code candidates} chunks, lists the questions whose document did not come
 * first with what did, and records a version of {@code eval://rag-<index>} with the figures, the index's
 * version and embedding model, its chunking, and the retrieval settings, so that the asset's versions
 * compare one setting against another.
 */
public final class RagEval {
    private RagEval() {
    }

    /** One line of a question set: the question, the documents that answer it (any one counts) and an answer hint. */
    public record Question(String question, List<String> sources, String answer) {
    }

    /** Where a question's expected document came; {@code rank} is 0 when it was not among the candidates. */
    public record Outcome(String question, List<String> expected, int rank, String first, String firstHeading,
                          Boolean answerInTop5, String rewordedBy, String rerankedBy) {
    }

    /** A question whose document did not come first. */
    public record Miss(String question, List<String> expected, Integer rank, String first, String firstHeading) {
    }

    /** The run's result. */
    public record Report(String index, int questions, double hitAt1, double hitAt5, double mrr, Double answerAt5,
                         List<Miss> misses, Map<String, Object> settings, int evalVersion) {
    }

    /** The example DAG, {@code rag_eval}, measuring index {@code docs}. */
    public static Dag dag() {
        return dag("rag_eval", List.of("docs"));
    }

    /** An evaluation DAG for the listed indexes (the first is the default); each records {@code eval://rag-<index>}. */
    public static Dag dag(String dagId, List<String> indexes) {
        DagBuilder dag = Dag.builder(dagId)
                .description("Measures retrieval on a question set (hit@1, hit@5, MRR) and records the figures as a"
                        + " version of eval://rag-<index> with the index, model and settings they were measured on.")
                .owner("gale").tags("example", "rag", "llm", "eval")
                .param(Param.array("questions").required().description("The question set: objects {\"question\","
                        + " \"source\" (a path, or the end of one, e.g. \"gpu-workers.md\"; or a list), \"answer\""
                        + " (optional words the answer holds)}"))
                .param(Param.string("index").defaultValue(indexes.getFirst()).oneOf(indexes.toArray())
                        .description("The index to measure: a directory under $GALE_HOME/indexes (store lucene), or"
                                + " table gale_rag_<index> (store pgvector)"));
        RagRetrieval.params(dag);
        RagStores.params(dag);

        Task<List<Question>> questions = dag.task("questions", new TypeToken<List<Question>>() { }, ctx -> {
            RetrievalFilter.of(ctx.params().get("filter")); // a bad filter fails here, once, saying what to write
            RagStores.Choice.of(ctx); // and so does a bad store setting
            return questionSet(ctx.params().get("questions"));
        });
        Task<List<Outcome>> evaluate = dag.map("evaluate", Outcome.class, questions, RagEval::evaluate)
                .llm(ModelNeeds.chat()).queue(RagStores.queue());
        Task<Report> score = dag.task("score", Report.class, evaluate, RagEval::score)
                .reads(indexes.stream().map(i -> "vector://" + i).toArray(String[]::new))
                .writes(indexes.stream().map(i -> "eval://rag-" + i).toArray(String[]::new));
        return dag.result(score).build();
    }

    /** Reads conf questions, naming the first bad entry by its position. */
    static List<Question> questionSet(Object conf) {
        if (!(conf instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException("conf questions must be a non-empty list of {\"question\", \"source\"}"
                    + " objects (gale rag eval reads them from a JSON Lines file)");
        }
        List<Question> set = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String where = "conf questions[" + i + "] (line " + (i + 1) + " of a questions file)";
            if (!(list.get(i) instanceof Map<?, ?> entry)) {
                throw new IllegalArgumentException(where + ": not an object; write {\"question\": \"...\", \"source\":"
                        + " \"guide.md\"}");
            }
            Object question = entry.get("question");
            Object source = entry.get("source");
            List<String> sources = source instanceof List<?> many ? many.stream().map(String::valueOf).toList()
                    : source == null || String.valueOf(source).isBlank() ? List.of() : List.of(String.valueOf(source));
            if (question == null || String.valueOf(question).isBlank() || sources.isEmpty()) {
                throw new IllegalArgumentException(where + ": needs a \"question\" and the \"source\" document that"
                        + " answers it (its path, or the end of its path such as \"gpu-workers.md\")");
            }
            Object answer = entry.get("answer");
            set.add(new Question(String.valueOf(question).strip(), sources, answer == null ? null
                    : String.valueOf(answer)));
        }
        return set;
    }

    private static Outcome evaluate(TaskContext ctx, Question q) {
        Llm llm = CommonLlm.forTask(ctx);
        RetrievalFilter filter = RetrievalFilter.of(ctx.params().get("filter"));
        int candidates = ctx.param("candidates", Integer.class);
        List<List<RagRetrieval.Hit>> lists = new ArrayList<>();
        List<RagRetrieval.Query> wordings = RagRetrieval.wordings(ctx, llm, q.question());
        for (RagRetrieval.Query wording : wordings) {
            lists.add(RagRetrieval.search(ctx, llm, wording.text(), ctx.param("topK", Integer.class), filter));
        }
        RagRetrieval.Ranked ranked = RagRetrieval.rerank(ctx, llm, ctx.param("rerank", String.class), q.question(),
                RagRetrieval.fuse(lists, candidates), candidates);
        List<RagRetrieval.Hit> hits = ranked.hits();
        int rank = 0;
        for (int i = 0; i < hits.size() && rank == 0; i++) {
            if (matches(hits.get(i).path(), q.sources())) {
                rank = i + 1;
            }
        }
        Boolean answerInTop5 = q.answer() == null ? null : hits.stream().limit(5).anyMatch(h -> h.text()
                .toLowerCase(Locale.ROOT).contains(q.answer().toLowerCase(Locale.ROOT)));
        RagRetrieval.Hit first = hits.isEmpty() ? null : hits.getFirst();
        ctx.log(q.question() + " -> " + (rank == 0 ? "not among the first " + hits.size() : "rank " + rank));
        return new Outcome(q.question(), q.sources(), rank, first == null ? null : first.path(),
                first == null ? null : first.heading(), answerInTop5, wordings.getLast().kind(), ranked.rerankedBy());
    }

    /** An expected source matches a path that equals it or ends with it after a '/'. */
    static boolean matches(String path, List<String> expected) {
        return expected.stream().anyMatch(e -> path.equals(e) || path.endsWith("/" + e.replaceFirst("^/+", "")));
    }

    private static Report score(TaskContext ctx, List<Outcome> outcomes) {
        String index = ctx.param("index", String.class);
        int n = outcomes.size();
        double hit1 = outcomes.stream().filter(o -> o.rank() == 1).count() / (double) n;
        double hit5 = outcomes.stream().filter(o -> o.rank() >= 1 && o.rank() <= 5).count() / (double) n;
        double mrr = outcomes.stream().mapToDouble(o -> o.rank() == 0 ? 0 : 1.0 / o.rank()).sum() / n;
        List<Outcome> hinted = outcomes.stream().filter(o -> o.answerInTop5() != null).toList();
        Double answerAt5 = hinted.isEmpty() ? null
                : hinted.stream().filter(Outcome::answerInTop5).count() / (double) hinted.size();
        List<Miss> misses = outcomes.stream().filter(o -> o.rank() != 1).map(o -> new Miss(o.question(), o.expected(),
                o.rank() == 0 ? null : o.rank(), o.first(), o.firstHeading())).toList();

        AssetVersionInfo ingested = ctx.readAsset("vector://" + index);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("indexVersion", ingested.version());
        settings.put("embeddingModel", ingested.metadata("embeddingModel"));
        settings.put("chunks", ingested.metadata("chunks"));
        settings.put("chunkSize", ingested.metadata("chunkSize"));
        settings.put("chunkOverlap", ingested.metadata("chunkOverlap"));
        settings.put("topK", ctx.param("topK", Integer.class));
        settings.put("candidates", ctx.param("candidates", Integer.class));
        settings.put("retrieval", "hybrid BM25 + vector per wording, reciprocal rank fusion (k=" + RankFusion.K + ")");
        settings.put("rewordedBy", outcomes.getFirst().rewordedBy());
        settings.put("rerankedBy", outcomes.getFirst().rerankedBy());
        settings.put("filter", ctx.params().get("filter"));

        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("hitAt1", round(hit1));
        metadata.put("hitAt5", round(hit5));
        metadata.put("mrr", round(mrr));
        if (answerAt5 != null) {
            metadata.put("answerAt5", round(answerAt5));
        }
        metadata.put("questions", n);
        metadata.put("misses", misses.size());
        metadata.putAll(settings);
        int version = ctx.emitAsset("eval://rag-" + index, metadata);
        ctx.log(String.format("%d questions: hit@1 %.3f, hit@5 %.3f, MRR %.3f; eval://rag-%s version %d", n, hit1, hit5,
                mrr, index, version));
        return new Report(index, n, round(hit1), round(hit5), round(mrr), answerAt5 == null ? null : round(answerAt5),
                misses, settings, version);
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
