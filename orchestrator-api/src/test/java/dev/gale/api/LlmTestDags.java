package dev.gale.api;

import dev.gale.llm.CommonLlm;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.DagBundle;
import dev.gale.sdk.ModelNeeds;
import java.time.Duration;
import java.util.List;

/** DAGs that call models through common.llm, for LlmUsageIT. */
public final class LlmTestDags implements DagBundle {
    @Override
    public List<Dag> dags() {
        DagBuilder retried = Dag.builder("llm_retry_for_tests")
                .description("Asks a model, then fails its first attempt: the retry must replay the call.");
        var ask = retried.task("ask", ctx -> {
            String answer = CommonLlm.forTask(ctx).chat("Answer in one word.", "Which planet is red?");
            if (ctx.attempt() == 1) {
                throw new IllegalStateException("the first attempt fails after paying for its call");
            }
            return answer;
        }).llm(ModelNeeds.chat().minQuality(2)).retries(1, Duration.ofMillis(100));

        DagBuilder confidential = Dag.builder("llm_confidential_for_tests")
                .description("Confidential data: only a model inside the deployment may see it.");
        var redact = confidential.task("redact", ctx -> CommonLlm.forTask(ctx).chat("Redact names.", "Alice earns 90k."))
                .llm(ModelNeeds.chat().confidential());
        return List.of(retried.result(ask).build(), confidential.result(redact).build());
    }
}
