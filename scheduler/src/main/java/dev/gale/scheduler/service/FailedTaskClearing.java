package dev.gale.scheduler.service;

import dev.gale.scheduler.engine.Downstream;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.engine.TaskStates;
import dev.gale.sdk.spec.DagSpec;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which task instances a "clear failed tasks" resets, like Airflow's clear with only-failed and
 * downstream: the failed and upstream_failed ones, and everything downstream of them, so the run
 * can finish again.
 */
final class FailedTaskClearing {
    private FailedTaskClearing() {
    }

    static Set<String> tasksToClear(DagSpec dag, Map<String, TaskStates> states) {
        Set<String> failed = new LinkedHashSet<>();
        states.forEach((taskId, state) -> {
            if (state.count(TaskInstanceState.FAILED) + state.count(TaskInstanceState.UPSTREAM_FAILED) > 0) {
                failed.add(taskId);
            }
        });
        return Downstream.withDownstream(dag, failed);
    }
}
