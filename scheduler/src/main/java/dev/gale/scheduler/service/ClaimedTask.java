package dev.gale.scheduler.service;

import java.util.Map;

/** A task instance attempt claimed for one worker: everything the worker needs to run it. */
public record ClaimedTask(
        long taskInstanceId,
        int attempt,
        String dagId,
        String dagVersionHash,
        String runId,
        String taskId,
        int mapIndex,
        String mapItemJson,
        String paramsJson,
        Map<String, String> upstreamOutputsJson,
        Long executionTimeoutMs) {
}
