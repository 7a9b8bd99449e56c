package dev.gale.examples;

import dev.gale.llm.CommonLlm;
import dev.gale.llm.LlmCatalog;
import dev.gale.llm.LlmException;
import dev.gale.llm.Llm;
import dev.gale.llm.ModelSpec;
import dev.gale.llm.rag.Chunk;
import dev.gale.llm.rag.LuceneEmbeddingStore;
import dev.gale.llm.rag.QueryRewordings;
import dev.gale.llm.rag.RagIndexes;
import dev.gale.llm.rag.RankFusion;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.ModelNeeds;
import dev.gale.sdk.Param;
import dev.gale.sdk.TaskBuilder;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
 * the top-k chunks for the question and each rewording in parallel (mapped; hybrid BM25 + vector),
 * fuse the lists by reciprocal rank with duplicates merged, and answer from the best chunks with their
 * sources. The run's result is {@code {"answer", "sources": [{"n", "path", "heading", "score", "cited"}],
 * "model", "rewordings", "rewordedBy"}}.
 */
public final class RagAnswer {
    static final String OFFLINE_REWORDING = "keyword extraction: no chat model is configured, so the rewordings are"
            + " the question's keywords, not a model's paraphrases";

    private static final Pattern CITATION = Pattern.compile("\\[(\\d+)]");

    private RagAnswer() {
    }

    /** One query to retrieve for: the question itself or a rewording, and how it was made. */
    public record Query(String text, String kind) {
    }

    /** A retrieved chunk. */
    public record Hit(String id, String path, String heading, String text, double score) {
    }

    /** A source of the answer; {@code n} is how the answer cites it ({@code [n]}). */
    public record Source(int n, String path, String heading, double score, boolean cited) {
    }

    /** The run's result. */
    public record Answer(String question, String answer, List<Source> sources, String model, List<String> rewordings,
                         String rewordedBy) {
    }

    /** What a chat model is asked for when rewording. */
    public record Rewordings(List<String> rewordings) {
    }

    public static Dag dag() {
        DagBuilder dag = Dag.builder("rag_answer")
                .description("Answers a question from an index written by rag_ingest: rewords it, retrieves for each"
                        + " wording in parallel (BM25 + vector), fuses the rankings and answers with sources.")
                .owner("gale").tags("example", "rag", "llm")
                .param(Param.string("question").required().description("What to ask"))
                .param(Param.string("index").defaultValue("docs").description("The index to search, under"
                        + " $GALE_HOME/indexes"))
                .param(Param.integer("topK").defaultValue(8).min(1).max(100)
                        .description("Chunks retrieved for each wording"))
                .param(Param.integer("sources").defaultValue(4).min(1).max(20)
                        .description("Chunks the answer is drawn from"));

        TaskBuilder rephrase = dag.task("rephrase", ctx -> {
            String question = ctx.param("question", String.class).strip();
            if (question.isEmpty()) {
                throw new IllegalArgumentException("conf question is empty; ask something, e.g. {\"question\":"
                        + " \"How do I run a task on a GPU?\"}");
            }
            Llm llm = CommonLlm.forTask(ctx);
            List<Query> queries = new ArrayList<>(List.of(new Query(question, "question")));
            if (isOffline(llm)) {
                QueryRewordings.of(question).forEach(r -> queries.add(new Query(r, "keywords")));
            } else {
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
                            + " with " + model + " failed (see the rephrase task's log)")));
                }
            }
            ctx.log("retrieving for " + queries.size() + " wordings: " + queries.stream().map(Query::text).toList());
            return queries;
        }).llm(ModelNeeds.chat());

        TaskBuilder retrieve = dag.task("retrieve", ctx -> {
            Query query = ctx.item(Query.class);
            Path index = RagIndexes.path(ctx.param("index", String.class));
            Llm llm = CommonLlm.forTask(ctx);
            try (LuceneEmbeddingStore store = LuceneEmbeddingStore.openForReading(index)) {
                Embedding vector = Embedding.from(llm.embed(query.text()));
                String model = llm.embeddingChoice().model().orElseThrow().id();
                String indexModel = store.info().get("embeddingModel");
                if (indexModel != null && !indexModel.equals(model)) {
                    throw new IllegalStateException("index " + index + " was embedded with " + indexModel
                            + " but this task's embedding model is " + model + "; ingest again with " + model
                            + " or configure " + indexModel);
                }
                return store.search(EmbeddingSearchRequest.builder().query(query.text()).queryEmbedding(vector)
                                .maxResults(ctx.param("topK", Integer.class)).build()).matches().stream()
                        .map(m -> {
                            Chunk chunk = Chunk.of(m.embeddingId(), m.embedded());
                            return new Hit(m.embeddingId(), chunk.path(), chunk.heading(), chunk.text(), m.score());
                        }).toList();
            }
        }).expand(rephrase).llm(ModelNeeds.embedding());

        TaskBuilder rank = dag.task("rank", ctx -> {
            List<List<Hit>> lists = ctx.inputs("retrieve", Hit[].class).stream().map(Arrays::asList).toList();
            return RankFusion.fuse(lists, Hit::id).stream().limit(ctx.param("sources", Integer.class))
                    .map(s -> new Hit(s.item().id(), s.item().path(), s.item().heading(), s.item().text(), s.score()))
                    .toList();
        });

        TaskBuilder answer = dag.task("answer", ctx -> {
            String question = ctx.param("question", String.class).strip();
            List<Hit> hits = Arrays.asList(ctx.input("rank", Hit[].class));
            List<Query> queries = Arrays.asList(ctx.input("rephrase", Query[].class));
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
            List<Query> rewordings = queries.stream().filter(q -> !q.kind().equals("question")).toList();
            String rewordedBy = rewordings.isEmpty() ? "none" : rewordings.getFirst().kind().equals("keywords")
                    ? OFFLINE_REWORDING : rewordings.getFirst().kind();
            return new Answer(question, text, sources, llm.chatChoice().model().map(ModelSpec::id).orElse("none"),
                    rewordings.stream().map(Query::text).toList(), rewordedBy);
        }).llm(ModelNeeds.chat());

        rephrase.then(retrieve).then(rank).then(answer);
        answer.after(rephrase);
        return dag.result(answer).build();
    }

    /** True when the chat model is the extractive answerer, i.e. no language model is configured. */
    private static boolean isOffline(Llm llm) {
        return llm.chatChoice().model().map(m -> m.provider().equals(LlmCatalog.LOCAL_PROVIDER)).orElse(true);
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
