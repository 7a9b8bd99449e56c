package dev.gale.scheduler.engine;

import static dev.gale.scheduler.engine.TaskInstanceState.FAILED;
import static dev.gale.scheduler.engine.TaskInstanceState.RUNNING;
import static dev.gale.scheduler.engine.TaskInstanceState.SKIPPED;
import static dev.gale.scheduler.engine.TaskInstanceState.SUCCESS;
import static dev.gale.scheduler.engine.TaskInstanceState.UPSTREAM_FAILED;
import static dev.gale.scheduler.engine.TriggerRuleEvaluator.Outcome.RUN;
import static dev.gale.scheduler.engine.TriggerRuleEvaluator.Outcome.SKIP;
import static dev.gale.scheduler.engine.TriggerRuleEvaluator.Outcome.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.sdk.TriggerRule;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Rows of Airflow's trigger-rule table: upstream states in, what the task does out. */
class TriggerRuleEvaluatorTest {

    static Stream<Arguments> table() {
        var upstreamFailed = TriggerRuleEvaluator.Outcome.UPSTREAM_FAILED;
        return Stream.of(
                Arguments.of(TriggerRule.ALL_SUCCESS, List.of(SUCCESS, SUCCESS), RUN),
                Arguments.of(TriggerRule.ALL_SUCCESS, List.of(SUCCESS, RUNNING), WAIT),
                Arguments.of(TriggerRule.ALL_SUCCESS, List.of(FAILED, RUNNING), upstreamFailed),
                Arguments.of(TriggerRule.ALL_SUCCESS, List.of(UPSTREAM_FAILED, SUCCESS), upstreamFailed),
                Arguments.of(TriggerRule.ALL_SUCCESS, List.of(SKIPPED, SUCCESS), SKIP),
                Arguments.of(TriggerRule.ALL_FAILED, List.of(FAILED, UPSTREAM_FAILED), RUN),
                Arguments.of(TriggerRule.ALL_FAILED, List.of(FAILED, SUCCESS), SKIP),
                Arguments.of(TriggerRule.ALL_FAILED, List.of(FAILED, RUNNING), WAIT),
                Arguments.of(TriggerRule.ALL_DONE, List.of(FAILED, SKIPPED, SUCCESS), RUN),
                Arguments.of(TriggerRule.ALL_DONE, List.of(FAILED, RUNNING), WAIT),
                Arguments.of(TriggerRule.ALL_SKIPPED, List.of(SKIPPED, SKIPPED), RUN),
                Arguments.of(TriggerRule.ALL_SKIPPED, List.of(SKIPPED, SUCCESS), SKIP),
                Arguments.of(TriggerRule.ONE_SUCCESS, List.of(SUCCESS, RUNNING), RUN),
                Arguments.of(TriggerRule.ONE_SUCCESS, List.of(FAILED, RUNNING), WAIT),
                Arguments.of(TriggerRule.ONE_SUCCESS, List.of(FAILED, SKIPPED), upstreamFailed),
                Arguments.of(TriggerRule.ONE_SUCCESS, List.of(SKIPPED, SKIPPED), SKIP),
                Arguments.of(TriggerRule.ONE_FAILED, List.of(FAILED, RUNNING), RUN),
                Arguments.of(TriggerRule.ONE_FAILED, List.of(SUCCESS, SUCCESS), SKIP),
                Arguments.of(TriggerRule.ONE_DONE, List.of(FAILED, RUNNING), RUN),
                Arguments.of(TriggerRule.ONE_DONE, List.of(SKIPPED, UPSTREAM_FAILED), SKIP),
                Arguments.of(TriggerRule.NONE_FAILED, List.of(SUCCESS, SKIPPED), RUN),
                Arguments.of(TriggerRule.NONE_FAILED, List.of(SUCCESS, FAILED), upstreamFailed),
                Arguments.of(TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS, List.of(SKIPPED, SUCCESS), RUN),
                Arguments.of(TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS, List.of(SKIPPED, SKIPPED), SKIP),
                Arguments.of(TriggerRule.NONE_SKIPPED, List.of(SUCCESS, FAILED), RUN),
                Arguments.of(TriggerRule.NONE_SKIPPED, List.of(SUCCESS, SKIPPED), SKIP),
                Arguments.of(TriggerRule.ALWAYS, List.of(FAILED, RUNNING), RUN));
    }

    @ParameterizedTest(name = "{0} with upstream {1} -> {2}")
    @MethodSource("table")
    void followsAirflowsTable(TriggerRule rule, List<TaskInstanceState> upstream,
                              TriggerRuleEvaluator.Outcome expected) {
        assertThat(TriggerRuleEvaluator.evaluate(rule, UpstreamStates.of(upstream))).isEqualTo(expected);
    }
}
