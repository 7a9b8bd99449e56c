package dev.gale.scheduler.service;

import java.time.Instant;

/** One thing a person did to a task of a run: {@code clear}, {@code clear_with_downstream}, {@code mark_success} or {@code mark_failed}. */
public record TaskActionView(String taskId, String action, String reason, String actor, Instant at) {
}
