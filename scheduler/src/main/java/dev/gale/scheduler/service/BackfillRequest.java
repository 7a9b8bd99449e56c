package dev.gale.scheduler.service;

import dev.gale.scheduler.engine.BackfillPlan;
import java.time.Instant;
import java.util.Map;

/**
 * What a user asks a backfill to do: run {@code dagId} for each schedule interval whose logical date
 * is in {@code [from, to]}, with {@code conf} (the params' defaults fill the rest).
 */
public record BackfillRequest(String dagId, Instant from, Instant to, Map<String, Object> conf, int maxActiveRuns,
                              BackfillPlan.Order order, BackfillPlan.Reprocess reprocess) {
}
