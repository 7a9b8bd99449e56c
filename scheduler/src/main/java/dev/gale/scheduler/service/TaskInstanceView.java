package dev.gale.scheduler.service;

import dev.gale.scheduler.engine.TaskInstanceState;
import java.time.Instant;

/** A task instance of a run as stored; {@code mapIndex} is -1 for an unmapped task. */
public record TaskInstanceView(
        String taskId,
        int mapIndex,
        TaskInstanceState state,
        int attempt,
        int maxAttempts,
        String queue,
        int priorityWeight,
        String workerId,
        String error,
        Instant queuedAt,
        Instant startedAt,
        Instant endedAt) {
}
