package dev.gale.examples;

import dev.gale.llm.CommonLlm;
import dev.gale.llm.Llm;
import dev.gale.llm.ModelSpec;
import dev.gale.llm.rag.RetrievalFilter;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.ModelNeeds;
import dev.gale.sdk.Param;
import dev.gale.sdk.Task;
import dev.gale.sdk.TypeToken;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * RAG inference, the talk's second pipeline, meant to be called synchronously
 * ({@code POST /api/v1/dags/rag_answer/runs?wait=PT30S}): reword the question three ways (a chat model
 * when one is configured; offline, deterministic keyword extraction, and the result says so), retrieve
 * the top-k chunks for the question and each rewording in parallel (mapped; hybrid BM25 + vector, within
 * {@code conf.filter}), fuse the lists by reciprocal rank with duplicates merged, rerank the best
 * candidates with the chat model when one is configured, and answer from the best chunks with their
 * sources. The run's result is {@code {"answer", "sources": [{"n", "path", "heading", "score", "cited"}],
 * "model", "rewordings", "rewordedBy", "rerankedBy"}}.
 */
public final class RagAnswer {
    private static final Pattern CITATION = Pattern.compile("\\[(\\d+)]");

    private RagAnswer() {
    }

    /** A source of the answer; {@code n} is how the answer cites it ({@code [n]}). */
    public record Source(int n, String path, String heading, double score, boolean cited) {
    }

    /** The run's result. */
    public record Answer(String question, String answer, List<Source> sources, String model, List<String> rewordings,
                         String rewordedBy, String rerankedBy) {
    }

    private static final TypeToken<List<RagRetrieval.Query>> QUERIES = new TypeToken<>() { };
    private static final TypeToken<List<RagRetrieval.Hit>> HITS = new TypeToken<>() { };

    public static Dag dag() {
        DagBuilder dag = Dag.builder("rag_answer")
                .description("Answers a question from an index written by rag_ingest: rewords it, retrieves for each"
                        + " wording in parallel (BM25 + vector), fuses the rankings, reranks and answers with sources.")
                .owner("gale").tags("example", "rag", "llm");
        return dag.result(declare(dag)).build();
    }

    /**
     * Declares the params and tasks that answer {@code conf.question} into {@code dag}, for DAGs that do more
     * with the answer (e.g. {@code rag_answer_reviewed}); returns the task whose output is the {@link Answer}.
     */
    static Task<Answer> declare(DagBuilder dag) {
        dag.param(Param.string("question").required().description("What to ask"))
                .param(Param.string("index").defaultValue("docs").description("The index to search: a directory"
                        + " under $GALE_HOME/indexes (store lucene), or table gale_rag_<index> (store pgvector)"))
                .param(Param.integer("sources").defaultValue(4).min(1).max(20)
                        .description("Chunks the answer is drawn from"));
        RagRetrieval.params(dag);
        RagStores.params(dag);

        Task<List<RagRetrieval.Query>> rephrase = dag.task("rephrase", QUERIES, ctx -> {
            String question = ctx.param("question", String.class).strip();
            if (question.isEmpty()) {
                throw new IllegalArgumentException("conf question is empty; ask something, e.g. {\"question\":"
                        + " \"How do I run a task on a GPU?\"}");
            }
            RetrievalFilter.of(ctx.params().get("filter")); // a bad filter fails here, once, saying what to write
            RagStores.Choice.of(ctx); // and so does a bad store setting
            List<RagRetrieval.Query> queries = RagRetrieval.wordings(ctx, CommonLlm.forTask(ctx), question);
            ctx.log("retrieving for " + queries.size() + " wordings: " + queries.stream()
                    .map(RagRetrieval.Query::text).toList());
            return queries;
        }).llm(ModelNeeds.chat());

        Task<List<List<RagRetrieval.Hit>>> retrieve = dag.map("retrieve", HITS, rephrase,
                        (ctx, query) -> RagRetrieval.search(ctx, CommonLlm.forTask(ctx), query.text(),
                                ctx.param("topK", Integer.class), RetrievalFilter.of(ctx.params().get("filter"))))
                .llm(ModelNeeds.embedding()).queue(RagStores.queue());

        Task<List<RagRetrieval.Hit>> rank = dag.task("rank", HITS, retrieve, (ctx, lists) -> RagRetrieval.fuse(lists,
                Math.max(ctx.param("sources", Integer.class), ctx.param("candidates", Integer.class))));

        Task<RagRetrieval.Ranked> rerank = dag.task("rerank", RagRetrieval.Ranked.class, rank,
                (ctx, candidates) -> RagRetrieval.rerank(ctx, CommonLlm.forTask(ctx),
                        ctx.param("rerank", String.class), ctx.param("question", String.class), candidates,
                        ctx.param("sources", Integer.class)))
                .llm(ModelNeeds.chat());

        return dag.task("answer", Answer.class, rerank, rephrase, (ctx, ranked, queries) -> {
            String question = ctx.param("question", String.class).strip();
            List<RagRetrieval.Hit> hits = ranked.hits();
            Llm llm = CommonLlm.forTask(ctx);
            String passages = IntStream.range(0, hits.size())
                    .mapToObj(i -> "[" + (i + 1) + "] " + oneParagraph(hits.get(i).text()))
                    .collect(Collectors.joining("\n\n"));
            String text = hits.isEmpty() ? "The index holds nothing that matches the question."
                    : llm.chat("Answer the question from the numbered passages only. Cite the passages you use as"
                    + " [1], [2] and so on. If they do not hold the answer, say so.", passages + "\n\n"
                    + oneParagraph(question));
            Set<Integer> cited = cited(text);
            List<Source> sources = IntStream.range(0, hits.size()).mapToObj(i -> new Source(i + 1, hits.get(i).path(),
                    hits.get(i).heading(), hits.get(i).score(), cited.contains(i + 1))).toList();
            List<RagRetrieval.Query> rewordings = queries.stream().filter(q -> !q.kind().equals("question")).toList();
            String rewordedBy = rewordings.isEmpty() ? "none" : rewordings.getFirst().kind().equals("keywords")
                    ? RagRetrieval.OFFLINE_REWORDING : rewordings.getFirst().kind();
            return new Answer(question, text, sources, llm.chatChoice().model().map(ModelSpec::id).orElse("none"),
                    rewordings.stream().map(RagRetrieval.Query::text).toList(), rewordedBy, ranked.rerankedBy());
        }).llm(ModelNeeds.chat());
    }

    private static String oneParagraph(String text) {
        return text.strip().replaceAll("\\n\\s*\\n", "\n");
    }

    private static Set<Integer> cited(String answer) {
        Set<Integer> cited = new LinkedHashSet<>();
        Matcher matcher = CITATION.matcher(answer);
        while (matcher.find()) {
            cited.add(Integer.parseInt(matcher.group(1)));
        }
        return cited;
    }
}
