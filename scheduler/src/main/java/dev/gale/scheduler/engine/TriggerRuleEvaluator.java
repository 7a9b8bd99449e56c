package dev.gale.scheduler.engine;

import dev.gale.sdk.TriggerRule;

/**
 * Airflow's trigger-rule table: given the states of a task's direct upstream instances, whether the
 * task runs now, waits, is skipped, or is marked upstream_failed. Mirrors Airflow's
 * {@code TriggerRuleDep} with {@code flag_upstream_failed} on.
 */
public final class TriggerRuleEvaluator {

    /** What the scheduler does with a task instance whose upstream looks like this. */
    public enum Outcome {
        RUN, WAIT, SKIP, UPSTREAM_FAILED
    }

    private TriggerRuleEvaluator() {
    }

    public static Outcome evaluate(TriggerRule rule, UpstreamStates up) {
        if (up.total() == 0) {
            return Outcome.RUN;
        }
        int failures = up.failed() + up.upstreamFailed();
        boolean done = up.allDone();
        return switch (rule) {
            case ALWAYS -> Outcome.RUN;
            case ALL_SUCCESS -> failures > 0 ? Outcome.UPSTREAM_FAILED
                    : up.skipped() > 0 ? Outcome.SKIP
                    : up.success() + up.removed() >= up.total() ? Outcome.RUN : Outcome.WAIT;
            case ALL_FAILED -> up.success() > 0 || up.skipped() > 0 ? Outcome.SKIP
                    : done ? Outcome.RUN : Outcome.WAIT;
            case ALL_DONE -> done ? Outcome.RUN : Outcome.WAIT;
            case ALL_SKIPPED -> up.success() > 0 || failures > 0 ? Outcome.SKIP
                    : done ? Outcome.RUN : Outcome.WAIT;
            case ONE_SUCCESS -> up.success() > 0 ? Outcome.RUN
                    : !done ? Outcome.WAIT
                    : up.skipped() == up.done() ? Outcome.SKIP : Outcome.UPSTREAM_FAILED;
            case ONE_FAILED -> failures > 0 ? Outcome.RUN : done ? Outcome.SKIP : Outcome.WAIT;
            case ONE_DONE -> up.success() + up.failed() > 0 ? Outcome.RUN : done ? Outcome.SKIP : Outcome.WAIT;
            case NONE_FAILED -> failures > 0 ? Outcome.UPSTREAM_FAILED : done ? Outcome.RUN : Outcome.WAIT;
            case NONE_FAILED_MIN_ONE_SUCCESS -> failures > 0 ? Outcome.UPSTREAM_FAILED
                    : up.skipped() == up.total() ? Outcome.SKIP
                    : done ? Outcome.RUN : Outcome.WAIT;
            case NONE_SKIPPED -> up.skipped() > 0 ? Outcome.SKIP : done ? Outcome.RUN : Outcome.WAIT;
        };
    }
}
