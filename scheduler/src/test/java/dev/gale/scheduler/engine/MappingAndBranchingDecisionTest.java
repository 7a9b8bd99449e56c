package dev.gale.scheduler.engine;

import static dev.gale.scheduler.engine.TaskInstanceState.NONE;
import static dev.gale.scheduler.engine.TaskInstanceState.QUEUED;
import static dev.gale.scheduler.engine.TaskInstanceState.RUNNING;
import static dev.gale.scheduler.engine.TaskInstanceState.SCHEDULED;
import static dev.gale.scheduler.engine.TaskInstanceState.SKIPPED;
import static dev.gale.scheduler.engine.TaskInstanceState.SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.Param;
import dev.gale.sdk.TriggerRule;
import dev.gale.sdk.spec.DagSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MappingAndBranchingDecisionTest {

    private static DagSpec mapped() {
        DagBuilder d = Dag.builder("mapped").param(Param.array("items").defaultValue(List.of(1, 2)));
        var split = d.task("split", ctx -> List.of(1, 2, 3));
        var work = d.task("work", ctx -> null).expand(split);
        var reduce = d.task("reduce", ctx -> null);
        work.then(reduce);
        return d.build().spec();
    }

    @Test
    void aMappedTaskExpandsOnceItsSourceSucceededAndItsDownstreamWaitsForEveryInstance() {
        DagSpec dag = mapped();
        Decision expand = RunDecider.decide(RunSnapshot.of(dag, DagRunState.RUNNING,
                Map.of("split", SUCCESS, "work", NONE, "reduce", NONE)));
        assertThat(expand.expand()).containsExactly("work");
        assertThat(expand.transitions()).isEmpty();

        Decision partial = RunDecider.decide(new RunSnapshot(dag, DagRunState.RUNNING, Map.of(
                "split", TaskStates.of(SUCCESS),
                "work", new TaskStates(Map.of(SUCCESS, 2, RUNNING, 1)),
                "reduce", TaskStates.of(NONE)), Map.of()));
        assertThat(partial.transitions()).isEmpty();

        Decision done = RunDecider.decide(new RunSnapshot(dag, DagRunState.RUNNING, Map.of(
                "split", TaskStates.of(SUCCESS),
                "work", new TaskStates(Map.of(SUCCESS, 3)),
                "reduce", TaskStates.of(NONE)), Map.of()));
        assertThat(done.transitions()).containsExactly(new Decision.TaskTransition("reduce", QUEUED));
    }

    @Test
    void completingOneOfManyMappedInstancesNeedsNoDecisionUntilTheLast() {
        DagSpec dag = mapped();

        assertThat(RunDecider.decisionUnchanged(dag, "work", SUCCESS, true)).isTrue();
        assertThat(RunDecider.decisionUnchanged(dag, "work", SUCCESS, false)).isFalse();
        assertThat(RunDecider.decisionUnchanged(dag, "work", TaskInstanceState.FAILED, true)).isFalse();
    }

    @Test
    void aOneSuccessDownstreamIsDecidedAtTheFirstMappedSuccess() {
        DagBuilder d = Dag.builder("eager");
        var split = d.task("split", ctx -> List.of(1, 2));
        var work = d.task("work", ctx -> null).expand(split);
        work.then(d.task("first", ctx -> null).triggerRule(TriggerRule.ONE_SUCCESS));

        assertThat(RunDecider.decisionUnchanged(d.build().spec(), "work", SUCCESS, true)).isFalse();
    }

    @Test
    void aBranchSkipsTheDirectDownstreamItDidNotChooseAndTheJoinStillRuns() {
        DagBuilder d = Dag.builder("branchy");
        var choose = d.branch("choose", ctx -> List.of("left"));
        var left = d.task("left", ctx -> null);
        var right = d.task("right", ctx -> null);
        var afterRight = d.task("after_right", ctx -> null);
        var join = d.task("join", ctx -> null).triggerRule(TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS);
        choose.then(left).then(join);
        choose.then(right).then(afterRight).then(join);
        DagSpec dag = d.build().spec();

        Decision decision = RunDecider.decide(new RunSnapshot(dag, DagRunState.RUNNING, Map.of(
                "choose", TaskStates.of(SUCCESS), "left", TaskStates.of(NONE), "right", TaskStates.of(NONE),
                "after_right", TaskStates.of(NONE), "join", TaskStates.of(NONE)),
                Map.of("choose", List.of("left"))));

        assertThat(decision.transitions()).containsExactlyInAnyOrder(
                new Decision.TaskTransition("left", QUEUED),
                new Decision.TaskTransition("right", SKIPPED),
                new Decision.TaskTransition("after_right", SKIPPED));
    }

    @Test
    void tasksUnderAPoolOrADagTaskLimitWaitInScheduled() {
        DagBuilder d = Dag.builder("pooled");
        d.task("gpu_job", ctx -> null).pool("gpu");
        Decision decision = RunDecider.decide(RunSnapshot.of(d.build().spec(), DagRunState.QUEUED,
                Map.of("gpu_job", NONE)));

        assertThat(decision.transitions()).containsExactly(new Decision.TaskTransition("gpu_job", SCHEDULED));
    }

    @Test
    void queueingHonoursPriorityPoolSlotsAndTheDagLimit() {
        List<Queueing.Candidate> candidates = List.of(
                new Queueing.Candidate(1, "a", "gpu", null, 1, 1),
                new Queueing.Candidate(2, "a", "gpu", null, 5, 1),
                new Queueing.Candidate(3, "b", null, 2, 1, 1),
                new Queueing.Candidate(4, "b", null, 2, 1, 1),
                new Queueing.Candidate(5, "b", null, 2, 1, 1));

        List<Long> chosen = Queueing.choose(candidates, Map.of("gpu", 1), Map.of("b", 1));

        assertThat(chosen).containsExactly(2L, 3L);
    }

    @Test
    void aTaskTakingSeveralPoolSlotsWaitsForThemWhileASmallerOneTakesWhatIsLeft() {
        List<Queueing.Candidate> candidates = List.of(
                new Queueing.Candidate(1, "a", "warehouse", null, 9, 2),
                new Queueing.Candidate(2, "a", "warehouse", null, 5, 2),
                new Queueing.Candidate(3, "b", "warehouse", null, 1, 1));

        assertThat(Queueing.choose(candidates, Map.of("warehouse", 3), Map.of())).containsExactly(1L, 3L);
    }
}
