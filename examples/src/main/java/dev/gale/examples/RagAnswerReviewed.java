package dev.gale.examples;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.HumanDecision;
import dev.gale.sdk.HumanRequest;
import dev.gale.sdk.Param;
import dev.gale.sdk.TaskBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A RAG answer a person reviews before it goes out: {@code rag_answer}'s tasks answer {@code conf.question}
 * with sources; the approval {@code review} shows the answer in the inbox with a form prefilled with it, to
 * publish as is or edited, or to discard (the default after 24 h); {@code publish} returns the published
 * answer as the run's result and records it as a version of {@code report://reviewed-answers}, with who
 * approved it and whether they edited it; {@code discard} records why not.
 */
public final class RagAnswerReviewed {
    static final String RECORD = "report://reviewed-answers";

    private RagAnswerReviewed() {
    }

    /** The run's result: the answer as published. */
    public record Published(String question, String answer, boolean edited, String approvedBy, Instant approvedAt,
                            List<RagAnswer.Source> sources, int recordVersion) {
    }

    public static Dag dag() {
        DagBuilder dag = Dag.builder("rag_answer_reviewed")
                .description("rag_answer, then a person publishes the answer (as is or edited) or discards it.")
                .owner("gale").tags("example", "rag", "llm", "hitl");
        TaskBuilder answer = RagAnswer.declare(dag).builder();

        TaskBuilder review = dag.approval("review", ctx -> {
            RagAnswer.Answer generated = ctx.input("answer", RagAnswer.Answer.class);
            String sources = generated.sources().stream()
                    .map(s -> "- [" + s.n() + "] `" + s.path() + "` " + s.heading() + (s.cited() ? " (cited)" : ""))
                    .collect(Collectors.joining("\n"));
            return HumanRequest.ask("Publish the answer to: " + generated.question())
                    .body("## Question\n" + generated.question() + "\n\n## Answer\n" + generated.answer()
                            + "\n\n## Sources\n" + (sources.isEmpty() ? "none" : sources)
                            + "\n\nEdit the answer below if needed, then **publish**; or **discard** it.")
                    .options("publish", "discard")
                    .form(Param.string("answer").required().defaultValue(generated.answer())
                            .description("The answer as it will be published"))
                    .show("answer")
                    .timeout(Duration.ofHours(24)).onTimeout("discard");
        }).after(answer);

        TaskBuilder publish = dag.task("publish", ctx -> {
            RagAnswer.Answer generated = ctx.input("answer", RagAnswer.Answer.class);
            HumanDecision decision = ctx.input("review", HumanDecision.class);
            String text = String.valueOf(decision.values().get("answer"));
            boolean edited = !text.equals(generated.answer());
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("question", generated.question());
            record.put("approvedBy", decision.decidedBy());
            record.put("edited", edited);
            record.put("runId", ctx.runId());
            int version = ctx.emitAsset(RECORD, record);
            ctx.log("published the answer " + (edited ? "as edited by " : "as approved by ") + decision.decidedBy());
            return new Published(generated.question(), text, edited, decision.decidedBy(), decision.decidedAt(),
                    generated.sources(), version);
        }).after(review, answer).writes(RECORD);

        dag.task("discard", ctx -> {
            HumanDecision decision = ctx.input("review", HumanDecision.class);
            String why = decision.timedOut() ? "nobody reviewed it within 24 h"
                    : "discarded by " + decision.decidedBy() + (decision.comment() == null ? "" : ": " + decision.comment());
            ctx.log(why);
            return Map.of("discarded", true, "why", why);
        }).after(review);
        return dag.result(publish).build();
    }
}
