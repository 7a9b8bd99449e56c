package dev.gale.scheduler.service;

/** The run a trigger created, or the earlier run its Idempotency-Key already made ({@code replayed}). */
public record TriggeredRun(DagRunView run, boolean replayed) {
}
