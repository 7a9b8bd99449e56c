package dev.gale.scheduler.engine;

import static dev.gale.scheduler.engine.TaskInstanceState.FAILED;
import static dev.gale.scheduler.engine.TaskInstanceState.NONE;
import static dev.gale.scheduler.engine.TaskInstanceState.QUEUED;
import static dev.gale.scheduler.engine.TaskInstanceState.SUCCESS;
import static dev.gale.scheduler.engine.TaskInstanceState.UPSTREAM_FAILED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.TriggerRule;
import dev.gale.sdk.spec.DagSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunDeciderTest {
    /** extract >> transform >> load, plus cleanup (all_done) after load. */
    private static final DagSpec ETL = etl();

    private static DagSpec etl() {
        DagBuilder d = Dag.builder("etl");
        var extract = d.task("extract", ctx -> null);
        var transform = d.task("transform", ctx -> null);
        var load = d.task("load", ctx -> null);
        var cleanup = d.task("cleanup", ctx -> null).triggerRule(TriggerRule.ALL_DONE);
        extract.then(transform).then(load).then(cleanup);
        return d.build().spec();
    }

    @Test
    void aNewRunQueuesOnlyItsRootTasks() {
        Decision decision = RunDecider.decide(RunSnapshot.of(ETL, DagRunState.QUEUED,
                Map.of("extract", NONE, "transform", NONE, "load", NONE, "cleanup", NONE)));

        assertThat(decision.transitions()).containsExactly(new Decision.TaskTransition("extract", QUEUED));
        assertThat(decision.runState()).isEqualTo(DagRunState.RUNNING);
    }

    @Test
    void aFailureMarksEverythingDownstreamUpstreamFailedInOnePassButAllDoneStillRuns() {
        Decision decision = RunDecider.decide(RunSnapshot.of(ETL, DagRunState.RUNNING,
                Map.of("extract", FAILED, "transform", NONE, "load", NONE, "cleanup", NONE)));

        assertThat(decision.transitions()).containsExactly(
                new Decision.TaskTransition("transform", UPSTREAM_FAILED),
                new Decision.TaskTransition("load", UPSTREAM_FAILED),
                new Decision.TaskTransition("cleanup", QUEUED));
        assertThat(decision.runState()).isEqualTo(DagRunState.RUNNING);
    }

    @Test
    void theRunSucceedsWhenEveryLeafSucceededAndFailsWhenALeafFailed() {
        assertThat(RunDecider.decide(RunSnapshot.of(ETL, DagRunState.RUNNING,
                Map.of("extract", SUCCESS, "transform", SUCCESS, "load", SUCCESS, "cleanup", SUCCESS))).runState())
                .isEqualTo(DagRunState.SUCCESS);
        assertThat(RunDecider.decide(RunSnapshot.of(ETL, DagRunState.RUNNING,
                Map.of("extract", SUCCESS, "transform", SUCCESS, "load", SUCCESS, "cleanup", FAILED))).runState())
                .isEqualTo(DagRunState.FAILED);
    }

    @Test
    void aFinishedRunIsLeftAlone() {
        Decision decision = RunDecider.decide(RunSnapshot.of(ETL, DagRunState.CANCELLED,
                Map.of("extract", NONE, "transform", NONE, "load", NONE, "cleanup", NONE)));

        assertThat(decision.transitions()).isEmpty();
        assertThat(decision.runState()).isEqualTo(DagRunState.CANCELLED);
    }
}
