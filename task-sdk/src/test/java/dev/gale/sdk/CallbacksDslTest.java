package dev.gale.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.sdk.spec.NotifierSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Declaring task and run callbacks: what the DAG keeps, what its spec says, and the mistakes that fail it at load. */
class CallbacksDslTest {
    private static final TaskCallback TASK_CALLBACK = ctx -> { };
    private static final RunCallback RUN_CALLBACK = ctx -> { };

    @Test
    void taskCallbacksAreKeptPerOutcomeWithTheirTimeoutAndLeaveTheVersionAsItWas() {
        DagBuilder plain = Dag.builder("cb");
        plain.task("a", String.class, ctx -> "x");
        DagBuilder d = Dag.builder("cb");
        d.task("a", String.class, ctx -> "x").onRetry(TASK_CALLBACK).onFailure(TASK_CALLBACK)
                .options(t -> t.callbackTimeout(Duration.ofSeconds(5)));
        Dag dag = d.build();

        TaskCallbacks callbacks = dag.taskCallbacks("a");
        assertThat(callbacks.forOutcome(TaskCallbackContext.Outcome.RETRY)).contains(TASK_CALLBACK);
        assertThat(callbacks.forOutcome(TaskCallbackContext.Outcome.FAILURE)).contains(TASK_CALLBACK);
        assertThat(callbacks.forOutcome(TaskCallbackContext.Outcome.SUCCESS)).isEmpty();
        assertThat(callbacks.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(dag.taskCallbacks("nope")).isEqualTo(TaskCallbacks.NONE);
        assertThat(dag.versionHash()).as("task callbacks are code, not structure").isEqualTo(plain.build().versionHash());
    }

    @Test
    void runCallbacksBecomeOneCallbackNotifierOnTheirQueue() {
        DagBuilder d = Dag.builder("cb").deadline(Duration.ofHours(1)).onRunFailure(RUN_CALLBACK)
                .onDeadlineMissed(RUN_CALLBACK).runCallbacksOn("ops");
        d.task("a", ctx -> null);
        Dag dag = d.build();

        assertThat(dag.spec().notifiers()).containsExactly(new NotifierSpec("callback", "queue:ops",
                java.util.List.of("failed", "deadline_missed"), null, java.util.List.of(), null));
        assertThat(dag.runCallbacks().forEvent(Notifier.RunEvent.FAILED)).contains(RUN_CALLBACK);
        assertThat(dag.runCallbacks().forEvent(Notifier.RunEvent.SUCCESS)).isEmpty();
    }

    @Test
    void aDeadlineCallbackWithoutADeadlineOrTwoCallbacksForOneEventFailTheDag() {
        DagBuilder noDeadline = Dag.builder("late").onDeadlineMissed(RUN_CALLBACK);
        noDeadline.task("a", ctx -> null);
        assertThatThrownBy(noDeadline::build).isInstanceOf(DagDefinitionException.class)
                .hasMessageContaining("late").hasMessageContaining("onDeadlineMissed but no deadline");

        assertThatThrownBy(() -> Dag.builder("twice").onRunFailure(RUN_CALLBACK).onRunFailure(RUN_CALLBACK))
                .isInstanceOf(DagDefinitionException.class).hasMessageContaining("two failed run callbacks");
        assertThatThrownBy(() -> Dag.builder("t").task("a", ctx -> null).callbackTimeout(Duration.ZERO))
                .hasMessageContaining("task 'a': callbackTimeout must be positive");
    }
}
