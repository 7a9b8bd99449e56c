package dev.gale.scheduler.service;

import java.time.Instant;

/** A notification of a run and how its delivery went: pending (maybe retrying), delivered or failed. */
public record NotificationView(long id, String event, String kind, String url, String state, int attempts,
                               Integer lastStatusCode, String lastError, Instant createdAt, Instant deliveredAt,
                               Instant nextAttemptAt) {
}
