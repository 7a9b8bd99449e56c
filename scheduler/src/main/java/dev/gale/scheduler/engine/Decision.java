package dev.gale.scheduler.engine;

import java.util.List;

/**
 * What the decider wants done to a run: tasks whose waiting instance changes state, mapped tasks to
 * expand now (one instance per element of their list), and the run's state afterwards.
 */
public record Decision(List<TaskTransition> transitions, List<String> expand, DagRunState runState) {

    /** The waiting ({@code none}) instance of a task moving to another state. */
    public record TaskTransition(String taskId, TaskInstanceState to) {
    }

    public Decision {
        transitions = List.copyOf(transitions);
        expand = List.copyOf(expand);
    }
}
