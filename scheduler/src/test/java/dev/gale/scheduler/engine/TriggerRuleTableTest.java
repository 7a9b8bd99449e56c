package dev.gale.scheduler.engine;

import static dev.gale.scheduler.engine.TaskInstanceState.FAILED;
import static dev.gale.scheduler.engine.TaskInstanceState.NONE;
import static dev.gale.scheduler.engine.TaskInstanceState.RUNNING;
import static dev.gale.scheduler.engine.TaskInstanceState.SKIPPED;
import static dev.gale.scheduler.engine.TaskInstanceState.SUCCESS;
import static dev.gale.scheduler.engine.TaskInstanceState.UPSTREAM_FAILED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.scheduler.engine.TriggerRuleEvaluator.Outcome;
import dev.gale.sdk.TriggerRule;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Every trigger rule against every combination of three upstream states drawn from success, failed,
 * skipped, upstream_failed, running and none, checked against Airflow's documented table, written
 * here independently as "any"/"all" statements over the upstream states.
 */
class TriggerRuleTableTest {
    private static final List<TaskInstanceState> STATES = List.of(SUCCESS, FAILED, SKIPPED, UPSTREAM_FAILED, RUNNING,
            NONE);
    private static final Set<TaskInstanceState> FAILURES = EnumSet.of(FAILED, UPSTREAM_FAILED);
    private static final Set<TaskInstanceState> DONE = EnumSet.of(SUCCESS, FAILED, SKIPPED, UPSTREAM_FAILED);

    /** Airflow's documentation, rule by rule. */
    static Outcome documented(TriggerRule rule, List<TaskInstanceState> up) {
        boolean allDone = all(up, DONE::contains);
        return switch (rule) {
            // all upstream succeeded; a failure marks upstream_failed, a skip skips, at once
            case ALL_SUCCESS -> any(up, FAILURES::contains) ? Outcome.UPSTREAM_FAILED
                    : any(up, s -> s == SKIPPED) ? Outcome.SKIP
                    : all(up, s -> s == SUCCESS) ? Outcome.RUN : Outcome.WAIT;
            // all upstream failed or upstream_failed; any success or skip skips
            case ALL_FAILED -> any(up, s -> s == SUCCESS || s == SKIPPED) ? Outcome.SKIP
                    : allDone ? Outcome.RUN : Outcome.WAIT;
            // all upstream done, whatever the outcome
            case ALL_DONE -> allDone ? Outcome.RUN : Outcome.WAIT;
            // all upstream skipped; anything else that finished skips
            case ALL_SKIPPED -> any(up, s -> s == SUCCESS || FAILURES.contains(s)) ? Outcome.SKIP
                    : allDone ? Outcome.RUN : Outcome.WAIT;
            // one success is enough; when all are done without one: skip if all skipped, else upstream_failed
            case ONE_SUCCESS -> any(up, s -> s == SUCCESS) ? Outcome.RUN
                    : !allDone ? Outcome.WAIT
                    : all(up, s -> s == SKIPPED) ? Outcome.SKIP : Outcome.UPSTREAM_FAILED;
            // one failure is enough; all done without one skips
            case ONE_FAILED -> any(up, FAILURES::contains) ? Outcome.RUN : allDone ? Outcome.SKIP : Outcome.WAIT;
            // one success or failure is enough; all done without either skips
            case ONE_DONE -> any(up, s -> s == SUCCESS || s == FAILED) ? Outcome.RUN
                    : allDone ? Outcome.SKIP : Outcome.WAIT;
            // no failure; success or skip each
            case NONE_FAILED -> any(up, FAILURES::contains) ? Outcome.UPSTREAM_FAILED
                    : allDone ? Outcome.RUN : Outcome.WAIT;
            // no failure and at least one success; all skipped skips
            case NONE_FAILED_MIN_ONE_SUCCESS -> any(up, FAILURES::contains) ? Outcome.UPSTREAM_FAILED
                    : all(up, s -> s == SKIPPED) ? Outcome.SKIP
                    : allDone ? Outcome.RUN : Outcome.WAIT;
            // no skip; any skip skips at once
            case NONE_SKIPPED -> any(up, s -> s == SKIPPED) ? Outcome.SKIP : allDone ? Outcome.RUN : Outcome.WAIT;
            case ALWAYS -> Outcome.RUN;
        };
    }

    @Test
    void everyRuleMatchesTheDocumentedTableForEveryCombinationOfUpstreamStates() {
        int checked = 0;
        List<String> mismatches = new ArrayList<>();
        for (TriggerRule rule : TriggerRule.values()) {
            for (List<TaskInstanceState> upstream : combinations(3)) {
                Outcome actual = TriggerRuleEvaluator.evaluate(rule, UpstreamStates.of(upstream));
                Outcome expected = documented(rule, upstream);
                if (actual != expected) {
                    mismatches.add(rule + " " + upstream + ": got " + actual + ", documented " + expected);
                }
                checked++;
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(checked).isEqualTo(TriggerRule.values().length * 6 * 6 * 6);
    }

    @Test
    void aTaskWithoutUpstreamRunsWhateverItsRule() {
        for (TriggerRule rule : TriggerRule.values()) {
            assertThat(TriggerRuleEvaluator.evaluate(rule, UpstreamStates.of(List.of()))).isEqualTo(Outcome.RUN);
        }
    }

    private static List<List<TaskInstanceState>> combinations(int size) {
        List<List<TaskInstanceState>> all = new ArrayList<>();
        all.add(List.of());
        for (int i = 0; i < size; i++) {
            List<List<TaskInstanceState>> next = new ArrayList<>();
            for (List<TaskInstanceState> prefix : all) {
                for (TaskInstanceState state : STATES) {
                    List<TaskInstanceState> longer = new ArrayList<>(prefix);
                    longer.add(state);
                    next.add(longer);
                }
            }
            all = next;
        }
        return all;
    }

    private static boolean any(List<TaskInstanceState> up, Predicate<TaskInstanceState> p) {
        return up.stream().anyMatch(p);
    }

    private static boolean all(List<TaskInstanceState> up, Predicate<TaskInstanceState> p) {
        return up.stream().allMatch(p);
    }
}
