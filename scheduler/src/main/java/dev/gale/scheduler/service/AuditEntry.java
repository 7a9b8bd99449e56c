package dev.gale.scheduler.service;

import java.time.Instant;

/** One admin action: who (the API token's name), what (e.g. {@code token.create}), on what (a path), when. */
public record AuditEntry(Instant at, String actor, String action, String target) {
}
