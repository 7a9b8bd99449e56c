package dev.gale.scheduler.service;

import java.util.Map;

/**
 * A task instance attempt claimed for one worker: everything the worker needs to run it, including
 * how many GPUs of how much memory each the task asked for (0 when none), and what to run: the task's
 * kind ({@code java}, {@code command}, {@code python}) and its spec as the pinned DAG version has it.
 */
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
        Long executionTimeoutMs,
        int gpuCount,
        long gpuMemoryMb,
        String taskKind,
        String taskSpecJson) {
}
