package dev.gale.scheduler.service;

import dev.gale.scheduler.engine.Downstream;
import dev.gale.scheduler.engine.RunDecider;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.sdk.spec.DagSpec;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What an operator does to one task of a run, as in Airflow: clear it (and optionally what is
 * downstream of it) so it runs again, or mark it success or failed. Each is recorded with who did it
 * and why.
 */
public final class TaskActions {
    private final SchedulerStore store;
    private final TaskActionStore actions;
    private final Clock clock;

    public TaskActions(SchedulerStore store, TaskActionStore actions, Clock clock) {
        this.store = store;
        this.actions = actions;
        this.clock = clock;
    }

    /**
     * @throws UnknownTaskException      when the run's DAG has no such task
     * @throws RunStateConflictException when the run has not ended
     */
    public Optional<DagRunView> clear(String dagId, String runId, String taskId, boolean downstream, String reason,
                                      String actor) {
        Optional<DagRunView> cleared = store.clearTasks(dagId, runId, snapshot -> {
            requireTask(snapshot.dag(), dagId, taskId);
            return downstream ? Downstream.withDownstream(snapshot.dag(), Set.of(taskId)) : Set.of(taskId);
        }, RunDecider::decide);
        cleared.ifPresent(run -> actions.record(dagId, runId, new TaskActionView(taskId,
                downstream ? "clear_with_downstream" : "clear", reason, actor, clock.instant())));
        return cleared;
    }

    /**
     * @param state success or failed
     * @throws UnknownTaskException      when the run's DAG has no such task
     * @throws RunStateConflictException when the task is queued or running
     */
    public Optional<DagRunView> mark(String dagId, String runId, String taskId, TaskInstanceState state, String reason,
                                     String actor) {
        if (state != TaskInstanceState.SUCCESS && state != TaskInstanceState.FAILED) {
            throw new IllegalArgumentException("a task can be marked success or failed, not " + state.wireName());
        }
        Optional<DagRunView> marked = actions.mark(dagId, runId, taskId, state,
                state == TaskInstanceState.FAILED ? "marked failed by " + actor + ": " + reason : null,
                RunDecider::decide);
        marked.ifPresent(run -> actions.record(dagId, runId, new TaskActionView(taskId, "mark_" + state.wireName(),
                reason, actor, clock.instant())));
        return marked;
    }

    public List<TaskActionView> history(String dagId, String runId) {
        return actions.actions(dagId, runId);
    }

    static void requireTask(DagSpec dag, String dagId, String taskId) {
        if (dag.tasks().stream().noneMatch(t -> t.taskId().equals(taskId))) {
            throw new UnknownTaskException(dagId, taskId);
        }
    }
}
