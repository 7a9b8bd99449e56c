package dev.gale.scheduler.engine;

import dev.gale.sdk.spec.DagSpec;
import java.util.Map;

/** What the decider sees of one DAG run: its pinned DAG structure and each task instance's state. */
public record RunSnapshot(DagSpec dag, DagRunState runState, Map<String, TaskInstanceState> taskStates) {
    public RunSnapshot {
        taskStates = Map.copyOf(taskStates);
    }
}
