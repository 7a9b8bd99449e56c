package dev.gale.scheduler.engine;

import java.util.List;

/** What the decider wants done to a run: task transitions, and the run's state afterwards. */
public record Decision(List<TaskTransition> transitions, DagRunState runState) {

    /** One task instance moving from one state to another. */
    public record TaskTransition(String taskId, TaskInstanceState from, TaskInstanceState to) {
    }

    public Decision {
        transitions = List.copyOf(transitions);
    }
}
