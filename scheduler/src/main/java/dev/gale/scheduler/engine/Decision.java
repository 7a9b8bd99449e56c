package dev.gale.scheduler.engine;

import java.util.List;

/**
 * What the decider wants done to a run: tasks whose waiting instance changes state, mapped tasks to
 * expand now (one instance per element of their list), and the run's state afterwards.
 */
public record Decision(List<TaskTransition> transitions, List<String> expand, DagRunState runState) {

    /** The waiting instance of a task moving from one state to another. */
    public record TaskTransition(String taskId, TaskInstanceState from, TaskInstanceState to) {
    }

    public Decision {
        transitions = List.copyOf(transitions);
        expand = List.copyOf(expand);
    }
}
