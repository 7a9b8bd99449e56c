package dev.gale.scheduler.service;

import dev.gale.scheduler.engine.Decision;
import dev.gale.scheduler.engine.RunSnapshot;
import dev.gale.scheduler.engine.TaskInstanceState;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Marking task instances by hand, and the record of what people did to task instances. */
public interface TaskActionStore {
    /**
     * Sets every instance of the task to {@code state} (success or failed), resets the instances
     * downstream of it that did not run because it had failed, and lets {@code decide} carry the run on
     * from there. Empty when the run does not exist.
     *
     * @throws RunStateConflictException when an instance of the task is queued or running
     */
    Optional<DagRunView> mark(String dagId, String runId, String taskId, TaskInstanceState state, String error,
                              Function<RunSnapshot, Decision> decide);

    void record(String dagId, String runId, TaskActionView action);

    List<TaskActionView> actions(String dagId, String runId);
}
