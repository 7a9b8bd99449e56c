package dev.gale.scheduler.service;

import java.util.List;
import java.util.Optional;

/** Read-only queries over runs, task instances and DAG versions, for the API. Every query is bounded. */
public interface RunHistory {

    RunPage listRuns(RunQuery query);

    List<DagVersion> listDagVersions(String dagId);

    /** The task instances of a run ordered by task id and map index, or empty when the run does not exist. */
    Optional<TaskInstancePage> listTaskInstances(String dagId, String runId, int limit, int offset);

    Optional<TaskInstanceView> findTaskInstance(String dagId, String runId, String taskId, int mapIndex);

    /** The task as declared by the DAG version the run is pinned to; empty when the run has no such task. */
    Optional<dev.gale.sdk.spec.TaskSpec> findTaskSpec(String dagId, String runId, String taskId);

    /** Every attempt of a task instance, oldest first, the running one included. */
    List<TaskAttemptView> listAttempts(String dagId, String runId, String taskId, int mapIndex);

    List<XComEntry> listXComs(String dagId, String runId, String taskId, int mapIndex);
}
