package dev.gale.api;

import dev.gale.llm.BatchRequest;
import dev.gale.llm.CommonLlm;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBundle;
import dev.gale.sdk.ModelNeeds;
import java.time.Duration;
import java.util.List;

/** DAGs that send a chat batch to the Batch API of LlmBatchIT's local server: one it completes, one it fails, one it completes with a request failed. */
public final class TestDagsLlmBatch implements DagBundle {
    static final List<String> QUESTIONS = List.of("Which planet is red?", "Which planet has rings?",
            "Which planet is largest?");
    /** A user message that makes the test's Batch API fail the batch. */
    static final String REFUSED = "REFUSE this batch";
    /** A user message the test's Batch API answers with HTTP 400 inside a completed batch. */
    static final String BAD_REQUEST = "BREAK this request";

    @Override
    public List<Dag> dags() {
        return List.of(batch("llm_batch_for_tests", QUESTIONS), batch("llm_batch_failed_for_tests", List.of(REFUSED)),
                batch("llm_batch_partly_failed_for_tests", List.of(QUESTIONS.getFirst(), BAD_REQUEST)));
    }

    private static Dag batch(String dagId, List<String> questions) {
        var dag = Dag.builder(dagId).description("Asks a model " + questions.size() + " questions in one batch.");
        var ask = dag.task("ask", ctx -> CommonLlm.forTask(ctx).chatBatch(questions.stream()
                        .map(q -> new BatchRequest("Answer in one word.", q)).toList(), Duration.ofMillis(500)))
                .llm(ModelNeeds.chat().minQuality(2));
        return dag.result(ask).build();
    }
}
