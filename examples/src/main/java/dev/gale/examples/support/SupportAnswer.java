package dev.gale.examples.support;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;

import dev.gale.llm.CommonLlm;
import dev.gale.llm.Llm;
import dev.gale.llm.ModelSpec;
import dev.gale.llm.rag.LuceneEmbeddingStore;
import dev.gale.llm.rag.RagIndexes;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.ModelNeeds;
import dev.gale.sdk.Param;
import dev.gale.sdk.TaskBuilder;
import dev.gale.sdk.TaskContext;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.data.segment.TextSegment;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The support assistant's question, called synchronously: "what changed in customer 42's booking
 * today?" is answered from the fresh {@code support} index, from that customer's events only when the
 * question or {@code customerId} names one, with the sources, their timestamps, and how old the freshest
 * source is.
 */
public final class SupportAnswer {
    private static final Pattern CUSTOMER = Pattern.compile("customer\\s*#?\\s*(\\d+)", Pattern.CASE_INSENSITIVE);

    private SupportAnswer() {
    }

    public record Source(int n, String eventId, int customerId, String type, String channel, String timestamp,
                         String text, double score) {
    }

    public record Answer(String question, Integer customerId, String answer, List<Source> sources,
                         Double freshestSourceAgeSeconds, String model) {
    }

    public static Dag dag() {
        DagBuilder dag = Dag.builder("support_answer")
                .description("Answers a question about a customer from the support index that support_stream keeps"
                        + " fresh, with sources, their timestamps and the age of the freshest one.")
                .owner("gale").tags("example", "rag", "streaming", "llm")
                .param(Param.string("question").required().description("e.g. What changed in customer 42's booking"
                        + " today?"))
                .param(Param.integer("customerId").min(1).description("Only this customer's events; taken from the"
                        + " question (\"customer 42\") when not given"))
                .param(Param.integer("topK").defaultValue(5).min(1).max(50).description("Events the answer is drawn"
                        + " from"));
        TaskBuilder answer = dag.task("answer", SupportAnswer::answer).llm(ModelNeeds.chat());
        return dag.result(answer).build();
    }

    private static Answer answer(TaskContext ctx) {
        String question = ctx.param("question", String.class).strip();
        if (question.isEmpty()) {
            throw new IllegalArgumentException("conf question is empty; ask something, e.g. {\"question\": \"What"
                    + " changed in customer 42's booking today?\"}");
        }
        Integer customer = ctx.params().get("customerId") instanceof Number n ? n.intValue() : customerIn(question);
        Llm llm = CommonLlm.forTask(ctx);
        List<EmbeddingMatch<TextSegment>> matches;
        try (LuceneEmbeddingStore store = LuceneEmbeddingStore.openForReading(RagIndexes.path(SupportStream.INDEX))) {
            EmbeddingSearchRequest.EmbeddingSearchRequestBuilder request = EmbeddingSearchRequest.builder()
                    .query(question).queryEmbedding(Embedding.from(llm.embed(question)))
                    .maxResults(ctx.param("topK", Integer.class));
            if (customer != null) {
                request.filter(metadataKey("customerId").isEqualTo(customer.toString()));
            }
            matches = store.search(request.build()).matches();
        }
        List<Source> sources = IntStream.range(0, matches.size()).mapToObj(i -> {
            var m = matches.get(i).embedded().metadata();
            return new Source(i + 1, m.getString("eventId"), Integer.parseInt(m.getString("customerId")),
                    m.getString("type"), m.getString("channel"), m.getString("timestamp"), matches.get(i).embedded().text(),
                    matches.get(i).score());
        }).toList();
        Double age = sources.stream().map(s -> Instant.parse(s.timestamp())).max(Comparator.naturalOrder())
                .map(t -> Duration.between(t, Instant.now()).toMillis() / 1000.0).orElse(null);
        String passages = sources.stream().map(s -> "[" + s.n() + "] " + s.timestamp() + " " + s.text())
                .collect(Collectors.joining("\n\n"));
        String text = sources.isEmpty() ? "The support index holds no events"
                + (customer == null ? "" : " of customer " + customer) + " yet."
                : llm.chat("Answer the question about a customer from the numbered events only, newest first."
                + " Cite the events you use as [1], [2] and so on.", passages + "\n\n" + question);
        return new Answer(question, customer, text, sources, age,
                llm.chatChoice().model().map(ModelSpec::id).orElse("none"));
    }

    private static Integer customerIn(String question) {
        Matcher matcher = CUSTOMER.matcher(question);
        return matcher.find() ? Integer.valueOf(matcher.group(1)) : null;
    }
}
