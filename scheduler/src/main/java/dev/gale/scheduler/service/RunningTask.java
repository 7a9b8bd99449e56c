package dev.gale.scheduler.service;

import dev.gale.sdk.spec.TaskSpec;

/**
 * A task attempt that is running now, with what its asset calls need: where it belongs, the task's
 * declared inlets and outlets, and the conf of its run (which names the asset versions that
 * triggered it, if any).
 */
public record RunningTask(TaskAttempt attempt, String dagId, int dagVersion, String runId, String taskId,
                          int mapIndex, String workerId, TaskSpec task, String confJson) {
}
