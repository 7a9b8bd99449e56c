package dev.gale.scheduler.service;

import java.time.Instant;

/** A trigger a deferred task waits on, not fired yet: {@code spec} is its kind's settings as JSON. */
public record ArmedTrigger(long id, long taskInstanceId, String kind, String spec, Instant timeoutAt) {
}
