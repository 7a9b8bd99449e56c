package dev.gale.scheduler.service;

import java.time.Instant;

/** A position in the newest-first order of runs: runs are ordered by queue time, then by id. */
public record RunCursor(Instant queuedAt, long id) {
}
