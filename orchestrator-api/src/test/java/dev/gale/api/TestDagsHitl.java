package dev.gale.api;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.DagBundle;
import java.util.List;
import java.util.Map;

/**
 * DAGs whose review step the tests drive by hand, as a worker would: {@code hitl_by_hand_for_tests} drafts,
 * then its branch task {@code review} is claimed and deferred on a human request by the test, and is
 * followed by {@code publish} or {@code discard}. Its queue is its own, so that no test worker takes it.
 */
public final class TestDagsHitl implements DagBundle {
    static final String BY_HAND = "hitl_by_hand_for_tests";
    static final String QUEUE = "hitl-by-hand";

    @Override
    public List<Dag> dags() {
        DagBuilder dag = Dag.builder(BY_HAND).description("A draft, a person's review, then publish or discard.");
        var draft = dag.task("draft", ctx -> Map.of("answer", "Paris is the capital of France.")).queue(QUEUE);
        var review = dag.branch("review", ctx -> List.of()).queue(QUEUE).after(draft);
        dag.task("publish", ctx -> "published").queue(QUEUE).after(review);
        dag.task("discard", ctx -> "discarded").queue(QUEUE).after(review);
        return List.of(dag.build());
    }
}
