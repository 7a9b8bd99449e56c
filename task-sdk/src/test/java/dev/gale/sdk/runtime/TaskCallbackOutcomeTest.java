package dev.gale.sdk.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.TaskCallbackContext.Outcome;
import dev.gale.sdk.spec.TaskSpec;
import org.junit.jupiter.api.Test;

/** Which task callback an attempt's end calls: the server's retry policy (RetryPolicy.afterFailure), seen from the worker. */
class TaskCallbackOutcomeTest {
    private static TaskSpec twiceRetried() {
        DagBuilder d = Dag.builder("r");
        d.task("a", ctx -> null).retries(2);
        return d.build().taskSpec("a").orElseThrow();
    }

    @Test
    void aFailureBeforeTheLastAttemptIsARetryAndTheLastOrAnUnretriableOneIsFinal() {
        TaskSpec spec = twiceRetried();
        assertThat(TaskCallbackRun.outcomeOf(null, false, 1, spec)).isEqualTo(Outcome.SUCCESS);
        assertThat(TaskCallbackRun.outcomeOf("boom", false, 1, spec)).isEqualTo(Outcome.RETRY);
        assertThat(TaskCallbackRun.outcomeOf("boom", false, 2, spec)).isEqualTo(Outcome.RETRY);
        assertThat(TaskCallbackRun.outcomeOf("boom", false, 3, spec)).isEqualTo(Outcome.FAILURE);
        assertThat(TaskCallbackRun.outcomeOf("boom", true, 1, spec)).isEqualTo(Outcome.FAILURE);
    }
}
