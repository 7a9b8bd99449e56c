package dev.gale.scheduler.engine;

import dev.gale.sdk.spec.DagSpec;
import java.util.List;
import java.util.Map;

/**
 * What the decider sees of one DAG run: its pinned DAG structure, the states of each task's
 * instances, and what each finished branch task chose to follow.
 */
public record RunSnapshot(DagSpec dag, DagRunState runState, Map<String, TaskStates> tasks,
                          Map<String, List<String>> branchChoices) {
    public RunSnapshot {
        tasks = Map.copyOf(tasks);
        branchChoices = Map.copyOf(branchChoices);
    }

    /** A snapshot of plain (unmapped) tasks, one state each, with no branch choices. */
    public static RunSnapshot of(DagSpec dag, DagRunState runState, Map<String, TaskInstanceState> states) {
        Map<String, TaskStates> tasks = new java.util.HashMap<>();
        states.forEach((task, state) -> tasks.put(task, TaskStates.of(state)));
        return new RunSnapshot(dag, runState, tasks, Map.of());
    }
}
