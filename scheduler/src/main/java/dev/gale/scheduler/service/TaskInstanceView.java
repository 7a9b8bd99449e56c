package dev.gale.scheduler.service;

import dev.gale.scheduler.engine.TaskInstanceState;
import java.time.Instant;

/**
 * A task instance as stored: its state, its current attempt (0 before the first), and who runs it;
 * {@code mapIndex} is -1 for an unmapped task. {@code waitingReason} says, while the instance is queued,
 * why no connected worker could ever run it (null otherwise).
 */
public record TaskInstanceView(
        long id,
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
        Instant endedAt,
        String waitingReason) {
}
