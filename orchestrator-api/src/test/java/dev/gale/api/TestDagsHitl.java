package dev.gale.api;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.DagBundle;
import dev.gale.sdk.HumanDecision;
import dev.gale.sdk.HumanRequest;
import dev.gale.sdk.Param;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Approvals for the tests. {@code hitl_review_for_tests}: a draft, an approval whose form prefills the
 * draft for editing and whose options publish or discard it, then either branch. {@code
 * hitl_timeout_for_tests}: an approval nobody answers, which rejects after its timeout. And {@code
 * hitl_by_hand_for_tests}, whose review the tests drive by hand, as a worker would: its branch task
 * {@code review} is claimed and deferred on a human request by the test; its queue is its own, so that no
 * test worker takes it.
 */
public final class TestDagsHitl implements DagBundle {
    static final String BY_HAND = "hitl_by_hand_for_tests";
    static final String QUEUE = "hitl-by-hand";
    static final String REVIEW = "hitl_review_for_tests";
    static final String TIMES_OUT = "hitl_timeout_for_tests";

    @Override
    public List<Dag> dags() {
        DagBuilder dag = Dag.builder(BY_HAND).description("A draft, a person's review, then publish or discard.");
        var draft = dag.task("draft", ctx -> Map.of("answer", "Paris is the capital of France.")).queue(QUEUE);
        var review = dag.branch("review", ctx -> List.of()).queue(QUEUE).after(draft);
        dag.task("publish", ctx -> "published").queue(QUEUE).after(review);
        dag.task("discard", ctx -> "discarded").queue(QUEUE).after(review);
        return List.of(dag.build(), review(), timesOut());
    }

    private static Dag review() {
        DagBuilder dag = Dag.builder(REVIEW).description("A draft a person edits and publishes, or discards.")
                .param(Param.string("draft").defaultValue("Paris is the capital of France."));
        var draft = dag.task("draft", ctx -> Map.of("answer", ctx.param("draft", String.class)));
        var review = dag.approval("review", ctx -> HumanRequest.ask("Publish the draft?")
                .body("## The draft\nCheck **every** claim; edit it if needed. <b>not markup</b> [style guide](https://example.org)")
                .options("publish", "discard").show("draft")
                .form(Param.string("answer").required().defaultValue(ctx.input("draft", Map.class).get("answer")),
                        Param.integer("stars").min(1).max(5)))
                .after(draft);
        var publish = dag.task("publish", ctx -> {
            HumanDecision decision = ctx.input("review", HumanDecision.class);
            return Map.of("published", decision.values().get("answer"), "by", decision.decidedBy());
        }).after(review);
        dag.task("discard", ctx -> "discarded by " + ctx.input("review", HumanDecision.class).decidedBy())
                .after(review);
        dag.task("notify", ctx -> "told the team: " + ctx.input("review", HumanDecision.class).option()).after(review);
        return dag.result(publish).build();
    }

    private static Dag timesOut() {
        DagBuilder dag = Dag.builder(TIMES_OUT).description("An approval nobody answers in time.");
        var review = dag.approval("review", HumanRequest.ask("Anyone?").timeout(Duration.ofSeconds(2))
                .onTimeout("reject"));
        var after = dag.task("after", ctx -> {
            HumanDecision decision = ctx.input("review", HumanDecision.class);
            return Map.of("option", decision.option(), "timedOut", decision.timedOut());
        }).after(review);
        return dag.result(after).build();
    }
}
