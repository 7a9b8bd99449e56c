package dev.gale.scheduler.service;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A task instance attempt claimed for one worker: everything the worker needs to run it, including
 * how many GPUs of how much memory each the task asked for (0 when none), and what to run: the task's
 * kind ({@code java}, {@code command}, {@code python}) and its spec as the pinned DAG version has it.
 * {@code logicalDate} is null for a run triggered without one; {@code dataIntervalStart} is null unless the
 * run's DAG has a cron schedule (see {@link #dataIntervalStartOrLogicalDate}). {@code triggerEvents} are the
 * events of the triggers this attempt deferred on, in order: empty unless it is resumed after a deferral.
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
        String taskSpecJson,
        Instant logicalDate,
        Instant dataIntervalStart,
        List<FiredTrigger> triggerEvents) {

    /** A trigger that fired for the attempt: its kind and its event as JSON. */
    public record FiredTrigger(String kind, String eventJson) {
    }

    /** Where the run's data interval starts; a run with a logical date but no schedule has an empty interval. */
    public Instant dataIntervalStartOrLogicalDate() {
        return dataIntervalStart == null ? logicalDate : dataIntervalStart;
    }
}
