package dev.gale.scheduler.service;

/** Identifies one attempt of one task instance; reports for any other attempt are stale. */
public record TaskAttempt(long taskInstanceId, int attempt) {
}
