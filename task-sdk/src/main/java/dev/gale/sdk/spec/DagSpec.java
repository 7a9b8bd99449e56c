package dev.gale.sdk.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The serialized form of a DAG. Each distinct serialization is a DAG version: a run is pinned to
 * the version it started with, and the scheduler decides from this alone, without the DAG's code.
 * {@code llmBudgetUsd}, when set, caps what the LLM calls of each run may cost. {@code notifiers} are
 * told of run events, and {@code deadline}, when set, is when a run must have finished.
 */
public record DagSpec(
        String dagId,
        String description,
        String owner,
        List<String> tags,
        List<ParamSpec> params,
        List<TaskSpec> tasks,
        String resultTaskId,
        ScheduleSpec schedule,
        Integer maxActiveRuns,
        Integer maxActiveTasks,
        boolean pausedOnCreation,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double llmBudgetUsd,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<NotifierSpec> notifiers,
        @JsonInclude(JsonInclude.Include.NON_NULL) DeadlineSpec deadline) {

    public DagSpec {
        notifiers = notifiers == null ? List.of() : List.copyOf(notifiers);
        tags = List.copyOf(tags);
        params = List.copyOf(params);
        tasks = List.copyOf(tasks);
    }

    /** The task with this id; throws when the DAG has none, which a stored version never lacks. */
    public TaskSpec task(String taskId) {
        for (TaskSpec task : tasks) {
            if (task.taskId().equals(taskId)) {
                return task;
            }
        }
        throw new IllegalArgumentException("DAG '" + dagId + "' has no task '" + taskId + "'");
    }
}
