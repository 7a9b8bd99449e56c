package dev.gale.scheduler.service;

import dev.gale.scheduler.engine.TaskInstanceState;
import java.time.Instant;

/** One attempt of a task instance: how it ended (or that it is still running), where, and when. */
public record TaskAttemptView(int attempt, TaskInstanceState state, String workerId, String error, Instant startedAt,
                              Instant endedAt) {
}
