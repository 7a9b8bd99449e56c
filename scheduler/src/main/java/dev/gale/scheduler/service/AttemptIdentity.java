package dev.gale.scheduler.service;

/**
 * Which task instance attempt a task instance id and attempt number are, for the lines written about it, and
 * the state its task instance is in now. {@code workerId} is null when no worker holds or held it.
 */
public record AttemptIdentity(String dagId, String runId, String taskId, int mapIndex, int attempt, String workerId,
                              String state) {
}
